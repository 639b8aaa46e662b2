// The fields of the signer protocol's write requests and answers (seatkey/server/signer.hpp):
// each a 4-byte big-endian length and its bytes. The signer reads a request as untrusted input:
// a length that runs past the frame, or bytes left over, is not a request.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "seatkey/server/signer.hpp"

namespace seatkey::server {
namespace {

void put_field(std::string* out, std::string_view bytes) {
  const auto n = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((n >> shift) & 0xff));
  out->append(bytes);
}

void put_number(std::string* out, std::uint32_t n) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((n >> shift) & 0xff));
  put_field(out, bytes);
}

// Reads fields off the front of a frame; once a read fails, every later one fails too.
class Fields {
 public:
  explicit Fields(std::string_view bytes) : left_(bytes) {}
  std::optional<std::string> text() {
    if (!ok_ || left_.size() < 4) return fail();
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(left_[static_cast<std::size_t>(i)]);
    left_.remove_prefix(4);
    if (n > left_.size()) return fail();
    std::string out(left_.substr(0, n));
    left_.remove_prefix(n);
    return out;
  }
  std::optional<std::uint32_t> number() {
    const auto bytes = text();
    if (!bytes || bytes->size() != 4) {
      ok_ = false;
      return std::nullopt;
    }
    std::uint32_t n = 0;
    for (char c : *bytes) n = (n << 8) | static_cast<unsigned char>(c);
    return n;
  }
  // The headers: their number, then each name and value (no more than the frame can hold).
  std::optional<std::vector<Header>> headers() {
    const auto count = number();
    if (!count || *count > left_.size() / 8) return fail_headers();
    std::vector<Header> out;
    for (std::uint32_t i = 0; i < *count; ++i) {
      auto name = text();
      auto value = text();
      if (!name || !value) return fail_headers();
      out.push_back({std::move(*name), std::move(*value)});
    }
    return out;
  }
  bool finished() const { return ok_ && left_.empty(); }

 private:
  std::optional<std::string> fail() {
    ok_ = false;
    return std::nullopt;
  }
  std::optional<std::vector<Header>> fail_headers() {
    ok_ = false;
    return std::nullopt;
  }
  std::string_view left_;
  bool ok_ = true;
};

void put_headers(std::string* out, const std::vector<Header>& headers) {
  put_number(out, static_cast<std::uint32_t>(headers.size()));
  for (const Header& h : headers) {
    put_field(out, h.name);
    put_field(out, h.value);
  }
}

}  // namespace

std::string write_request(const WriteRequest& request) {
  std::string out(1, static_cast<char>(Op::write));
  put_field(&out, request.method);
  put_field(&out, request.target);
  put_field(&out, request.client_address);
  put_headers(&out, request.headers);
  put_field(&out, request.body);
  return out;
}

std::optional<WriteRequest> parse_write_request(std::string_view bytes) {
  Fields f(bytes);
  auto method = f.text();
  auto target = f.text();
  auto address = f.text();
  auto headers = f.headers();
  auto body = f.text();
  if (!body || !f.finished()) return std::nullopt;
  return WriteRequest{std::move(*method), std::move(*target), std::move(*address), std::move(*headers),
                      std::move(*body)};
}

std::string answer_fields(const Response& answer) {
  std::string out;
  put_number(&out, static_cast<std::uint32_t>(answer.status));
  put_field(&out, answer.content_type);
  put_headers(&out, answer.headers);
  put_field(&out, answer.body);
  return out;
}

std::optional<Response> parse_answer(std::string_view bytes) {
  Fields f(bytes);
  auto status = f.number();
  auto type = f.text();
  auto headers = f.headers();
  auto body = f.text();
  if (!body || !f.finished() || *status < 100 || *status > 599) return std::nullopt;
  return Response{static_cast<int>(*status), std::move(*type), std::move(*body), std::move(*headers)};
}

}  // namespace seatkey::server
