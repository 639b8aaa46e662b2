// `key new` and `key public`: the vendor's signing key files.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/io/passphrase.hpp"

namespace seatkey::keygen::tool {
namespace {

struct KeyNewOptions {
  std::string out;
  std::string public_out;  // empty: the public key file goes to stdout
  std::string passphrase_file;
  bool no_passphrase = false;
  bool insecure_fast_kdf = false;
};

struct KeyPublicOptions {
  std::string key;
  std::string passphrase_file;
};

// Both files are checked before the passphrase is asked; neither is ever overwritten.
void refuse_existing(const KeyNewOptions& opt) {
  const auto refuse = [](const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0)
      stop_input(path + " already exists: seatkey-keygen never overwrites a file with a new key");
  };
  refuse(opt.out);
  if (opt.public_out.empty()) return;
  if (opt.public_out == opt.out) stop_input("--out and --public-out name the same file");
  refuse(opt.public_out);
}

int run_key_new(const KeyNewOptions& opt) {
  refuse_existing(opt);
  SecureBuffer passphrase;
  if (!opt.no_passphrase) {
    passphrase =
        need(obtain_passphrase(opt.passphrase_file, "the new key " + opt.out, true, kMinNewPassphraseBytes));
  }
  auto key = SecretKey::generate();
  if (!key) stop_input("cannot generate a key: " + key.error().message);
  need(write_new_key_file(opt.out, *key, opt.no_passphrase ? nullptr : &passphrase,
                          opt.insecure_fast_kdf ? insecure_fast_password_cost() : default_password_cost()));
  std::cerr << "wrote a new vendor key to " << shown(opt.out) << " (mode 0600, "
            << (opt.no_passphrase ? "k4.secret, NOT passphrase-protected"
                                  : "k4.secret-pw, passphrase-protected")
            << (opt.insecure_fast_kdf ? ", INSECURE fast Argon2id cost" : "") << ")\n"
            << "key ID " << key->public_key().id() << "\n";
  if (opt.public_out.empty()) {
    std::cout << public_key_file_text(key->public_key());
    return 0;
  }
  // Only once the key file is written: a public key file never names a key that does not exist.
  auto written = write_public_key_file(opt.public_out, key->public_key());
  if (!written) {
    stop_input(written.error().message + "; the key file " + opt.out +
               " was written: get its public key file with seatkey-keygen key public --key " + opt.out);
  }
  std::cerr << "wrote its public key file to " << shown(opt.public_out) << "\n";
  return 0;
}

int run_key_public(const KeyPublicOptions& opt) {
  const SecretKey key = load_key(opt.key, opt.passphrase_file);
  std::cout << public_key_file_text(key.public_key());
  return 0;
}

void setup_key_new(CLI::App* key, Status& status) {
  auto [cmd, opt] = add_command<KeyNewOptions>(
      key, "new", "create a new vendor signing key file (never overwrites)", status, run_key_new);
  cmd->add_option("--out", opt->out, "the key file to create, mode 0600")->required();
  cmd->add_option("--public-out", opt->public_out,
                  "also write the public key file (never overwritten; written after the key file)");
  auto* pw = add_passphrase_file_option(cmd, &opt->passphrase_file);
  auto* none = cmd->add_flag("--no-passphrase", opt->no_passphrase,
                             "write an unprotected k4.secret key (default: k4.secret-pw under a passphrase)");
  auto* fast = cmd->add_flag("--insecure-fast-kdf", opt->insecure_fast_kdf,
                             "wrap with a cheap Argon2id cost (8 MiB, 1 pass): for throwaway test keys only");
  none->excludes(pw);
  fast->excludes(none);
  cmd->footer(
      "\nWrites one PASERK line: k4.secret-pw (Argon2id, 256 MiB, 3 passes; the passphrase has at\n"
      "least " +
      std::to_string(kMinNewPassphraseBytes) +
      " characters) or, with --no-passphrase, k4.secret. The public key file (the k4.public\n"
      "key and its k4.pid, what firmware builds and inspect --public trust) goes to --public-out, or\n"
      "else to stdout.\n" +
      examples(
          {"seatkey-keygen key new --out vendor.key --public-out vendor.public",
           "seatkey-keygen key new --out vendor.key --public-out vendor.public --passphrase-file pass.txt"}));
}

}  // namespace

void setup_key(CLI::App& app, Status& status) {
  CLI::App* key = app.add_subcommand("key", "create a vendor key, show its public key");
  key->require_subcommand(1);
  key->footer(examples({"seatkey-keygen key new --out vendor.key --public-out vendor.public",
                        "seatkey-keygen key public --key vendor.key"}));
  setup_key_new(key, status);
  auto [cmd, opt] = add_command<KeyPublicOptions>(key, "public", "print the k4.public key of a key file",
                                                  status, run_key_public);
  add_key_option(cmd, &opt->key);
  add_passphrase_file_option(cmd, &opt->passphrase_file);
  cmd->footer(examples({"seatkey-keygen key public --key vendor.key > vendor.public"}));
}

}  // namespace seatkey::keygen::tool
