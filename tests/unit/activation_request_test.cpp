// Offline activation requests: known answers from an independent implementation, round trips,
// every single corruption caught by the checks, forgiving and hostile input, the length bound.
#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <random>
#include <string>

#include "seatkey/common/activation_request.hpp"

using namespace seatkey;

namespace {

ActivationCode code_of(const char* typed) {
  return parse_activation_code(typed).value();
}

ActivationRequest request(std::string appliance, std::vector<ActivationCode> codes, UnixTime time,
                          std::uint64_t nonce) {
  ActivationRequest r;
  r.appliance = std::move(appliance);
  r.codes = std::move(codes);
  r.time = time;
  r.nonce = nonce;
  return r;
}

std::string format(const ActivationRequest& r) {
  auto text = format_activation_request(r);
  REQUIRE(text.ok());
  return *text;
}

void check_same(const ActivationRequest& a, const ActivationRequest& b) {
  CHECK(a.appliance == b.appliance);
  CHECK(a.codes == b.codes);
  CHECK(a.time == b.time);
  CHECK(a.nonce == b.nonce);
}

std::vector<ActivationCode> codes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<ActivationCode> out;
  while (out.size() < n) {
    ActivationCode::Bits bits{};
    for (unsigned char& b : bits) b = static_cast<unsigned char>(rng());
    out.push_back(ActivationCode::from_bits(bits));
  }
  return out;
}

const std::string k64 = "Z1Y2X3W4V5U6T7S8R9Q0PONMLKJIHGFEDCBA0123456789ABCDEFGHIJKLMNOPQR";

// The symbol values of a request's text, the prefix included.
std::vector<unsigned> values_of(const std::string& text) {
  std::vector<unsigned> out;
  for (char c : text) {
    if (c != '-') out.push_back(static_cast<unsigned>(crockford_value(c)));
  }
  return out;
}

// A request text around arbitrary content symbols with valid checks, by the algorithm of
// docs/format.md (written out here, not taken from the code under test).
std::string with_checks(const std::vector<unsigned>& content) {
  std::string text = "SKR1";
  for (unsigned v : content) text.push_back(kCrockfordSymbols[v]);
  const std::string hashed = std::string(kRequestHashPrefix) + text;
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(hashed.data()), hashed.size(),
                     nullptr, 0);
  const unsigned top = (unsigned{h[0]} << 12) | (unsigned{h[1]} << 4) | (h[2] >> 4);
  for (int i = 3; i >= 0; --i) text.push_back(kCrockfordSymbols[(top >> (5 * i)) & 31u]);
  unsigned interim = 0;
  for (char c : text) interim = damm_step(interim, static_cast<unsigned>(crockford_value(c)));
  text.push_back(kCrockfordSymbols[damm_check_value(interim)]);
  return text;
}

// Content symbols from a bit string ("0101..."), padded with zeros to whole symbols.
std::vector<unsigned> content_of(std::string bits) {
  while (bits.size() % 5 != 0) bits.push_back('0');
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < bits.size(); i += 5)
    out.push_back(static_cast<unsigned>(std::stoi(bits.substr(i, 5), nullptr, 2)));
  return out;
}

std::string bits(std::uint64_t v, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out.push_back(((v >> i) & 1u) != 0 ? '1' : '0');
  return out;
}

void check_problem(const std::string& text, ActivationProblem problem, const std::string& message) {
  CAPTURE(text);
  auto r = parse_activation_request(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().problem == problem);
  CHECK(r.error().message == message);
}

}  // namespace

TEST_CASE("activation requests: known answers of an independent implementation of docs/format.md") {
  // Computed with the Python of docs/format.md's request section.
  CHECK(format(request("00:1a:2b:3c:4d:5e", {code_of("NN47G-3VN9Z-F5J9P-YFBEM")}, 1795860000,
                       0x0123456789)) == "SKR1-20038-NKRKA-Y3BA8-E7QAJ-YB4KW-YPW1N-GN9H0-04HMA-SW9EN-26S");
  CHECK(format(request("VM-INSTALL-42", {}, 0, 0)) == "SKR1-HVXCJ-BQ3MM-NAH08-00000-00000-00000-0XA64-Y");
}

