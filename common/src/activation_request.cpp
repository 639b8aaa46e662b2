#include "seatkey/common/activation_request.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace seatkey {
namespace {

constexpr std::string_view kHexDigits = "0123456789ABCDEF";
constexpr std::string_view kIdCharacters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr int kIdModeBits = 1;
constexpr int kIdLengthBits = 6;
constexpr int kCodeCountBits = 4;
static_assert(kMaxApplianceIdLength - kMinApplianceIdLength < (1u << kIdLengthBits), "the ID length fits");
static_assert(kMaxRequestCodes < (1u << kCodeCountBits), "the code count fits");

// Bits, most significant first, into symbol values of 5 bits.
class SymbolWriter {
 public:
  void put(std::uint64_t value, int bits) {
    for (int i = bits - 1; i >= 0; --i) {
      acc_ = (acc_ << 1) | static_cast<unsigned>((value >> i) & 1u);
      if (++held_ == 5) flush();
    }
  }
  // The symbols, the last one filled up with zero bits.
  std::vector<unsigned> finish() {
    if (held_ > 0) {
      acc_ <<= 5 - held_;
      flush();
    }
    return std::move(out_);
  }

 private:
  void flush() {
    out_.push_back(acc_);
    acc_ = 0;
    held_ = 0;
  }
  std::vector<unsigned> out_;
  unsigned acc_ = 0;
  int held_ = 0;
};

// The bits of symbol values, most significant first.
class SymbolReader {
 public:
  explicit SymbolReader(const std::vector<unsigned>& symbols) : symbols_(symbols) {}
  std::size_t bits_left() const { return symbols_.size() * 5 - at_; }
  // `bits` more bits; false when there are not that many.
  bool get(int bits, std::uint64_t* out) {
    if (static_cast<std::size_t>(bits) > bits_left()) return false;
    std::uint64_t v = 0;
    for (int i = 0; i < bits; ++i, ++at_) v = (v << 1) | ((symbols_[at_ / 5] >> (4 - at_ % 5)) & 1u);
    *out = v;
    return true;
  }

 private:
  const std::vector<unsigned>& symbols_;
  std::size_t at_ = 0;
};

std::vector<unsigned> prefix_symbols() {
  std::vector<unsigned> out;
  for (char c : kRequestMagic) out.push_back(static_cast<unsigned>(crockford_value(c)));
  out.push_back(kRequestVersion);
  return out;
}

// The 4 hash symbols over the prefix and the content symbols.
std::array<unsigned, kRequestHashSymbols> hash_symbols(const std::vector<unsigned>& content) {
  std::string text;
  for (unsigned v : prefix_symbols()) text.push_back(kCrockfordSymbols[v]);
  for (unsigned v : content) text.push_back(kCrockfordSymbols[v]);
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash_blake2b_state state;
  crypto_generichash_blake2b_init(&state, nullptr, 0, sizeof h);
  crypto_generichash_blake2b_update(&state, reinterpret_cast<const unsigned char*>(kRequestHashPrefix.data()),
                                    kRequestHashPrefix.size());
  crypto_generichash_blake2b_update(&state, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_generichash_blake2b_final(&state, h, sizeof h);
  const std::uint32_t top = (std::uint32_t{h[0]} << 12) | (std::uint32_t{h[1]} << 4) | (h[2] >> 4);
  std::array<unsigned, kRequestHashSymbols> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = (top >> (5 * (out.size() - 1 - i))) & 31u;
  return out;
}

bool is_hex(std::string_view id) {
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return kHexDigits.find(c) != std::string_view::npos; });
}

ActivationError request_error(ActivationProblem problem, std::string message) {
  return ActivationError{problem, {}, std::move(message)};
}

std::string shown(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "a byte 0x%02X", u);
  return buf;
}

