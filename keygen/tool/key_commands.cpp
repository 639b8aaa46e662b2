#include "key_commands.hpp"

#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/key_file.hpp"
#include "seatkey/keygen/passphrase.hpp"

namespace seatkey::keygen::tool {

void setup_key_commands(CLI::App& app, Status& status) {
  CLI::App* key = app.add_subcommand("key", "create a vendor key, show its public key");
  key->require_subcommand(1);
  key->footer(examples({"seatkey-keygen key new --out vendor.key --public-out vendor.public",
                        "seatkey-keygen key public --key vendor.key"}));

  auto new_opt = std::make_shared<KeyNewOptions>();
  CLI::App* cmd = key->add_subcommand("new", "create a new vendor signing key file (never overwrites)");
  cmd->add_option("--out", new_opt->out, "the key file to create, mode 0600")->required();
  cmd->add_option("--public-out", new_opt->public_out,
                  "also write the public key file (never overwritten; written after the key file)");
  auto* pw = add_passphrase_file_option(cmd, &new_opt->passphrase_file);
  auto* none = cmd->add_flag("--no-passphrase", new_opt->no_passphrase,
                             "write an unprotected k4.secret key (default: k4.secret-pw under a passphrase)");
  auto* fast = cmd->add_flag("--insecure-fast-kdf", new_opt->insecure_fast_kdf,
                             "wrap with a cheap Argon2id cost (8 MiB, 1 pass): for throwaway test keys only");
  none->excludes(pw);
  fast->excludes(none);
  cmd->footer(
      "\nWrites one PASERK line: k4.secret-pw (Argon2id, 256 MiB, 3 passes; the passphrase has at\n"
      "least 8 characters) or, with --no-passphrase, k4.secret. The public key file (the k4.public\n"
      "key and its k4.pid, what firmware builds and inspect --public trust) goes to --public-out, or\n"
      "else to stdout.\n" +
      examples(
          {"seatkey-keygen key new --out vendor.key --public-out vendor.public",
           "seatkey-keygen key new --out vendor.key --public-out vendor.public --passphrase-file pass.txt"}));
  cmd->callback([new_opt, &status] { status.exit_code = run_key_new(*new_opt); });

  auto pub_opt = std::make_shared<KeyPublicOptions>();
  cmd = key->add_subcommand("public", "print the k4.public key of a key file");
  add_key_option(cmd, &pub_opt->key);
  add_passphrase_file_option(cmd, &pub_opt->passphrase_file);
  cmd->footer(examples({"seatkey-keygen key public --key vendor.key > vendor.public"}));
  cmd->callback([pub_opt, &status] { status.exit_code = run_key_public(*pub_opt); });
}

int run_key_new(const KeyNewOptions& opt) {
  // Both files are checked before the passphrase is asked; neither is ever overwritten.
  const auto refuse_existing = [](const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0)
      throw_input_error(path + " already exists: seatkey-keygen never overwrites a file with a new key");
  };
  refuse_existing(opt.out);
  if (!opt.public_out.empty()) {
    if (opt.public_out == opt.out) throw_input_error("--out and --public-out name the same file");
    refuse_existing(opt.public_out);
  }
  SecureBuffer passphrase;
  if (!opt.no_passphrase) {
    passphrase =
        obtain_passphrase(opt.passphrase_file, "the new key " + opt.out, true, kMinNewPassphraseBytes);
  }
  auto key = SecretKey::generate();
  if (!key) throw_input_error("cannot generate a key: " + key.error().message);
  write_new_key_file(opt.out, *key, opt.no_passphrase ? nullptr : &passphrase,
                     opt.insecure_fast_kdf ? insecure_fast_password_cost() : default_password_cost());
  std::cerr << "wrote a new vendor key to " << terminal_safe(opt.out) << " (mode 0600, "
            << (opt.no_passphrase ? "k4.secret, NOT passphrase-protected"
                                  : "k4.secret-pw, passphrase-protected")
            << (opt.insecure_fast_kdf ? ", INSECURE fast Argon2id cost" : "") << ")\n"
            << "key ID " << key->public_key().id() << "\n";
  if (opt.public_out.empty()) {
    std::cout << public_key_file_text(key->public_key());
    return 0;
  }
  // Only once the key file is written: a public key file never names a key that does not exist.
  try {
    write_public_key_file(opt.public_out, key->public_key());
  } catch (const Failure& e) {
    throw_input_error(std::string(e.what()) + "; the key file " + opt.out +
                      " was written: get its public key file with seatkey-keygen key public --key " +
                      opt.out);
  }
  std::cerr << "wrote its public key file to " << terminal_safe(opt.public_out) << "\n";
  return 0;
}

int run_key_public(const KeyPublicOptions& opt) {
  const SecretKey key = load_key_file(
      opt.key, [&] { return obtain_passphrase(opt.passphrase_file, "the key " + opt.key, false); });
  std::cout << public_key_file_text(key.public_key());
  return 0;
}

}  // namespace seatkey::keygen::tool