TEST_CASE("activation requests: every field round-trips, from the shortest request to the longest") {
  const std::vector<ActivationRequest> cases = {
      request("001A", {}, 0, 0),
      request("001A2B3C4D5E", codes(1, 1), 1795860000, 42),
      request("0123456789abcdef0123456789abcdef", codes(2, 2), kMaxRequestTime, kMaxRequestNonce),
      request("VM-INSTALL-LOU-42", codes(8, 3), 1, 1),
      request(k64, codes(8, 4), kMaxRequestTime, kMaxRequestNonce),
      request(std::string(64, 'F'), codes(3, 5), 123456789, 987654321),
  };
  for (const ActivationRequest& r : cases) {
    const std::string text = format(r);
    CAPTURE(text);
    auto back = parse_activation_request(text);
    REQUIRE(back.ok());
    ActivationRequest canonical = r;
    canonical.appliance = canonical_appliance_id(r.appliance).value();
    check_same(*back, canonical);
  }
}

TEST_CASE(
    "activation requests: SKR1 and groups of five of 0-9 A-Z, a QR code's alphanumeric set, never over the "
    "bound") {
  const std::string qr_alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const std::string longest = format(request(k64, codes(8, 7), kMaxRequestTime, kMaxRequestNonce));
  CHECK(longest.size() == kMaxRequestLength);
  CHECK(kMaxRequestLength == 278);
  const std::string typical = format(request("0123456789abcdef0123456789abcdef", codes(1, 8), 1795860000, 5));
  CHECK(typical.size() <= 150);  // a machine-id and one code: read out on the phone
  CHECK(typical.size() == 81);
  for (const std::string& text : {longest, typical}) {
    CHECK(text.substr(0, 5) == "SKR1-");
    for (char c : text) CHECK(qr_alphanumeric.find(c) != std::string::npos);
    std::size_t group = 0;
    for (std::size_t i = 5; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '-') {
        CHECK(group >= 1);
        CHECK(group <= kRequestGroupLength);
        if (i < text.size()) CHECK(group == kRequestGroupLength);
        group = 0;
      } else {
        ++group;
      }
    }
  }
  CHECK(kMaxRequestLength < kMaxTypedRequestBytes);
}

TEST_CASE("activation requests: every single-symbol substitution and every neighbour swap is caught") {
  for (const ActivationRequest& r : {request("001A2B3C4D5E", codes(1, 11), 1795860000, 77),
                                     request("VMINSTALLLOU42", codes(3, 12), 5, kMaxRequestNonce)}) {
    const std::string text = format(r);
    std::size_t tried = 0;
    for (std::size_t at = 0; at < text.size(); ++at) {
      if (text[at] == '-') continue;
      for (char other : kCrockfordSymbols) {
        if (other == text[at]) continue;
        std::string typo = text;
        typo[at] = other;
        CAPTURE(typo);
        CHECK_FALSE(parse_activation_request(typo).ok());
        ++tried;
      }
      std::size_t next = at + 1;
      if (next < text.size() && text[next] == '-') ++next;
      if (next < text.size() && text[at] != text[next]) {
        std::string swapped = text;
        std::swap(swapped[at], swapped[next]);
        CAPTURE(swapped);
        CHECK_FALSE(parse_activation_request(swapped).ok());
      }
    }
    CHECK(tried == 31 * values_of(text).size());
  }
}

