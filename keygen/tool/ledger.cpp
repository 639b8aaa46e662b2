// `ledger`: create a ledger and register its keys (init, add-key); prove it was not altered
// (verify, head); bring it to the current schema (migrate); copy it (backup, copy). Its
// listings, list and show, are in ledger_list.cpp.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "ledger_commands.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/ledger/audit.hpp"

namespace seatkey::keygen::tool {
namespace {

struct LedgerVerifyOptions {
  std::string ledger;
  std::optional<std::string> anchor;
  std::vector<std::string> public_files;
};

// `ledger head`, `ledger migrate`.
struct LedgerOnlyOptions {
  std::string ledger;
};

struct LedgerBackupOptions {
  std::string ledger;
  std::string out;
};

// `ledger copy`: from one ledger (SQLite or PostgreSQL) into a new one.
struct LedgerCopyOptions {
  std::string from;
  std::string to;
};

// `ledger init` and `ledger add-key`: a ledger and a key to register in it.
struct KeyOptions {
  std::string ledger;
  std::string key;
  std::string passphrase_file;
  bool allow_development_key = false;
};

KeyStore::DevelopmentKey development(const KeyOptions& opt) {
  return opt.allow_development_key ? KeyStore::DevelopmentKey::allow : KeyStore::DevelopmentKey::refuse;
}

void warn_if_development(const Ledger& ledger, const std::string& location) {
  if (need(ledger.keys().development()))
    std::cerr << "seatkey-keygen: warning: " << development_notice(ledger_name(location)) << "\n";
}

// A ledger whose chain `verify`, `head` and `copy` read: one from before it is an input error
// naming `ledger migrate`.
Ledger open_chained(const std::string& location) {
  Ledger ledger = open_ledger(location, Ledger::Access::read_only);
  (void)need(ledger.head());
  return ledger;
}

int run_init(const KeyOptions& opt) {
  struct stat st {};
  if (!is_ledger_url(opt.ledger) &&
      ::lstat(opt.ledger.c_str(), &st) == 0) {  // before the passphrase is asked
    stop_input(opt.ledger +
               " already exists: ledger init makes a new ledger and never touches an existing file");
  }
  const SecretKey key = load_key(opt.key, opt.passphrase_file);
  const Ledger ledger = need(Ledger::create(opt.ledger, key.public_key(), development(opt)));
  std::cerr << "created ledger " << ledger_shown(opt.ledger) << " ("
            << (is_ledger_url(opt.ledger) ? "" : "mode 0600, ") << "schema version "
            << ledger.schema_version() << ") with the signing key " << key.public_key().id() << "\n";
  warn_if_development(ledger, opt.ledger);
  return 0;
}

int run_add_key(const KeyOptions& opt) {
  Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const SecretKey key = load_key(opt.key, opt.passphrase_file);
  const std::string id = key.public_key().id();
  switch (need(ledger.keys().add(key.public_key(), development(opt)))) {
    case KeyStore::Added::added:
      std::cerr << "registered the signing key " << id << " in ledger " << ledger_shown(opt.ledger) << "\n";
      break;
    case KeyStore::Added::public_key_recorded:
      std::cerr << "recorded the public key of the signing key " << id << " in ledger "
                << ledger_shown(opt.ledger) << " (it knew only its k4.pid)\n";
      break;
    case KeyStore::Added::already_known:
      std::cerr << "the key " << id << " is already a signing key of ledger " << ledger_shown(opt.ledger)
                << "; nothing changed\n";
      break;
  }
  warn_if_development(ledger, opt.ledger);
  return 0;
}

std::string count(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ", 100 codes, 3 code events" when the ledger has activation codes, ", 2 token events" when
// API tokens were created or revoked; nothing otherwise.
std::string codes_counted(const AuditResult& r) {
  std::string out;
  if (r.codes != 0)
    out += ", " + count(r.codes, "code", "codes") + ", " + count(r.code_events, "code event", "code events");
  if (r.token_events != 0) out += ", " + count(r.token_events, "token event", "token events");
  return out;
}

int run_verify(const LedgerVerifyOptions& opt) {
  AuditOptions options;
  if (opt.anchor) {
    options.anchor = chain_hash_from_hex(*opt.anchor);
    if (!options.anchor) {
      stop_input("--anchor " + *opt.anchor +
                 " is not a head hash (64 hexadecimal digits, as ledger head prints it)");
    }
  }
  for (const std::string& file : opt.public_files) {
    for (PublicKey& k : need(read_public_key_file(file))) options.public_keys.push_back(std::move(k));
  }
  const Ledger ledger = open_chained(opt.ledger);
  const AuditResult r = need(audit_ledger(ledger, options));
  if (!r.ok) {
    std::cerr << "seatkey-keygen: ledger " << ledger_shown(opt.ledger)
              << " does not verify: " << shown(r.problem) << "\n";
    return 1;
  }
  std::cout << to_hex(r.head.hash) << "\n";
  std::string summary = "ledger " + ledger_shown(opt.ledger) +
                        " verifies: " + count(r.head.seq, "link", "links") + " (" +
                        count(r.licenses, "license", "licenses") + ", " +
                        count(r.revocation_lists, "revocation list", "revocation lists") + ", " +
                        count(r.events, "event", "events") + codes_counted(r) +
                        "), every token signed by a signing key of the ledger and equal to its row";
  if (r.anchor_seq) summary += "; the anchor is chain position " + std::to_string(*r.anchor_seq);
  std::cerr << summary << "\n";
  for (const std::string& k : r.keys_from_options)
    std::cerr << "  signing key " << k << " checked with the public key given by --public\n";
  for (const std::string& t : r.tokens_before_chain)
    std::cerr << "  API token " << terminal_quoted(t)
              << " was created before the chain covered tokens: it has no creation link\n";
  return 0;
}

int run_head(const LedgerOnlyOptions& opt) {
  const Ledger ledger = open_chained(opt.ledger);
  const ChainHead head = need(ledger.head());
  std::cout << to_hex(head.hash) << "\n";
  std::cerr << "chain head of ledger " << ledger_shown(opt.ledger) << " at position " << head.seq
            << ": keep it elsewhere; ledger verify --anchor checks the ledger still holds it\n";
  return 0;
}

int run_migrate(const LedgerOnlyOptions& opt) {
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_write);
  const ChainHead head = need(ledger.head());
  if (ledger.migrated_from() > 0) {
    std::cerr << "migrated ledger " << ledger_shown(opt.ledger) << " from schema version "
              << ledger.migrated_from() << " to " << ledger.schema_version() << ": " << head.seq
              << " rows chained\n";
  } else {
    std::cerr << "ledger " << ledger_shown(opt.ledger) << " already has schema version "
              << ledger.schema_version() << "; nothing changed\n";
  }
  std::cout << to_hex(head.hash) << "\n";
  return 0;
}

int run_backup(const LedgerBackupOptions& opt) {
  const Ledger ledger = open_ledger(opt.ledger, Ledger::Access::read_only);
  need(ledger.backup(opt.out));
  // What the copy holds, read from the copy.
  const Ledger copy = need(Ledger::open(opt.out, Ledger::Access::read_only));
  std::string what = std::to_string(need(copy.licenses().count())) + " rows";
  if (copy.schema_version() >= 3) {
    const ChainHead head = need(copy.head());
    what += ", chain head " + to_hex(head.hash) + " at position " + std::to_string(head.seq);
  }
  std::cerr << "backed up ledger " << ledger_shown(opt.ledger) << " to " << shown(opt.out)
            << " (mode 0600): " << what << "\n";
  return 0;
}

int run_copy(const LedgerCopyOptions& opt) {
  const Ledger source = open_chained(opt.from);
  // Signatures and claims too: a ledger that does not verify is not spread to another place.
  const AuditResult checked = need(audit_ledger(source, {}));
  if (!checked.ok) {
    std::cerr << "seatkey-keygen: ledger " << ledger_shown(opt.from)
              << " does not verify: " << shown(checked.problem) << "; nothing was copied\n";
    return 1;
  }
  const ChainHead copied = need(source.copy_to(opt.to));
  const Ledger copy = need(Ledger::open(opt.to, Ledger::Access::read_only));
  const AuditResult r = need(audit_ledger(copy, {}));
  if (!r.ok)
    throw Stop{
        Error(Code::internal_error, "the copy " + ledger_name(opt.to) + " does not verify: " + r.problem)};
  if (r.head.seq != copied.seq || r.head.hash != copied.hash) {
    throw Stop{Error(Code::internal_error, "the copy " + ledger_name(opt.to) + " has the head " +
                                               to_hex(r.head.hash) + ", not the source's " +
                                               to_hex(copied.hash))};
  }
  std::cout << to_hex(r.head.hash) << "\n";
  std::cerr << "copied ledger " << ledger_shown(opt.from) << " to " << ledger_shown(opt.to) << ": "
            << r.head.seq << " links (" << r.licenses << " licenses, " << r.revocation_lists
            << " revocation lists, " << r.events << " events" << codes_counted(r) << "), "
            << need(copy.keys().all()).size() << " signing keys, " << need(copy.tokens().all()).size()
            << " API tokens; the copy verifies and its head is the source's\n";
  return 0;
}

void add_key_options(CLI::App* cmd, KeyOptions* opt) {
  add_ledger_option(cmd, &opt->ledger);
  add_key_option(cmd, &opt->key);
  add_passphrase_file_option(cmd, &opt->passphrase_file);
  cmd->add_flag("--allow-development-key", opt->allow_development_key,
                "accept the development key of keys/ (whose secret everyone has): test ledgers only");
}

void setup_verify(CLI::App* ledger, Status& status) {
  auto [cmd, opt] = add_command<LedgerVerifyOptions>(
      ledger, "verify", "prove the ledger was not altered: its hash chain, signatures and claims", status,
      run_verify);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--anchor", opt->anchor,
                  "a head hash kept elsewhere (ledger head): it must be in the chain");
  cmd->add_option("--public", opt->public_files,
                  "public key file of a signing key the ledger knows only by its k4.pid (repeatable)");
  cmd->footer(
      "\nRecomputes the hash chain over every row and event, checks every token's signature with the\n"
      "ledger's signing keys and its claims against its row, and that every event takes back a license\n"
      "once. Exit 0 printing the head hash; exit 1 naming the first row that does not match (or an\n"
      "anchor that is not in the chain); 2 for a ledger from before the chain (ledger migrate).\n" +
      examples({"seatkey-keygen ledger verify --ledger licenses.db",
                "seatkey-keygen ledger verify --ledger licenses.db --anchor \"$(cat head-2026-11.txt)\""}));
}

void setup_head_and_migrate(CLI::App* ledger, Status& status) {
  auto [head_cmd, head] = add_command<LedgerOnlyOptions>(
      ledger, "head", "print the hash chain's head, to keep elsewhere", status, run_head);
  add_ledger_option(head_cmd, &head->ledger);
  head_cmd->footer(
      "\nThe head hash stands for every row and event before it: keep it outside the ledger's machine\n"
      "(a ticket, a mail) and give it to ledger verify --anchor later.\n" +
      examples({"seatkey-keygen ledger head --ledger licenses.db >> heads.txt"}));
  auto [migrate_cmd, migrate] = add_command<LedgerOnlyOptions>(
      ledger, "migrate", "bring an older ledger to the current schema, and print its head", status,
      run_migrate);
  add_ledger_option(migrate_cmd, &migrate->ledger);
  migrate_cmd->footer(
      "\nIn one transaction; any write (issue, void, ...) does the same. The chain of an older ledger is\n"
      "computed over its rows in serial order.\n" +
      examples({"seatkey-keygen ledger migrate --ledger licenses.db"}));
}

void setup_backup(CLI::App* ledger, Status& status) {
  auto [cmd, opt] = add_command<LedgerBackupOptions>(
      ledger, "backup", "write a consistent copy of the ledger, also while issuers work", status, run_backup);
  add_ledger_option(cmd, &opt->ledger);
  cmd->add_option("--out", opt->out, "the copy to create (mode 0600; never an existing file)")->required();
  cmd->footer(
      "\nA SQLite ledger is copied page by page (SQLite's online backup). A PostgreSQL ledger is\n"
      "copied into a new SQLite ledger file, as ledger copy does; for the whole database, pg_dump\n"
      "works too.\n" +
      examples({"seatkey-keygen ledger backup --ledger licenses.db --out backup/licenses-$(date -u "
                "+%Y%m%dT%H%M%SZ).db",
                "seatkey-keygen ledger backup --ledger postgresql://desk@db.example/licenses --out "
                "licenses-$(date -u +%Y%m%d).db"}));
}

void setup_copy(CLI::App* ledger, Status& status) {
  auto [cmd, opt] = add_command<LedgerCopyOptions>(
      ledger, "copy", "copy a ledger into a new one: SQLite to PostgreSQL or back", status, run_copy);
  cmd->add_option("--from", opt->from, "the ledger to copy: a SQLite file, or a postgresql:// URL")
      ->required();
  cmd->add_option(
         "--to", opt->to,
         "the new ledger: a SQLite file that does not exist yet (mode 0600), or a postgresql:// URL of an "
         "empty database")
      ->required();
  cmd->footer(
      "\nCopies the signing keys, API tokens, every license and event, the answers kept for\n"
      "Idempotency-Key and the serial counter, reading the source in one snapshot and writing the\n"
      "copy in one transaction: a failure leaves no copy. Each link of the hash chain is computed\n"
      "again as it is written and must equal the source's; the copy is then verified like ledger\n"
      "verify, and its head (printed) is the source's. Exit 1 when the source does not verify.\n" +
      examples({"seatkey-keygen ledger copy --from licenses.db --to postgresql://desk@db.example/licenses",
                "seatkey-keygen ledger copy --from postgresql://desk@db.example/licenses --to licenses.db"}));
}

void setup_keys(CLI::App* ledger, Status& status) {
  auto [init_cmd, init] = add_command<KeyOptions>(
      ledger, "init", "create a new ledger with its first signing key", status, run_init);
  add_key_options(init_cmd, init);
  init_cmd->footer(
      "\nCreates the ledger file (mode 0600; never an existing file) and registers the key's k4.pid\n"
      "and k4.public as a signing key of this ledger: issue refuses any other key. The development\n"
      "key of keys/ is refused without --allow-development-key.\n" +
      examples({"seatkey-keygen ledger init --ledger licenses.db --key vendor.key"}));
  auto [add_cmd, add] = add_command<KeyOptions>(
      ledger, "add-key", "register another signing key of a ledger (key rotation)", status, run_add_key);
  add_key_options(add_cmd, add);
  add_cmd->footer(
      "\nRegisters the key's k4.pid and k4.public as a signing key of the ledger, so that issue\n"
      "accepts it; a key the ledger already knows is left as it is (a key that a migrated ledger\n"
      "knew only by its k4.pid gets its public key recorded).\n" +
      examples({"seatkey-keygen ledger add-key --ledger licenses.db --key vendor-2028.key"}));
}

}  // namespace

void setup_ledger(CLI::App& app, Status& status) {
  CLI::App* ledger = app.add_subcommand(
      "ledger", "create a ledger and register its keys; look into it, verify it, back it up");
  ledger->require_subcommand(1);
  ledger->footer(examples({"seatkey-keygen ledger init --ledger licenses.db --key vendor.key",
                           "seatkey-keygen ledger list --ledger licenses.db"}));
  setup_ledger_list(ledger, status);
  setup_ledger_show(ledger, status);
  setup_verify(ledger, status);
  setup_head_and_migrate(ledger, status);
  setup_backup(ledger, status);
  setup_copy(ledger, status);
  setup_keys(ledger, status);
}

}  // namespace seatkey::keygen::tool
