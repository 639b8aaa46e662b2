#include "seatkey/common/activation_code.hpp"

#include <sodium.h>

#include <cstdio>
#include <optional>

namespace seatkey {

// Builds codes from their symbols; the only way to an ActivationCode besides from_bits().
class CodeReader {
 public:
  static ActivationCode from_symbols(std::string_view symbols) noexcept {
    ActivationCode code;
    for (std::size_t i = 0; i < kCodeLength; ++i) code.symbols_[i] = symbols[i];
    return code;
  }
};

namespace {

constexpr std::size_t kRandomPerGroup = kCodeGroupLength - 1;

bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '-';
}

// "'U'", or "a byte 0xC3" for what a terminal should not get raw.
std::string shown(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "a byte 0x%02X", u);
  return buf;
}

std::string group_name(std::size_t index) {
  return "group " + std::to_string(index + 1);
}

// "group 1 (ABCDE)", "group 1 (ABCDE) and group 3 (7KQ2M)", "group 1 (...), group 2 (...) and ...".
std::string list_groups(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

ActivationError code_error(ActivationProblem problem, std::vector<int> groups, std::string message) {
  return ActivationError{problem, std::move(groups), std::move(message)};
}

// The typed code was in four groups, some of them not five symbols long: those groups.
std::optional<ActivationError> badly_grouped(std::string_view typed) {
  std::vector<std::string> chunks;
  std::string current;
  for (char c : typed) {
    if (is_separator(c)) {
      if (!current.empty()) chunks.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<char>(kCrockfordSymbols[static_cast<std::size_t>(crockford_value(c))]));
    }
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  if (chunks.size() != kCodeGroups) return std::nullopt;
  std::vector<int> groups;
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].size() == kCodeGroupLength) continue;
    groups.push_back(static_cast<int>(i + 1));
    parts.push_back(group_name(i) + " (" + chunks[i] + ") has " + std::to_string(chunks[i].size()) +
                    (chunks[i].size() == 1 ? " symbol" : " symbols"));
  }
  return code_error(ActivationProblem::code_length, std::move(groups),
                    list_groups(parts) + ", not 5: a code is 4 groups of 5 symbols");
}

}  // namespace

int crockford_value(char c) noexcept {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') return 0;
  if (c == 'I' || c == 'L') return 1;
  const std::size_t at = kCrockfordSymbols.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

ActivationCode ActivationCode::from_bits(const Bits& bits) noexcept {
  std::array<char, kCodeLength> symbols{};
  unsigned acc = 0;
  int held = 0;
  std::size_t next = 0;
  for (std::size_t g = 0; g < kCodeGroups; ++g) {
    std::array<unsigned, kRandomPerGroup> values{};
    for (unsigned& v : values) {
      if (held < 5) {
        acc = (acc << 8) | bits[next++];
        held += 8;
      }
      held -= 5;
      v = (acc >> held) & 31u;
    }
    for (std::size_t i = 0; i < kRandomPerGroup; ++i)
      symbols[g * kCodeGroupLength + i] = kCrockfordSymbols[values[i]];
    symbols[g * kCodeGroupLength + kRandomPerGroup] =
        kCrockfordSymbols[damm_check_value(damm_interim(values))];
  }
  ActivationCode code = CodeReader::from_symbols({symbols.data(), symbols.size()});
  sodium_memzero(symbols.data(), symbols.size());
  return code;
}

ActivationCode::~ActivationCode() {
  sodium_memzero(symbols_.data(), symbols_.size());
}

ActivationCode::Bits ActivationCode::bits() const noexcept {
  Bits out{};
  unsigned acc = 0;
  int held = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < kCodeLength; ++i) {
    if (i % kCodeGroupLength == kRandomPerGroup) continue;  // the check symbol
    acc = (acc << 5) | static_cast<unsigned>(crockford_value(symbols_[i]));
    held += 5;
    if (held >= 8) {
      held -= 8;
      out[next++] = static_cast<unsigned char>(acc >> held);
    }
  }
  return out;
}

std::string ActivationCode::text() const {
  std::string out;
  out.reserve(kCodeLength + kCodeGroups - 1);
  for (std::size_t g = 0; g < kCodeGroups; ++g) {
    if (g > 0) out.push_back('-');
    out.append(group(g));
  }
  return out;
}

std::array<unsigned char, kCodeHashBytes> ActivationCode::hash() const noexcept {
  std::array<unsigned char, kCodeHashBytes> out{};
  crypto_generichash_blake2b_state state;
  crypto_generichash_blake2b_init(&state, nullptr, 0, out.size());
  crypto_generichash_blake2b_update(&state, reinterpret_cast<const unsigned char*>(kCodeHashPrefix.data()),
                                    kCodeHashPrefix.size());
  crypto_generichash_blake2b_update(&state, reinterpret_cast<const unsigned char*>(symbols_.data()),
                                    symbols_.size());
  crypto_generichash_blake2b_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string ActivationCode::hash_hex() const {
  const auto h = hash();
  std::string out(h.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), h.data(), h.size());
  out.pop_back();
  return out;
}

ActivationResult<ActivationCode> parse_activation_code(std::string_view typed) {
  if (typed.size() > kMaxTypedCodeBytes) {
    return code_error(ActivationProblem::code_length, {},
                      "an activation code has 20 symbols (4 groups of 5): this is " +
                          std::to_string(typed.size()) + " characters long");
  }
  std::string symbols;
  symbols.reserve(kCodeLength);
  for (char c : typed) {
    if (is_separator(c)) continue;
    const int v = crockford_value(c);
    if (v < 0) {
      const std::size_t g = symbols.size() / kCodeGroupLength;
      const std::string where = g < kCodeGroups ? "in " + group_name(g) : "after group 4";
      std::vector<int> groups;
      if (g < kCodeGroups) groups.push_back(static_cast<int>(g + 1));
      return code_error(ActivationProblem::code_symbol, std::move(groups),
                        shown(c) + " (" + where +
                            ") is not in any activation code: they are made of 0-9 and A-Z without I, L, O "
                            "and U");
    }
    symbols.push_back(kCrockfordSymbols[static_cast<std::size_t>(v)]);
  }
  if (symbols.empty()) return code_error(ActivationProblem::code_length, {}, "no activation code was given");
  if (symbols.size() != kCodeLength) {
    if (auto e = badly_grouped(typed)) return std::move(*e);
    return code_error(
        ActivationProblem::code_length, {},
        "an activation code has 20 symbols (4 groups of 5), not " + std::to_string(symbols.size()));
  }
  std::vector<int> groups;
  std::vector<std::string> parts;
  for (std::size_t g = 0; g < kCodeGroups; ++g) {
    std::array<int, kCodeGroupLength> values{};
    for (std::size_t i = 0; i < kCodeGroupLength; ++i)
      values[i] = crockford_value(symbols[g * kCodeGroupLength + i]);
    if (damm_interim(values) == 0) continue;
    groups.push_back(static_cast<int>(g + 1));
    parts.push_back(group_name(g) + " (" + symbols.substr(g * kCodeGroupLength, kCodeGroupLength) + ")");
  }
  if (!groups.empty()) {
    const bool one = groups.size() == 1;
    return code_error(ActivationProblem::code_typo, std::move(groups),
                      list_groups(parts) + (one ? " has a typo" : " have a typo") + ": compare " +
                          (one ? "it" : "them") + " with the code as printed");
  }
  ActivationCode code = CodeReader::from_symbols(symbols);
  sodium_memzero(symbols.data(), symbols.size());
  return code;
}

}  // namespace seatkey