TEST_CASE(
    "activation requests: random corruptions of several symbols, dropped and doubled symbols are caught") {
  std::mt19937 rng(4242);
  const std::string text = format(request("00:1a:2b:3c:4d:5e", codes(2, 13), 1795860000, 99));
  int caught = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string bad = text;
    const int changes = 2 + static_cast<int>(rng() % 4);
    for (int k = 0; k < changes; ++k) {
      const std::size_t at = 5 + rng() % (bad.size() - 5);
      if (bad[at] != '-') bad[at] = kCrockfordSymbols[rng() % 32];
    }
    if (bad == text) continue;
    CHECK_FALSE(parse_activation_request(bad).ok());
    ++caught;
  }
  CHECK(caught > 19000);
  for (std::size_t at = 5; at < text.size(); ++at) {
    if (text[at] == '-') continue;
    CHECK_FALSE(parse_activation_request(text.substr(0, at) + text.substr(at + 1)).ok());
    CHECK_FALSE(parse_activation_request(text.substr(0, at) + text[at] + text.substr(at)).ok());
  }
}

TEST_CASE("activation requests: pasted or typed forgivingly - case, spaces, line breaks, no hyphens, O I L") {
  const ActivationRequest r = request("001A2B3C4D5E", codes(1, 21), 1795860000, 7);
  const std::string text = format(r);
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  std::string spaced;
  for (char c : text) spaced += c == '-' ? std::string(" ") : std::string(1, c);
  std::string no_hyphens = text;
  no_hyphens.erase(std::remove(no_hyphens.begin(), no_hyphens.end(), '-'), no_hyphens.end());
  std::string misread = text;
  for (char& c : misread) {
    if (c == '0') c = 'O';
    if (c == '1') c = 'l';
  }
  for (const std::string& typed : {lower, spaced, no_hyphens, misread, "  " + text + "\r\n",
                                   text.substr(0, 20) + "\n" + text.substr(20)}) {
    CAPTURE(typed);
    auto back = parse_activation_request(typed);
    REQUIRE(back.ok());
    check_same(*back, r);
  }
}

TEST_CASE(
    "activation requests: hostile input - length, alphabet, prefix, version - is refused naming what is "
    "wrong") {
  check_problem("", ActivationProblem::request_length, "the activation request is empty");
  check_problem(" \n- ", ActivationProblem::request_length, "the activation request is empty");
  check_problem(std::string(kMaxTypedRequestBytes + 1, 'A'), ActivationProblem::request_length,
                "this activation request is 1025 characters long: the longest has 278");
  check_problem(
      "SKR1-ABCU0", ActivationProblem::request_symbol,
      "'U' (character 9) is not in any activation request: they are made of 0-9, A-Z without I, L, O "
      "and U, and hyphens");
  check_problem(
      "SKR1-AB\x1b[1m", ActivationProblem::request_symbol,
      "a byte 0x1B (character 8) is not in any activation request: they are made of 0-9, A-Z without "
      "I, L, O and U, and hyphens");
  check_problem("NN47G-3VN9Z-F5J9P-YFBEM", ActivationProblem::request_prefix,
                "this is not a seatkey activation request: those start with SKR1");
  check_problem("SK", ActivationProblem::request_prefix,
                "this is not a seatkey activation request: those start with SKR1");
  check_problem("SKR", ActivationProblem::request_version,
                "this activation request has no version: this program reads version 1 (SKR1)");
  check_problem("SKR2-20038-NKRKA-Y3BA8-E7QAJ-YB4KW-YPW1N-GN9H0-04HMA-SW9EN-26S",
                ActivationProblem::request_version,
                "this activation request has version 2: this program reads version 1 (SKR1)");
  check_problem(
      "SKR1-20038-NKRKA", ActivationProblem::request_length,
      "this activation request has 10 symbols after SKR1: fewer than any request (26 to 228); compare "
      "it with the appliance's");
  check_problem(
      "SKR1" + std::string(229, '0'), ActivationProblem::request_length,
      "this activation request has 229 symbols after SKR1: more than any request (26 to 228); compare "
      "it with the appliance's");
  check_problem("SKR1-20038-NKRKA-Y3BA8-E7QAJ-YB4KW-YPW1N-GN9H0-04HMA-SW9EN-26T",
                ActivationProblem::request_check,
                "this activation request has a typo (its check symbols do not match): compare it with the "
                "appliance's");
}

