// SecureBuffer: fixed-size bytes in sodium_malloc memory, wiped and freed on destruction.
// Holds every secret: seeds, secret keys, passphrases, PASERK secret strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace seatkey {

class SecureBuffer {
 public:
  SecureBuffer() noexcept = default;
  // Allocates `size` zeroed bytes; empty() on allocation failure (check it).
  explicit SecureBuffer(std::size_t size) noexcept;
  static SecureBuffer copy_of(std::string_view bytes) noexcept;
  ~SecureBuffer();

  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;

  std::uint8_t* data() noexcept { return data_; }
  const std::uint8_t* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return data_ == nullptr; }
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(data_), size_}; }
  // Shrinks the visible size (the tail is wiped); never grows.
  void truncate(std::size_t size) noexcept;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace seatkey