// The symbol values of typed text (separators dropped), or the request_symbol error.
ActivationResult<std::vector<unsigned>> symbols_of(std::string_view text) {
  std::vector<unsigned> out;
  out.reserve(kMaxRequestLength);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-') continue;
    const int v = crockford_value(c);
    if (v < 0) {
      return request_error(ActivationProblem::request_symbol,
                           shown(c) + " (character " + std::to_string(i + 1) +
                               ") is not in any activation request: they are made of 0-9, A-Z without I, L, "
                               "O and U, and hyphens");
    }
    out.push_back(static_cast<unsigned>(v));
  }
  return out;
}

// The prefix, the length and the checks; on success the content symbols (between the prefix and
// the hash).
ActivationResult<std::vector<unsigned>> checked_content(const std::vector<unsigned>& all) {
  if (all.empty()) return request_error(ActivationProblem::request_length, "the activation request is empty");
  const std::vector<unsigned> prefix = prefix_symbols();
  for (std::size_t i = 0; i < kRequestMagic.size(); ++i) {
    if (i >= all.size() || all[i] != prefix[i]) {
      return request_error(ActivationProblem::request_prefix,
                           "this is not a seatkey activation request: those start with SKR1");
    }
  }
  if (all.size() == kRequestMagic.size() || all[kRequestMagic.size()] != kRequestVersion) {
    const std::string version = all.size() == kRequestMagic.size()
                                    ? "no version"
                                    : "version " + std::to_string(all[kRequestMagic.size()]);
    return request_error(ActivationProblem::request_version, "this activation request has " + version +
                                                                 ": this program reads version " +
                                                                 std::to_string(kRequestVersion) + " (SKR1)");
  }
  const std::size_t n = all.size() - prefix.size();
  if (n < kMinRequestSymbols || n > kMaxRequestSymbols) {
    return request_error(ActivationProblem::request_length,
                         "this activation request has " + std::to_string(n) +
                             " symbols after SKR1: " + (n < kMinRequestSymbols ? "fewer" : "more") +
                             " than any request (" + std::to_string(kMinRequestSymbols) + " to " +
                             std::to_string(kMaxRequestSymbols) + "); compare it with the appliance's");
  }
  const std::string typo =
      "this activation request has a typo (its check symbols do not match): compare it "
      "with the appliance's";
  if (damm_interim(all) != 0) return request_error(ActivationProblem::request_check, typo);
  std::vector<unsigned> content(all.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                                all.end() - static_cast<std::ptrdiff_t>(kRequestHashSymbols + 1));
  const auto hash = hash_symbols(content);
  if (!std::equal(hash.begin(), hash.end(), all.end() - static_cast<std::ptrdiff_t>(kRequestHashSymbols + 1)))
    return request_error(ActivationProblem::request_check, typo);
  return content;
}

ActivationError bad_content(const std::string& what) {
  return request_error(ActivationProblem::request_content,
                       "this activation request is not valid although its checks match: " + what);
}

ActivationResult<std::string> read_appliance(SymbolReader& in) {
  std::uint64_t mode = 0, length = 0;
  if (!in.get(kIdModeBits, &mode) || !in.get(kIdLengthBits, &length)) return bad_content("it ends early");
  length += kMinApplianceIdLength;
  if (length > kMaxApplianceIdLength) return bad_content("its appliance ID is over 64 characters");
  std::string id;
  for (std::uint64_t i = 0; i < length; ++i) {
    std::uint64_t v = 0;
    if (!in.get(mode == 0 ? 4 : 6, &v)) return bad_content("it ends early");
    if (v >= kIdCharacters.size()) return bad_content("its appliance ID holds a value that is no character");
    id.push_back(kIdCharacters[v]);
  }
  // One spelling for each request: the hex mode whenever the ID allows it.
  if (mode == 1 && is_hex(id)) return bad_content("its appliance ID is not written the shortest way");
  return id;
}

}  // namespace

