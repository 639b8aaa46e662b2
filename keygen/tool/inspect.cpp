// `inspect [--public FILE] TOKEN|FILE`: decode tokens; with --public, verify them.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "commands.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/limits.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/key_file.hpp"

namespace seatkey::keygen::tool {
namespace {

using ojson = nlohmann::ordered_json;

struct InspectOptions {
  std::string public_file;  // empty: decode only, marked unverified
  std::string input;        // a token, a file of tokens, or "-" for stdin
};

struct Input {
  std::string token;
  std::string source;  // "file:line", or empty for a token given as the argument
};

bool looks_like_token(const std::string& s) {
  // "v4.public....", "v4.local...", "v2...." : a PASETO header, never a sensible file name.
  return s.size() > 3 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9' && s[2] == '.';
}

std::vector<Input> tokens_from_text(const std::string& text, const std::string& name) {
  if (text.size() > kMaxLicenseSetBytes) {
    stop_input(name + " is larger than " + std::to_string(kMaxLicenseSetBytes) + " bytes");
  }
  std::vector<Input> out;
  for_each_content_line(text, [&](std::size_t line_number, std::string_view line) {
    out.push_back({std::string(line), name + ":" + std::to_string(line_number)});
    return out.size() <= kMaxLicenseSetTokens;
  });
  if (out.empty()) stop_input(name + " holds no token");
  if (out.size() > kMaxLicenseSetTokens) {
    stop_input(name + " holds more than " + std::to_string(kMaxLicenseSetTokens) + " tokens");
  }
  return out;
}

// A license set is at most 5 MiB (the verifier's limit); inspect reads up to 16 MiB.
constexpr std::size_t kMaxInspectBytes = 16u << 20;

std::vector<Input> read_inputs(const std::string& input) {
  if (looks_like_token(input)) return {{input, ""}};
  const std::string name = input == "-" ? "stdin" : input;
  auto text = input == "-" ? read_fd_bounded(STDIN_FILENO, kMaxInspectBytes, name)
                           : read_file_bounded(input, kMaxInspectBytes);
  if (!text) stop_input("cannot read " + text.error().message + " (neither a token nor a readable file)");
  if (text->size() > kMaxInspectBytes) stop_input(name + " is larger than 16 MiB: not a license file");
  return tokens_from_text(*text, name);
}

// The bytes as JSON when they parse, else as (lossy, escaped) text.
void add_json_or_text(const std::string& bytes, const char* json_key, const char* text_key, ojson* out) {
  try {
    (*out)[json_key] = ojson::parse(bytes);
  } catch (const ojson::parse_error&) {
    (*out)[text_key] = bytes;
  }
}

struct Verdict {
  bool ok = false;
  std::string error;  // "reason: message" when !ok
};

Verdict check_signature(const UnverifiedToken& token, const std::vector<PublicKey>& keys,
                        const std::string& file, ojson* out) {
  std::vector<const PublicKey*> candidates;
  auto kid = footer_kid(token.footer);
  if (kid) {
    for (const auto& k : keys) {
      if (k.id() == *kid) candidates.push_back(&k);
    }
    if (candidates.empty())
      return {false, "unknown_key: footer kid " + *kid + " is none of the keys in " + file};
  } else {
    // No k4.pid kid (e.g. the PASETO test vectors): try every key of the file.
    for (const auto& k : keys) candidates.push_back(&k);
  }
  for (const PublicKey* k : candidates) {
    if (signature_valid(*k, token)) {
      (*out)["key"] = k->id();
      return {true, ""};
    }
  }
  return {false, "bad_signature: the signature does not verify with " +
                     std::string(candidates.size() == 1 ? "the key " + candidates.front()->id()
                                                        : "any key in " + file)};
}

// Decoded under the larger limit (a revocation list may take 1 MiB); a license over its own
// limit is malformed, as the verifier finds it once the claims say what it is.
Verdict verdict_of(const Input& in, const seatkey::Result<UnverifiedToken>& decoded,
                   const std::optional<seatkey::Result<Claims>>& claims,
                   const std::optional<std::vector<PublicKey>>& keys, const std::string& file, ojson* j) {
  Verdict verdict;
  if (!decoded) {
    verdict.error = std::string(errc_name(decoded.error().code)) + ": " + decoded.error().message;
  } else if (keys) {
    verdict = check_signature(*decoded, *keys, file, j);
  }
  const bool license_sized = decoded && (!*claims || is_license(kind_of(**claims)));
  if (license_sized && in.token.size() > max_token_bytes(TokenLimit::license) &&
      (verdict.ok || verdict.error.empty())) {
    verdict = {false, "malformed: token is " + std::to_string(in.token.size()) + " bytes, over " +
                          token_limit_text(TokenLimit::license) + " (only a revocation list may be larger)"};
  }
  return verdict;
}

// One token as JSON; false when it failed (reported on stderr).
bool inspect_one(const Input& in, const std::optional<std::vector<PublicKey>>& keys, const std::string& file,
                 ojson* j) {
  if (!in.source.empty()) (*j)["source"] = in.source;
  (*j)["verified"] = false;
  const auto decoded = decode_v4_public(in.token, TokenLimit::revocation_list);
  std::optional<seatkey::Result<Claims>> claims;
  if (decoded) claims = parse_token_claims(decoded->payload);
  const Verdict verdict = verdict_of(in, decoded, claims, keys, file, j);
  bool ok = true;
  if (verdict.ok) {
    (*j)["verified"] = true;
  } else if (!verdict.error.empty()) {
    (*j)["error"] = verdict.error;
    ok = false;
    // The file name and the token's kid come from outside.
    std::cerr << "seatkey-keygen: "
              << terminal_safe((in.source.empty() ? "token" : in.source) + ": " +
                               (keys ? "NOT VERIFIED: " : "") + verdict.error)
              << "\n";
  } else {
    (*j)["warning"] = "UNVERIFIED: the signature was not checked (give --public FILE to check it)";
  }
  if (decoded) {
    (*j)["header"] = "v4.public";
    add_json_or_text(decoded->payload, "payload", "payload_text", j);
    if (decoded->footer.empty()) {
      (*j)["footer"] = nullptr;
    } else {
      add_json_or_text(decoded->footer, "footer", "footer_text", j);
    }
    (*j)["license_claims"] = *claims ? "valid" : "invalid: " + claims->error().message;
  }
  return ok;
}

int run_inspect(const InspectOptions& opt) {
  std::optional<std::vector<PublicKey>> keys;
  if (!opt.public_file.empty()) keys = need(read_public_key_file(opt.public_file));
  ojson results = ojson::array();
  int failures = 0;
  for (const Input& in : read_inputs(opt.input)) {
    ojson j;
    if (!inspect_one(in, keys, opt.public_file, &j)) ++failures;
    results.push_back(std::move(j));
  }
  print_json(results.size() == 1 ? results.front() : results);
  if (failures == 0) return 0;
  return keys ? 1 : 2;  // without --public, only an undecodable token fails: an input error
}

}  // namespace

void setup_inspect(CLI::App& app, Status& status) {
  auto [cmd, opt] = add_command<InspectOptions>(
      &app, "inspect", "decode a token's claims and footer; verify it with --public", status, run_inspect);
  cmd->add_option("--public", opt->public_file, "public key file (k4.public lines): verify the signature");
  cmd->add_option("token", opt->input,
                  "a v4.public token, or a file of tokens (one per line, '#' comments), or -")
      ->required();
  cmd->footer(
      "\nPrints each token's payload and footer as JSON (an array for several tokens). Without\n"
      "--public the output is marked UNVERIFIED. With --public: exit 0 when every token verifies,\n"
      "1 when one does not (not a v4.public token, unknown key, bad signature), with the reason.\n" +
      examples({"seatkey-keygen inspect v4.public.eyJ...",
                "seatkey-keygen inspect --public vendor.public 001A2B3C4D5E.lic"}));
}

}  // namespace seatkey::keygen::tool
