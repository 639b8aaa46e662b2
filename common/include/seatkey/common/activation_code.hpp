// Activation codes (docs/format.md, "Activation codes"): what a partner sells before anyone
// knows the appliance, and what a person types into it. Four groups of five Crockford base32
// symbols, each four random symbols and a Damm check symbol: 80 random bits in all. Every
// single-symbol typo and every swap of two neighbours inside a group is caught here, naming the
// group, before anything is looked up. Generating codes needs randomness only; it lives with
// the vendor's code (seatkey/signing/activation_codes.hpp), the reading and checking here.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace seatkey {

// ---- Crockford base32 ------------------------------------------------------------------------

// The 32 symbols, by value: digits and upper-case letters without I, L, O and U.
inline constexpr std::string_view kCrockfordSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The value (0-31) of a symbol as people type it: either case; O read as 0, I and L as 1.
// -1 for anything else, U included (Crockford leaves it out, so that it is never read as V).
int crockford_value(char c) noexcept;

// ---- The Damm check over a quasigroup of order 32 ------------------------------------------

// Damm's construction over the field GF(32) = GF(2)[t] / (t^5 + t^2 + 1): symbols are the
// field's elements (their 5 bits are a polynomial's coefficients), and
//     x * y = 2x + y
// where + is XOR and 2x multiplies x by t. It is a quasigroup (every row and column is a
// permutation) and weakly totally anti-symmetric: (c * x) * y = (c * y) * x only when x = y,
// because 2(2c + x) + y = 2(2c + y) + x means (t + 1) x = (t + 1) y. The unit tests check both
// properties on the whole table rather than trusting this argument.
constexpr unsigned gf32_times_t(unsigned x) noexcept {
  x <<= 1;
  return (x & 0x20u) != 0 ? (x ^ 0x25u) : x;  // reduced by t^5 + t^2 + 1
}
constexpr unsigned damm_step(unsigned interim, unsigned symbol) noexcept {
  return gf32_times_t(interim) ^ symbol;
}
// The interim after `values` (each 0-31), starting from 0.
template <class Values>
constexpr unsigned damm_interim(const Values& values) noexcept {
  unsigned interim = 0;
  for (auto v : values) interim = damm_step(interim, static_cast<unsigned>(v));
  return interim;
}
// The symbol value that takes `interim` to 0 (interim * c = 0, so c = 2 * interim). A sequence
// with its check symbol appended has the interim 0: one substitution or one swap of neighbours
// anywhere in it never does.
constexpr unsigned damm_check_value(unsigned interim) noexcept {
  return gf32_times_t(interim);
}

// ---- Codes ---------------------------------------------------------------------------------

inline constexpr std::size_t kCodeGroups = 4;
inline constexpr std::size_t kCodeGroupLength = 5;  // four random symbols, then the check symbol
inline constexpr std::size_t kCodeLength = kCodeGroups * kCodeGroupLength;  // 20 symbols
inline constexpr std::size_t kCodeRandomBytes = 10;  // 16 random symbols x 5 bits = 80 bits
inline constexpr std::size_t kCodeHashBytes = 32;
// What the ledger's hash covers before the code's 20 symbols (domain separation).
inline constexpr std::string_view kCodeHashPrefix = "seatkey-activation-code:";

// A well-formed activation code. Its memory is wiped when it goes away: a code is a credential
// until it is redeemed.
class ActivationCode {
 public:
  using Bits = std::array<unsigned char, kCodeRandomBytes>;

  // The code whose 16 random symbols are the 80 bits of `bits`, 5 bits each, most significant
  // first (group 1's first symbol is the top 5 bits of bits[0]).
  static ActivationCode from_bits(const Bits& bits) noexcept;

  ActivationCode(const ActivationCode&) = default;
  ActivationCode& operator=(const ActivationCode&) = default;
  ~ActivationCode();

  Bits bits() const noexcept;
  // The 20 symbols without separators, upper case: the normalized code (what is hashed).
  std::string_view symbols() const noexcept { return {symbols_.data(), symbols_.size()}; }
  // Group i (0-3) of five symbols.
  std::string_view group(std::size_t i) const noexcept { return symbols().substr(i * kCodeGroupLength, 5); }
  // "7KQ2M-0ZP4C-..." as printed for people.
  std::string text() const;
  // What the ledger stores to find the code again: BLAKE2b-256 of kCodeHashPrefix and
  // symbols(), unkeyed (docs/format.md says why); lower-case hex, 64 characters.
  std::array<unsigned char, kCodeHashBytes> hash() const noexcept;
  std::string hash_hex() const;

  bool operator==(const ActivationCode& other) const noexcept { return symbols_ == other.symbols_; }
  bool operator!=(const ActivationCode& other) const noexcept { return !(*this == other); }

 private:
  ActivationCode() = default;
  friend class CodeReader;
  std::array<char, kCodeLength> symbols_{};
};

// ---- Errors of what people type -------------------------------------------------------------

// What is wrong with a typed code or a request, decided where it is found: one table, whose
// names the back office's problem codes and tests use.
enum class ActivationProblem {
  code_length,      // not 20 symbols (the groups with the wrong number of symbols, when typed in 4)
  code_symbol,      // a character that is in no code (U, punctuation, ...)
  code_typo,        // a group's check symbol does not match: a typo in that group
  request_length,   // empty, or longer or shorter than any request
  request_symbol,   // a character that is in no request
  request_prefix,   // does not start with SKR (not a seatkey activation request)
  request_version,  // SKR and a version this program does not read
  request_check,    // the check symbols do not match: a typo somewhere
  request_content,  // checks match, but the content is not a valid request
};
inline constexpr std::array<std::string_view, 9> kActivationProblemNames{{
    "code_length",
    "code_symbol",
    "code_typo",
    "request_length",
    "request_symbol",
    "request_prefix",
    "request_version",
    "request_check",
    "request_content",
}};
constexpr std::string_view activation_problem_name(ActivationProblem p) {
  return kActivationProblemNames[static_cast<std::size_t>(p)];
}

struct ActivationError {
  ActivationProblem problem = ActivationProblem::code_length;
  std::vector<int> groups;  // code_typo, code_length, code_symbol: the groups to check (1-4), in order
  std::string message;      // one sentence for the person who typed it; quotes what they typed
};

// A value or an ActivationError, never an exception.
template <class T>
class [[nodiscard]] ActivationResult {
 public:
  ActivationResult(T value) : v_(std::in_place_index<0>, std::move(value)) {}                // NOLINT
  ActivationResult(ActivationError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const ActivationError& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, ActivationError> v_;
};

// Longer typed input is refused unread: a code is 20 symbols (23 with its hyphens).
inline constexpr std::size_t kMaxTypedCodeBytes = 200;

// Reads a code as a person typed it: either case, spaces, tabs and hyphens anywhere, O for 0,
// I and L for 1. code_length (the message names a group typed with too few or too many symbols
// when the code was typed in four groups), code_symbol (naming the character and its group) or
// code_typo (naming every group whose check fails, with its symbols: "group 3 (7KQ2M) has a
// typo").
ActivationResult<ActivationCode> parse_activation_code(std::string_view typed);

}  // namespace seatkey
