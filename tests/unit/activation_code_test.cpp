// Activation codes: the quasigroup of the Damm check (its properties checked on the whole table),
// every single typo and every swap of neighbours caught in every possible group, the messages
// that name the group, forgiving input, and the ledger's hash.
#include <doctest/doctest.h>

#include <array>
#include <random>
#include <set>
#include <string>

#include "seatkey/common/activation_code.hpp"
#include "seatkey/signing/activation_codes.hpp"

using namespace seatkey;

namespace {

// A code whose groups are valid by the published algorithm (docs/format.md), from its 16 random
// symbols: computed here without ActivationCode, so that the tests do not trust it.
std::string make_code(const std::array<unsigned, 16>& random) {
  std::string out;
  for (std::size_t g = 0; g < 4; ++g) {
    unsigned interim = 0;
    if (g > 0) out.push_back('-');
    for (std::size_t i = 0; i < 4; ++i) {
      const unsigned v = random[g * 4 + i];
      out.push_back(kCrockfordSymbols[v]);
      interim = ((interim << 1) ^ ((interim & 16u) != 0 ? 0x25u : 0u)) & 31u;
      interim ^= v;
    }
    const unsigned check = ((interim << 1) ^ ((interim & 16u) != 0 ? 0x25u : 0u)) & 31u;
    out.push_back(kCrockfordSymbols[check]);
  }
  return out;
}

std::array<unsigned, 16> random_symbols(std::mt19937& rng) {
  std::array<unsigned, 16> out{};
  for (unsigned& v : out) v = rng() % 32;
  return out;
}

// The values of a group as typed.
std::array<unsigned, 5> group_values(unsigned packed) {
  std::array<unsigned, 5> v{};
  for (std::size_t i = 0; i < 4; ++i) v[i] = (packed >> (5 * (3 - i))) & 31u;
  v[4] = damm_check_value(damm_interim(std::array<unsigned, 4>{v[0], v[1], v[2], v[3]}));
  return v;
}

}  // namespace

TEST_CASE("activation codes: x*y = 2x+y over GF(32) is a quasigroup - every row and column a permutation") {
  for (unsigned a = 0; a < 32; ++a) {
    std::set<unsigned> row, column;
    for (unsigned b = 0; b < 32; ++b) {
      CHECK(damm_step(a, b) < 32);
      row.insert(damm_step(a, b));
      column.insert(damm_step(b, a));
    }
    CHECK(row.size() == 32);
    CHECK(column.size() == 32);
  }
}

TEST_CASE(
    "activation codes: the quasigroup is weakly totally anti-symmetric, (c*x)*y = (c*y)*x only when x = y") {
  int equal_pairs = 0;
  for (unsigned c = 0; c < 32; ++c) {
    for (unsigned x = 0; x < 32; ++x) {
      for (unsigned y = 0; y < 32; ++y) {
        if (damm_step(damm_step(c, x), y) == damm_step(damm_step(c, y), x)) {
          CHECK(x == y);
          ++equal_pairs;
        }
      }
    }
  }
  CHECK(equal_pairs == 32 * 32);  // exactly the x == y cases
}

TEST_CASE("activation codes: the check symbol takes every interim to 0, and only it does") {
  for (unsigned interim = 0; interim < 32; ++interim) {
    for (unsigned c = 0; c < 32; ++c) CHECK((damm_step(interim, c) == 0) == (c == damm_check_value(interim)));
  }
}

TEST_CASE(
    "activation codes: in every one of the 2^20 groups, every single substitution and every swap of "
    "neighbours is caught") {
  // A group's four random symbols are any of 32^4 values: this covers every group of every code.
  long long substitutions = 0, swaps = 0, missed = 0;
  for (unsigned packed = 0; packed < (1u << 20); ++packed) {
    const std::array<unsigned, 5> good = group_values(packed);
    if (damm_interim(good) != 0) ++missed;
    for (std::size_t i = 0; i < 5; ++i) {
      for (unsigned other = 0; other < 32; ++other) {
        if (other == good[i]) continue;
        std::array<unsigned, 5> typo = good;
        typo[i] = other;
        ++substitutions;
        if (damm_interim(typo) == 0) ++missed;
      }
      if (i + 1 < 5 && good[i] != good[i + 1]) {
        std::array<unsigned, 5> swapped = good;
        std::swap(swapped[i], swapped[i + 1]);
        ++swaps;
        if (damm_interim(swapped) == 0) ++missed;
      }
    }
  }
  CHECK(missed == 0);
  CHECK(substitutions == (1LL << 20) * 5 * 31);
  CHECK(swaps > (1LL << 20) * 3);
}

