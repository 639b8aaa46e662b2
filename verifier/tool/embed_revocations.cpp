// seatkey-embed-revocations: the build step of CMake SEATKEY_REVOCATIONS (docs/firmware.md).
//
//   seatkey-embed-revocations OUTPUT.cpp LIST_FILE KEY_FILE...
//
// Checks that LIST_FILE holds exactly one revocation token (blank lines and '#' comments
// aside) signed by one of the k4.public keys of the KEY_FILEs (SEATKEY_TRUSTED_KEYS), with
// valid claims of kind "revocation", and writes OUTPUT, defining
// seatkey::verifier::detail::kBuiltInRevocationList. Anything else fails the build with a
// message naming the file: a firmware must never ship a list its own verifier rejects (the
// list would silently not apply).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/text.hpp"

namespace {

int fail(const std::string& message) {
  std::cerr << "SEATKEY_REVOCATIONS: " << seatkey::terminal_safe(message) << "\n";
  return 1;
}

// The token as adjacent string literals of at most 4,000 characters each (a token holds only
// base64url characters and dots: nothing to escape).
std::string literal_of(const std::string& token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); i += 4000) out += "\n    \"" + token.substr(i, 4000) + "\"";
  return out;
}

// The k4.public keys of the KEY_FILEs.
seatkey::Result<std::vector<seatkey::PublicKey>> read_keys(int argc, char** argv) {
  std::vector<seatkey::PublicKey> keys;
  for (int i = 3; i < argc; ++i) {
    auto text = seatkey::read_file_bounded(argv[i], 1024 * 1024);
    if (!text)
      return seatkey::make_error(text.error().code, "cannot read trusted keys file " + text.error().message);
    auto parsed = seatkey::parse_public_key_file(*text, argv[i]);
    if (!parsed) return parsed.error();
    keys.insert(keys.end(), parsed->begin(), parsed->end());
  }
  return keys;
}

struct ListToken {
  std::string where;  // "FILE:LINE: ", for messages
  std::string token;
};

// The one token of LIST_FILE, blank lines and comments aside.
seatkey::Result<ListToken> read_list_token(const std::string& list_file) {
  // One token of up to 1 MiB, with room for comments around it.
  const std::size_t max_file = seatkey::kMaxRevocationTokenBytes + 64 * 1024;
  auto text = seatkey::read_file_bounded(list_file, max_file);
  if (!text) return seatkey::make_error(text.error().code, "cannot read " + text.error().message);
  if (text->size() > max_file) {
    return seatkey::make_error(seatkey::Errc::too_large, list_file + " is over " + std::to_string(max_file) +
                                                             " bytes: it must hold one revocation token");
  }
  std::vector<ListToken> tokens;
  seatkey::for_each_content_line(*text, [&](std::size_t line, std::string_view token) {
    tokens.push_back({list_file + ":" + std::to_string(line) + ": ", std::string(token)});
    return true;
  });
  if (tokens.size() != 1) {
    return seatkey::make_error(seatkey::Errc::malformed,
                               list_file + " holds " + std::to_string(tokens.size()) +
                                   " tokens: it must hold exactly one revocation token (seatkey-keygen "
                                   "revocations issue)");
  }
  return std::move(tokens[0]);
}

struct CheckedList {
  std::string kid;
  seatkey::RevocationList claims;
};

// The list as the verifier will read it: signed by one of `keys`, of kind revocation.
seatkey::Result<CheckedList> check_list(const ListToken& t, const std::vector<seatkey::PublicKey>& keys) {
  using seatkey::make_error;
  seatkey::V4PublicDecoder decoder;
  if (const char* why = decoder.decode(t.token, seatkey::TokenLimit::revocation_list)) {
    return make_error(seatkey::Errc::malformed, t.where + "not a revocation token: " + why);
  }
  auto kid = seatkey::footer_kid(decoder.footer());
  if (!kid) return make_error(kid.error().code, t.where + "not a revocation token: " + kid.error().message);
  const auto key =
      std::find_if(keys.begin(), keys.end(), [&](const seatkey::PublicKey& k) { return k.id() == *kid; });
  if (key == keys.end()) {
    return make_error(seatkey::Errc::unknown_key,
                      t.where + "signed by a key that SEATKEY_TRUSTED_KEYS does not hold (" + *kid +
                          "): the verifier would reject it unknown_key");
  }
  if (!decoder.signature_valid(*key)) {
    return make_error(seatkey::Errc::bad_signature,
                      t.where + "the signature does not match (" + *kid +
                          "): the list was altered or damaged; the verifier would reject it bad_signature");
  }
  auto claims = seatkey::parse_token_claims(decoder.payload());
  if (!claims) return make_error(claims.error().code, t.where + "invalid claims: " + claims.error().message);
  auto* list = std::get_if<seatkey::RevocationList>(&*claims);
  if (list == nullptr) {
    return make_error(seatkey::Errc::invalid_claims,
                      t.where + "a " + std::string(seatkey::kind_description(seatkey::kind_of(*claims))) +
                          ", not a revocation list");
  }
  return CheckedList{*kid, std::move(*list)};
}

// OUTPUT, written whole or not at all.
bool write_cpp(const std::string& output, const std::string& token, const CheckedList& list) {
  std::string cpp = "// Generated by seatkey-embed-revocations (verifier/CMakeLists.txt); do not edit.\n";
  cpp += "// The revocation list built in: seq " + std::to_string(list.claims.seq) + ", " +
         std::to_string(list.claims.revoked.size()) + " serials revoked, signed by " + list.kid + ".\n";
  cpp += "#include <string_view>\n\nnamespace seatkey::verifier::detail {\n\n";
  cpp += "extern const std::string_view kBuiltInRevocationList;\n";
  cpp += "const std::string_view kBuiltInRevocationList =" + literal_of(token) + ";\n\n";
  cpp += "}  // namespace seatkey::verifier::detail\n";
  const std::string temp = output + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << cpp;
    if (!out.flush()) return false;
  }
  return std::rename(temp.c_str(), output.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return fail("usage: seatkey-embed-revocations OUTPUT.cpp LIST_FILE KEY_FILE...");
  const std::string output = argv[1];
  const std::string list_file = argv[2];
  auto keys = read_keys(argc, argv);
  if (!keys) return fail(keys.error().message);
  auto token = read_list_token(list_file);
  if (!token) return fail(token.error().message);
  auto list = check_list(*token, *keys);
  if (!list) return fail(list.error().message);
  if (!write_cpp(output, token->token, *list)) return fail("cannot write " + output);
  const std::size_t n = list->claims.revoked.size();
  std::cout << "seatkey: built-in revocation list seq " << list->claims.seq << " (" << n
            << (n == 1 ? " serial" : " serials") << " revoked) from " << seatkey::terminal_safe(list_file)
            << "\n";
  return 0;
}