TEST_CASE("activation requests: content the checks vouch for but no request holds is refused") {
  const std::string id = "0" + bits(12 - 4, 6) + bits(0x001A2B3C4D5E, 48);
  const std::string tail = bits(1795860000, 36) + bits(5, 40);
  // The layout is right: the test's own encoder agrees with the library's.
  auto good = parse_activation_request(with_checks(content_of(id + bits(0, 4) + tail)));
  REQUIRE(good.ok());
  CHECK(good->appliance == "001A2B3C4D5E");
  CHECK(good->nonce == 5);
  const std::string reason = "this activation request is not valid although its checks match: ";
  check_problem(with_checks(content_of("1" + bits(4 - 4, 6) + bits(1, 6) + bits(2, 6) + bits(3, 6) +
                                       bits(4, 6) + bits(0, 4) + tail)),
                ActivationProblem::request_content,
                reason + "its appliance ID is not written the shortest way");
  check_problem(with_checks(content_of("1" + bits(4 - 4, 6) + bits(36, 6) + bits(20, 6) + bits(20, 6) +
                                       bits(20, 6) + bits(0, 4) + tail)),
                ActivationProblem::request_content,
                reason + "its appliance ID holds a value that is no character");
  check_problem(with_checks(content_of("0" + bits(61, 6) + std::string(200, '0'))),
                ActivationProblem::request_content, reason + "its appliance ID is over 64 characters");
  check_problem(with_checks(content_of(id + bits(9, 4) + std::string(9 * 80, '0') + tail)),
                ActivationProblem::request_content, reason + "it names 9 codes, over 8");
  const std::string code = std::string(80, '1');
  check_problem(with_checks(content_of(id + bits(2, 4) + code + code + tail)),
                ActivationProblem::request_content, reason + "it names a code twice");
  check_problem(with_checks(content_of(id + bits(2, 4) + code + std::string(40, '0'))),
                ActivationProblem::request_content, reason + "it ends early");
  // A 13-digit ID leaves one bit to fill the last symbol: it must be 0.
  const std::string id13 = "0" + bits(13 - 4, 6) + bits(0x001A2B3C4D5E7, 52);
  REQUIRE(parse_activation_request(with_checks(content_of(id13 + bits(0, 4) + tail + "0"))).ok());
  check_problem(with_checks(content_of(id13 + bits(0, 4) + tail + "1")), ActivationProblem::request_content,
                reason + "its last bits are not zero");
  check_problem(with_checks(content_of(id + bits(0, 4) + tail + "00000")), ActivationProblem::request_content,
                reason + "it carries more than an appliance ID, codes, a time and a nonce");
}

TEST_CASE("activation requests: what cannot be written is refused with the reason") {
  const auto refused = [](const ActivationRequest& r, Errc code, const std::string& message) {
    auto text = format_activation_request(r);
    REQUIRE_FALSE(text.ok());
    CHECK(text.error().code == code);
    CHECK(text.error().message == message);
  };
  refused(request("00 1a", {}, 0, 0), Errc::invalid_appliance_id,
          "invalid appliance ID: a space at position 3 (allowed: letters, digits, '-' and ':')");
  refused(request("001A2B3C4D5E", codes(9, 1), 0, 0), Errc::too_large,
          "an activation request carries at most 8 codes, not 9");
  const ActivationCode twice = codes(1, 1)[0];
  refused(request("001A2B3C4D5E", {twice, codes(1, 2)[0], twice}, 0, 0), Errc::malformed,
          "code 3 is code 1 again");
  refused(request("001A2B3C4D5E", {}, -1, 0), Errc::invalid_time,
          "an activation request cannot carry a time before 1970-01-01T00:00:00Z");
  refused(request("001A2B3C4D5E", {}, kMaxRequestTime + 1, 0), Errc::invalid_time,
          "an activation request cannot carry a time after 4147-08-20T07:32:15Z");
  refused(request("001A2B3C4D5E", {}, 0, kMaxRequestNonce + 1), Errc::malformed,
          "an activation request's nonce has 40 bits");
}