TEST_CASE(
    "activation codes: every typo and neighbour swap in a code is refused naming its group and its symbols") {
  std::mt19937 rng(20261128);
  for (int n = 0; n < 40; ++n) {
    const std::string code = make_code(random_symbols(rng));
    REQUIRE(parse_activation_code(code).ok());
    for (std::size_t at = 0; at < code.size(); ++at) {
      if (code[at] == '-') continue;
      const int group = static_cast<int>(at / 6) + 1;
      for (char other : kCrockfordSymbols) {
        if (other == code[at]) continue;
        std::string typo = code;
        typo[at] = other;
        auto r = parse_activation_code(typo);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().problem == ActivationProblem::code_typo);
        CHECK(r.error().groups == std::vector<int>{group});
        const std::string named =
            "group " + std::to_string(group) + " (" + typo.substr((group - 1) * 6, 5) + ")";
        CHECK(r.error().message == named + " has a typo: compare it with the code as printed");
      }
      if (at % 6 < 4 && code[at] != code[at + 1]) {
        std::string swapped = code;
        std::swap(swapped[at], swapped[at + 1]);
        auto r = parse_activation_code(swapped);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().problem == ActivationProblem::code_typo);
        CHECK(r.error().groups == std::vector<int>{group});
      }
    }
  }
}

TEST_CASE("activation codes: two groups with typos are both named") {
  auto r = parse_activation_code("NN47H-3VN9Z-F5J9P-YFBEN");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().groups == std::vector<int>{1, 4});
  CHECK(r.error().message ==
        "group 1 (NN47H) and group 4 (YFBEN) have a typo: compare them with the code as printed");
}

TEST_CASE("activation codes: input is forgiving - case, spaces, tabs, hyphens, O for 0, I and L for 1") {
  // NN47G-3VN9Z-F5J9P-YFBEM and a code with 0s and 1s in it.
  const std::string zeros_and_ones = make_code({0, 1, 0, 1, 1, 1, 0, 0, 10, 11, 12, 13, 1, 0, 1, 0});
  REQUIRE(parse_activation_code(zeros_and_ones).ok());
  std::string typed = zeros_and_ones;
  for (char& c : typed) {
    if (c == '0') c = 'o';
    if (c == '1') c = (&c - typed.data()) % 2 == 0 ? 'I' : 'l';
  }
  for (const std::string& variant :
       {std::string("NN47G-3VN9Z-F5J9P-YFBEM"), std::string("nn47g3vn9zf5j9pyfbem"),
        std::string("  NN47G 3VN9Z\tF5J9P YFBEM "), std::string("nn47-g3vn-9zf5-j9py-fbem")}) {
    auto r = parse_activation_code(variant);
    REQUIRE(r.ok());
    CHECK(r->text() == "NN47G-3VN9Z-F5J9P-YFBEM");
    CHECK(r->symbols() == "NN47G3VN9ZF5J9PYFBEM");
  }
  auto forgiven = parse_activation_code(typed);
  REQUIRE(forgiven.ok());
  CHECK(forgiven->text() == zeros_and_ones);
}

TEST_CASE("activation codes: what is not a code is refused naming the problem") {
  const auto problem = [](const std::string& typed, ActivationProblem p, const std::string& message,
                          std::vector<int> groups = {}) {
    CAPTURE(typed);
    auto r = parse_activation_code(typed);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().problem == p);
    CHECK(r.error().message == message);
    CHECK(r.error().groups == groups);
  };
  problem("", ActivationProblem::code_length, "no activation code was given");
  problem(" - ", ActivationProblem::code_length, "no activation code was given");
  problem("NN47G-3VN9Z-F5J9P", ActivationProblem::code_length,
          "an activation code has 20 symbols (4 groups of 5), not 15");
  problem("NN47G3VN9ZF5J9PYFBEMX", ActivationProblem::code_length,
          "an activation code has 20 symbols (4 groups of 5), not 21");
  problem("NN47G-3VN9-F5J9P-YFBEM", ActivationProblem::code_length,
          "group 2 (3VN9) has 4 symbols, not 5: a code is 4 groups of 5 symbols", {2});
  problem("NN47G-3VN9ZF-5J9-YFBEM", ActivationProblem::code_length,
          "group 2 (3VN9ZF) has 6 symbols and group 3 (5J9) has 3 symbols, not 5: a code is 4 groups of 5 "
          "symbols",
          {2, 3});
  // Twenty symbols grouped otherwise are the code: separators carry nothing.
  CHECK(parse_activation_code("NN47G-3VN9ZF-5J9P-YFBEM").ok());
  problem(
      "NN47G-3VU9Z-F5J9P-YFBEM", ActivationProblem::code_symbol,
      "'U' (in group 2) is not in any activation code: they are made of 0-9 and A-Z without I, L, O and U",
      {2});
  problem("NN47G-3VN9Z-F5J9P-YFBEM!", ActivationProblem::code_symbol,
          "'!' (after group 4) is not in any activation code: they are made of 0-9 and A-Z without I, L, O "
          "and U");
  problem(
      "NN47G-3V\xC3\x9C"
      "9Z",
      ActivationProblem::code_symbol,
      "a byte 0xC3 (in group 2) is not in any activation code: they are made of 0-9 and A-Z without I, L, O "
      "and U",
      {2});
  problem("NN47G\n3VN9Z", ActivationProblem::code_symbol,
          "a byte 0x0A (in group 2) is not in any activation code: they are made of 0-9 and A-Z without I, "
          "L, O and U",
          {2});
  problem(std::string(kMaxTypedCodeBytes + 1, ' '), ActivationProblem::code_length,
          "an activation code has 20 symbols (4 groups of 5): this is 201 characters long");
  CHECK(parse_activation_code(std::string(kMaxTypedCodeBytes - 23, ' ') + "NN47G-3VN9Z-F5J9P-YFBEM").ok());
}