Result<std::string> format_activation_request(const ActivationRequest& r) {
  auto id = canonical_appliance_id(r.appliance);
  if (!id) return id.error();
  if (r.codes.size() > kMaxRequestCodes) {
    return make_error(Errc::too_large, "an activation request carries at most " +
                                           std::to_string(kMaxRequestCodes) + " codes, not " +
                                           std::to_string(r.codes.size()));
  }
  for (std::size_t i = 0; i < r.codes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (r.codes[i] == r.codes[j])
        return make_error(Errc::malformed,
                          "code " + std::to_string(i + 1) + " is code " + std::to_string(j + 1) + " again");
    }
  }
  if (r.time < 0 || r.time > kMaxRequestTime) {
    return make_error(Errc::invalid_time, std::string("an activation request cannot carry a time ") +
                                              (r.time < 0 ? "before 1970-01-01T00:00:00Z"
                                                          : "after " + format_rfc3339(kMaxRequestTime)));
  }
  if (r.nonce > kMaxRequestNonce)
    return make_error(Errc::malformed, "an activation request's nonce has 40 bits");

  SymbolWriter w;
  const bool hex = is_hex(*id);
  w.put(hex ? 0 : 1, kIdModeBits);
  w.put(id->size() - kMinApplianceIdLength, kIdLengthBits);
  for (char c : *id) w.put((hex ? kHexDigits : kIdCharacters).find(c), hex ? 4 : 6);
  w.put(r.codes.size(), kCodeCountBits);
  for (const ActivationCode& code : r.codes) {
    for (unsigned char byte : code.bits()) w.put(byte, 8);
  }
  w.put(static_cast<std::uint64_t>(r.time), kRequestTimeBits);
  w.put(r.nonce, kRequestNonceBits);
  std::vector<unsigned> symbols = prefix_symbols();
  const std::vector<unsigned> content = w.finish();
  symbols.insert(symbols.end(), content.begin(), content.end());
  for (unsigned v : hash_symbols(content)) symbols.push_back(v);
  symbols.push_back(damm_check_value(damm_interim(symbols)));

  std::string out(kRequestMagic);
  out.push_back(kCrockfordSymbols[kRequestVersion]);
  for (std::size_t i = prefix_symbols().size(); i < symbols.size(); ++i) {
    if ((i - prefix_symbols().size()) % kRequestGroupLength == 0) out.push_back('-');
    out.push_back(kCrockfordSymbols[symbols[i]]);
  }
  return out;
}

ActivationResult<ActivationRequest> parse_activation_request(std::string_view text) {
  if (text.size() > kMaxTypedRequestBytes) {
    return request_error(ActivationProblem::request_length,
                         "this activation request is " + std::to_string(text.size()) +
                             " characters long: the longest has " + std::to_string(kMaxRequestLength));
  }
  auto all = symbols_of(text);
  if (!all) return all.error();
  auto content = checked_content(*all);
  if (!content) return content.error();

  SymbolReader in(*content);
  ActivationRequest r;
  auto id = read_appliance(in);
  if (!id) return id.error();
  r.appliance = std::move(*id);
  std::uint64_t count = 0;
  if (!in.get(kCodeCountBits, &count)) return bad_content("it ends early");
  if (count > kMaxRequestCodes) return bad_content("it names " + std::to_string(count) + " codes, over 8");
  for (std::uint64_t i = 0; i < count; ++i) {
    ActivationCode::Bits bits{};
    for (unsigned char& byte : bits) {
      std::uint64_t v = 0;
      if (!in.get(8, &v)) return bad_content("it ends early");
      byte = static_cast<unsigned char>(v);
    }
    ActivationCode code = ActivationCode::from_bits(bits);
    if (std::find(r.codes.begin(), r.codes.end(), code) != r.codes.end())
      return bad_content("it names a code twice");
    r.codes.push_back(code);
  }
  std::uint64_t time = 0;
  if (!in.get(kRequestTimeBits, &time) || !in.get(kRequestNonceBits, &r.nonce))
    return bad_content("it ends early");
  r.time = static_cast<UnixTime>(time);
  std::uint64_t rest = 0;
  if (in.bits_left() >= 5)
    return bad_content("it carries more than an appliance ID, codes, a time and a nonce");
  if (!in.get(static_cast<int>(in.bits_left()), &rest) || rest != 0)
    return bad_content("its last bits are not zero");
  return r;
}

}  // namespace seatkey
