// seatkey-test-mint: mints PASETO v4.public tokens for tests. TEST ONLY: never installed,
// never shipped; it signs whatever it is given, including deliberately odd tokens.
//
// Usage:
//   seatkey-test-mint --key SECRET_FILE [--footer TEXT | --no-footer] [--implicit TEXT] PAYLOAD...
//       Prints one token per PAYLOAD, one per line. PAYLOAD is used verbatim as the payload
//       bytes (normally a JSON claims object; anything goes, e.g. '[1]' or 'not json').
//       The footer defaults to {"kid":"<k4.pid of the key>"}; --footer TEXT uses TEXT verbatim
//       (e.g. '{"kid":"k4.pid.unknown"}' or 'garbage'); --no-footer leaves it out.
//       --implicit TEXT signs with an implicit assertion (the verifier uses none, so such a
//       token fails with bad_signature). Signing is done here, not by SecretKey::sign, so
//       tokens over the verifier's 4096-byte limit can be made too.
//   seatkey-test-mint --new-key SECRET_FILE
//       Writes a fresh random key to SECRET_FILE (a '#' comment and one k4.secret line;
//       mode 0600; an existing file is not overwritten) and prints its k4.public key.
//   seatkey-test-mint --public --key SECRET_FILE
//       Prints the k4.public key of SECRET_FILE.
//   seatkey-test-mint --kid --key SECRET_FILE
//       Prints the k4.pid of SECRET_FILE's public key.
//   seatkey-test-mint --kid-of K4_PUBLIC
//       Prints the k4.pid of the k4.public key K4_PUBLIC.
//
// SECRET_FILE: '#' comment lines and blank lines, plus one "k4.secret." line (for example
// keys/development.secret). Exit status 0 on success, 2 on any error (message on stderr).
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace {

struct Options {
  std::string key_file;
  std::string new_key_file;
  std::string footer;
  bool footer_given = false;
  bool no_footer = false;
  std::string implicit;
  bool print_public = false;
  bool print_kid = false;
  std::string kid_of;
  std::vector<std::string> payloads;
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "seatkey-test-mint: " << message << "\n";
  std::exit(2);
}

seatkey::SecretKey load_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) die("cannot read key file " + path);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto key = seatkey::SecretKey::from_paserk(line);
    if (!key) die(path + ": " + key.error().message);
    return std::move(*key);
  }
  die(path + ": no k4.secret line");
}

std::string mint(const seatkey::SecretKey& key, const std::string& payload, const std::string& footer,
                 const std::string& implicit) {
  const std::string m2 = seatkey::pae({seatkey::kV4PublicHeader, payload, footer, implicit});
  std::string body = payload;
  body.resize(payload.size() + crypto_sign_BYTES);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(&body[payload.size()]), nullptr,
                       reinterpret_cast<const unsigned char*>(m2.data()), m2.size(), key.bytes().data());
  std::string token = std::string(seatkey::kV4PublicHeader) + seatkey::base64url_encode(body);
  if (!footer.empty()) token += "." + seatkey::base64url_encode(footer);
  return token;
}

int run(const Options& o) {
  if (!o.new_key_file.empty()) {
    auto key = seatkey::SecretKey::generate();
    if (!key) die(key.error().message);
    const int fd = ::open(o.new_key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) die("cannot create " + o.new_key_file + " (it must not exist yet)");
    std::string text = "# seatkey test key (seatkey-test-mint --new-key)\n";
    text.append(key->to_paserk().view());
    text += "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    sodium_memzero(text.data(), text.size());
    if (::close(fd) != 0 || !ok) die("cannot write " + o.new_key_file);
    std::cout << key->public_key().to_paserk() << "\n";
    return 0;
  }
  if (!o.kid_of.empty()) {
    auto key = seatkey::PublicKey::from_paserk(o.kid_of);
    if (!key) die("--kid-of: " + key.error().message);
    std::cout << key->id() << "\n";
    return 0;
  }
  if (o.key_file.empty()) die("--key SECRET_FILE is required (see the top of tests/tools/mint.cpp)");
  const seatkey::SecretKey key = load_key(o.key_file);
  if (o.print_public) {
    std::cout << key.public_key().to_paserk() << "\n";
    return 0;
  }
  if (o.print_kid) {
    std::cout << key.public_key().id() << "\n";
    return 0;
  }
  if (o.payloads.empty()) die("give at least one PAYLOAD");
  std::string footer;
  if (o.footer_given) {
    footer = o.footer;
  } else if (!o.no_footer) {
    footer = "{\"kid\":\"" + key.public_key().id() + "\"}";
  }
  for (const auto& payload : o.payloads) std::cout << mint(key, payload, footer, o.implicit) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (sodium_init() < 0) die("libsodium failed to initialize");
    CLI::App app{"Mints PASETO v4.public tokens for tests (test only).", "seatkey-test-mint"};
    Options o;
    app.add_option("--key", o.key_file, "k4.secret key file");
    app.add_option("--new-key", o.new_key_file, "write a fresh k4.secret key file, print its k4.public");
    auto* footer = app.add_option("--footer", o.footer, "footer text, verbatim");
    auto* no_footer = app.add_flag("--no-footer", o.no_footer, "no footer at all");
    footer->excludes(no_footer);
    app.add_option("--implicit", o.implicit, "implicit assertion to sign with");
    app.add_flag("--public", o.print_public, "print the key's k4.public");
    app.add_flag("--kid", o.print_kid, "print the key's k4.pid");
    app.add_option("--kid-of", o.kid_of, "print the k4.pid of a k4.public key");
    // Payloads are taken raw (CLI11 would split "[a,b]" into a list).
    app.allow_extras();
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e) == 0 ? 0 : 2;
    }
    o.footer_given = footer->count() > 0;
    o.payloads = app.remaining();
    for (const auto& p : o.payloads) {
      if (p.rfind("--", 0) == 0) die("unknown option " + p);
    }
    return run(o);
  } catch (const std::exception& e) {
    die(e.what());
  }
}