TEST_CASE("activation codes: Crockford values - the 32 symbols, either case, O I L forgiven, nothing else") {
  for (std::size_t v = 0; v < kCrockfordSymbols.size(); ++v) {
    const char c = kCrockfordSymbols[v];
    CHECK(crockford_value(c) == static_cast<int>(v));
    if (c >= 'A' && c <= 'Z') CHECK(crockford_value(static_cast<char>(c - 'A' + 'a')) == static_cast<int>(v));
  }
  for (char c : {'O', 'o'}) CHECK(crockford_value(c) == 0);
  for (char c : {'I', 'i', 'L', 'l'}) CHECK(crockford_value(c) == 1);
  for (char c : {'U', 'u', '-', ' ', '\0', '*', '\x80', '\xFF'}) CHECK(crockford_value(c) == -1);
}

TEST_CASE("activation codes: 80 random bits, each one its own symbol bit, checks recomputed") {
  ActivationCode::Bits bits{};
  for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = static_cast<unsigned char>(0x3C + 17 * i);
  const ActivationCode code = ActivationCode::from_bits(bits);
  CHECK(code.bits() == bits);
  REQUIRE(parse_activation_code(code.text()).ok());
  std::set<std::string> seen{code.text()};
  for (std::size_t bit = 0; bit < 80; ++bit) {
    ActivationCode::Bits flipped = bits;
    flipped[bit / 8] = static_cast<unsigned char>(flipped[bit / 8] ^ (0x80u >> (bit % 8)));
    const ActivationCode other = ActivationCode::from_bits(flipped);
    CHECK(other.bits() == flipped);
    CHECK(parse_activation_code(other.text()).ok());
    seen.insert(other.text());
  }
  CHECK(seen.size() == 81);
  // The published example's bits and symbols agree with the algorithm of docs/format.md.
  const auto example = parse_activation_code("NN47G-3VN9Z-F5J9P-YFBEM");
  REQUIRE(example.ok());
  CHECK(ActivationCode::from_bits(example->bits()) == *example);
}

TEST_CASE("activation codes: the ledger's hash is BLAKE2b-256 of the prefix and the normalized symbols") {
  // Python: hashlib.blake2b(b"seatkey-activation-code:NN47G3VN9ZF5J9PYFBEM", digest_size=32).hexdigest()
  const std::string expected = "eff226a81aa1c934cb6bc9f743e138ae91f0adcc590343eccecdb4b21166354d";
  for (const char* typed : {"NN47G-3VN9Z-F5J9P-YFBEM", "nn47g 3vn9z f5j9p yfbem"}) {
    auto code = parse_activation_code(typed);
    REQUIRE(code.ok());
    CHECK(code->hash_hex() == expected);
  }
  auto other = parse_activation_code("QVHV9-6YBWG-T9HEC-1HN6Y");
  REQUIRE(other.ok());
  CHECK(other->hash_hex() != expected);
  CHECK(other->hash_hex().size() == 64);
}

TEST_CASE("activation codes: generated codes are valid, random and different") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto code = generate_activation_code();
    REQUIRE(code.ok());
    auto parsed = parse_activation_code(code->text());
    REQUIRE(parsed.ok());
    CHECK(*parsed == *code);
    seen.insert(code->text());
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("activation codes: the problem names are one table") {
  CHECK(activation_problem_name(ActivationProblem::code_typo) == "code_typo");
  CHECK(activation_problem_name(ActivationProblem::request_content) == "request_content");
  CHECK(kActivationProblemNames.size() == static_cast<std::size_t>(ActivationProblem::request_content) + 1);
}
