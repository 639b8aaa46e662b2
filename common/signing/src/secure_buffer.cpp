#include "seatkey/signing/secure_buffer.hpp"

#include <sodium.h>

#include <cstring>
#include <utility>

namespace seatkey {

SecureBuffer::SecureBuffer(std::size_t size) noexcept {
  if (sodium_init() < 0) return;
  // sodium_malloc(0) is legal but we keep a non-null buffer for "allocated, empty".
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ != nullptr) {
    sodium_memzero(data_, size == 0 ? 1 : size);
    size_ = size;
  }
}

SecureBuffer SecureBuffer::copy_of(std::string_view bytes) noexcept {
  SecureBuffer out(bytes.size());
  if (!out.empty() && !bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecureBuffer::~SecureBuffer() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before unmapping
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecureBuffer::truncate(std::size_t size) noexcept {
  if (size >= size_) return;
  sodium_memzero(data_ + size, size_ - size);
  size_ = size;
}

}  // namespace seatkey
