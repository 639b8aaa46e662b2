#include "seatkey/keygen/ledger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>

#include "database.hpp"
#include "postgres.hpp"
#include "seatkey/keygen/error.hpp"
#include "sqlite.hpp"
#include "text.hpp"

namespace seatkey::keygen {

using detail::column_exists;
using detail::Statement;

namespace {

constexpr int kLatestVersion = Ledger::kSchemaVersion;

// Column indexes of what select_licenses() reads: kLicenseColumns, then these.
enum LicenseColumn {
  kChainSeq,
  kSerial,
  kKind,
  kAppliance,
  kEdition,
  kUsers,
  kCustomer,
  kOrderRef,
  kIssuedAt,
  kUpdatesUntil,
  kExpires,
  kIssuer,
  kKeyId,
  kReplaces,
  kTransferredFrom,
  kPrimaryAppliance,
  kRevocationSeq,
  kToken,
  kChainHash,  // after the canonical columns
  kVoided,     // the type of the event that took it back, or NULL
  kWrittenBy,  // the API token that wrote it (version 4), or NULL
};
constexpr int kWrittenByVersion = 4;
static_assert(kToken + 1 == std::size(kLicenseColumns), "LicenseColumn follows kLicenseColumns");

// "SELECT <every LicenseColumn> FROM licenses" for a ledger of `version`.
std::string select_licenses(int version) {
  std::string sql = "SELECT ";
  for (std::string_view c : kLicenseColumns)
    sql += std::string(column_exists(c, version) ? c : "NULL") + ", ";
  sql += version >= 3 ? "chain_hash, (SELECT type FROM events WHERE events.serial = licenses.serial "
                        "ORDER BY chain_seq LIMIT 1), "
                      : "NULL, NULL, ";
  sql += version >= kWrittenByVersion ? "written_by" : "NULL";
  return sql + " FROM licenses";
}

std::string insert_sql(std::string_view table, const std::string_view* columns, std::size_t n) {
  std::string names, params;
  for (std::size_t i = 0; i < n; ++i) {
    names += std::string(columns[i]) + ", ";
    params += "?" + std::to_string(i + 1) + ", ";
  }
  return "INSERT INTO " + std::string(table) + " (" + names + "chain_hash) VALUES (" + params + "?" +
         std::to_string(n + 1) + ")";
}

constexpr const char* kSelectEvents =
    "SELECT chain_seq, type, serial, reason, at, who, transfer_to, chain_hash FROM events";
enum EventColumn { kEvChainSeq, kEvType, kEvSerial, kEvReason, kEvAt, kEvWho, kEvTransferTo, kEvChainHash };
static_assert(kEvTransferTo + 1 == std::size(kEventColumns), "EventColumn follows kEventColumns");

// Which columns are integers (bound as such; their text is the decimal number).
bool is_integer_column(std::string_view column) {
  for (std::string_view c :
       {"chain_seq", "serial", "users", "replaces", "transferred_from", "revocation_seq"}) {
    if (c == column) return true;
  }
  return false;
}

std::optional<ChainHash> as_chain_hash(const std::string& bytes) {
  if (bytes.size() != sizeof(ChainHash)) return std::nullopt;
  ChainHash h{};
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

// Makes an empty file at `path`, exclusively (never over a file or through a link) and 0600
// whatever the umask. 0, or the errno of the failure (no file is left then).
int create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int err = errno;
  ::close(fd);
  if (ok) return 0;
  ::unlink(path.c_str());
  return err;
}

std::string how_to_create(const std::string& path) {
  return "seatkey-keygen ledger init --ledger " + path + " --key FILE creates a ledger";
}

std::string already_a_ledger(const std::string& name) {
  return name + " already holds a seatkey ledger: a new ledger is never made over an existing one";
}

void refuse_development_key(const PublicKey& key, Ledger::DevelopmentKey development) {
  if (key.id() != kDevelopmentKeyId || development == Ledger::DevelopmentKey::allow) return;
  throw_refusal("the key " + key.id() +
                " is the development key of keys/, whose secret everyone has: anyone could issue "
                "licenses as this ledger's vendor. Use your own key (seatkey-keygen key new), or give "
                "--allow-development-key for a test ledger");
}

}  // namespace

struct Ledger::Impl {
  std::unique_ptr<detail::Database> db;  // declared first: the statements below go before it
  std::string path;                      // how messages name the ledger (db->name())
  Access opened_for = Access::read_only;
  int version = 0;
  int migrated_from = 0;
  std::vector<std::string> warnings;
  // Insert statements by their SQL (a row with written_by has one more column).
  std::map<std::string, std::unique_ptr<Statement>> inserts;

  ~Impl() { inserts.clear(); }

  // Brings the schema to kLatestVersion in one write transaction; `also` runs in it before the
  // commit and makes it a new ledger's creation (its first signing key, or a copy's rows): a
  // database that another writer made a ledger of meanwhile is refused, not filled again.
  void migrate(const std::function<void()>& also = {});
  // A new ledger at `location` (a new SQLite file, or an empty PostgreSQL database) with the
  // current schema and what `fill` writes, in one transaction: on a failure nothing is left.
  static std::unique_ptr<Impl> create(const std::string& location, const std::function<void(Impl&)>& fill);

  // Runs `body` in a write transaction (every other writer excluded) and commits; rolls back
  // when it throws.
  template <typename Body>
  auto in_write_transaction(const std::string& what, Body body) {
    if (opened_for != Access::read_write) throw_input_error("ledger " + path + " is open read-only");
    db->begin_write("cannot lock the ledger to " + what);
    try {
      auto result = body();
      db->commit("cannot commit (" + what + ")");
      return result;
    } catch (...) {
      db->rollback();
      throw;
    }
  }

  // The chain and the events exist from version 3 on.
  void require_chain() const {
    if (version >= 3) return;
    throw_input_error("ledger " + path + " has schema version " + std::to_string(version) +
                      ", from before the hash chain: seatkey-keygen ledger migrate --ledger " + path +
                      " brings it to version " + std::to_string(kLatestVersion) +
                      " and computes its chain (so does its next issue)");
  }

  // A row of select_licenses(), or nullopt with *why set when it cannot be read.
  std::optional<LedgerEntry> parse_row(const Statement& s, std::string* why) const {
    LedgerEntry e;
    e.serial = s.integer(kSerial);
    e.appliance = s.text(kAppliance);
    const std::string kind = s.text(kKind);
    const auto corrupt = [&](const std::string& what) {
      *why = "row " + std::to_string(e.serial) +
             (kind == kind_name(LicenseKind::revocation) ? std::string(" (revocation list)")
                                                         : " (appliance " + e.appliance + ")") +
             " is corrupt: " + what;
      return std::nullopt;
    };
    const auto parsed_kind = parse_kind(kind);
    if (!parsed_kind) return corrupt("kind \"" + kind + "\"");
    e.kind = *parsed_kind;
    if (!s.is_null(kEdition)) {
      e.edition = parse_edition(s.text(kEdition));
      if (!e.edition) return corrupt("edition \"" + s.text(kEdition) + "\"");
    }
    e.users = static_cast<int>(s.integer(kUsers));
    e.customer = s.optional_text(kCustomer);
    e.order = s.optional_text(kOrderRef);
    static constexpr const char* kTimeColumns[] = {"issued_at", "updates_until", "expires"};
    std::optional<UnixTime> times[3];
    for (int i = 0; i < 3; ++i) {
      auto text = s.optional_text(kIssuedAt + i);
      if (!text) continue;
      auto t = parse_rfc3339(*text);
      if (!t) {
        return corrupt(std::string(kTimeColumns[i]) + " \"" + *text +
                       "\" is not an RFC 3339 time in the years 0000-9999");
      }
      times[i] = *t;
    }
    e.issued_at = times[0].value_or(0);
    e.updates_until = times[1];
    e.expires = times[2];
    e.issuer = s.text(kIssuer);
    e.key_id = s.text(kKeyId);
    if (!s.is_null(kReplaces)) e.replaces = s.integer(kReplaces);
    if (!s.is_null(kTransferredFrom)) e.transferred_from = s.integer(kTransferredFrom);
    e.primary_appliance = s.optional_text(kPrimaryAppliance);
    if (!s.is_null(kRevocationSeq)) e.revocation_seq = s.integer(kRevocationSeq);
    e.token = s.text(kToken);
    e.written_by = s.optional_text(kWrittenBy);
    e.chain_seq = s.is_null(kChainSeq) ? 0 : s.integer(kChainSeq);
    if (!s.is_null(kChainHash)) e.chain_hash = as_chain_hash(s.bytes(kChainHash));
    if (!s.is_null(kVoided)) {
      const std::string type = s.text(kVoided);
      e.voided = event_kind_named(type);
      if (!e.voided) return corrupt("its event has type \"" + type + "\"");
    }
    return e;
  }

  // An event of kSelectEvents, or nullopt with *why set.
  std::optional<LedgerEvent> parse_event(const Statement& s, std::string* why) const {
    LedgerEvent e;
    e.chain_seq = s.integer(kEvChainSeq);
    const auto corrupt = [&](const std::string& what) {
      *why = "event " + std::to_string(e.chain_seq) + " is corrupt: " + what;
      return std::nullopt;
    };
    const std::string type = s.text(kEvType);
    const std::optional<EventKind> kind = event_kind_named(type);
    if (!kind) return corrupt("type \"" + type + "\"");
    e.kind = *kind;
    e.serial = s.integer(kEvSerial);
    e.reason = s.optional_text(kEvReason);
    const std::string at = s.text(kEvAt);
    const auto t = parse_rfc3339(at);
    if (!t) return corrupt("at \"" + at + "\" is not an RFC 3339 time in the years 0000-9999");
    e.at = *t;
    e.who = s.text(kEvWho);
    e.transfer_to = s.optional_text(kEvTransferTo);
    return e;
  }

  // The rows `where` selects (a clause after WHERE, or empty), by serial; `bind` binds its
  // parameters.
  LedgerRows select(const std::string& where, const std::function<void(Statement&)>& bind,
                    bool strict) const {
    std::string sql = select_licenses(version);
    if (!where.empty()) sql += " WHERE " + where;
    sql += " ORDER BY serial";
    Statement s(*db, sql);
    if (bind) bind(s);
    LedgerRows out;
    while (s.step()) {
      std::string why;
      if (auto e = parse_row(s, &why)) {
        out.entries.push_back(std::move(*e));
      } else if (strict) {
        const std::string appliance = s.text(kAppliance);
        throw_ledger_error(
            "ledger " + path + ": " + why + "; " +
            (appliance.empty() ? std::string("it") : "appliance " + appliance) +
            " cannot be judged until the row is repaired (docs/back-office.md, \"A corrupt row\")");
      } else {
        out.corrupt.push_back({s.integer(kSerial), s.text(kAppliance), why});
      }
    }
    return out;
  }

  LedgerRows select(const std::optional<std::string>& appliance, bool strict) const {
    if (!appliance) return select("", {}, strict);
    return select(
        "appliance = ?1", [&](Statement& s) { s.bind(1, std::string_view(*appliance)); }, strict);
  }

  // The standby licenses naming `primary` (none before schema version 3, which has no such column).
  std::vector<LedgerEntry> select_standbys(const std::string& primary) const {
    if (version < 3) return {};
    return select(
               "kind = 'standby' AND primary_appliance = ?1",
               [&](Statement& s) { s.bind(1, std::string_view(primary)); }, true)
        .entries;
  }

  std::optional<LedgerEntry> select_one(std::int64_t serial) const {
    auto rows = select(
        "serial = ?1", [&](Statement& s) { s.bind(1, serial); }, true);
    if (rows.entries.empty()) return std::nullopt;
    return std::move(rows.entries.front());
  }

  std::vector<LedgerEvent> select_events(const std::optional<std::int64_t>& serial) const {
    if (version < 3) return {};
    Statement s(*db,
                std::string(kSelectEvents) + (serial ? " WHERE serial = ?1" : "") + " ORDER BY chain_seq");
    if (serial) s.bind(1, *serial);
    std::vector<LedgerEvent> out;
    while (s.step()) {
      std::string why;
      auto e = parse_event(s, &why);
      if (!e) throw_ledger_error("ledger " + path + ": " + why);
      out.push_back(std::move(*e));
    }
    return out;
  }

  ChainHead read_head() const {
    require_chain();
    ChainHead head;
    for (const char* sql : {"SELECT chain_seq, chain_hash FROM licenses ORDER BY chain_seq DESC LIMIT 1",
                            "SELECT chain_seq, chain_hash FROM events ORDER BY chain_seq DESC LIMIT 1"}) {
      Statement s(*db, sql);
      if (!s.step() || s.integer(0) <= head.seq) continue;
      const auto hash = as_chain_hash(s.bytes(1));
      if (!hash) {
        throw_ledger_error("ledger " + path + ": the chain's newest link (position " +
                           std::to_string(s.integer(0)) +
                           ") has no 32-byte hash: run seatkey-keygen ledger verify");
      }
      head = {s.integer(0), *hash};
    }
    return head;
  }

  // Inserts `values` (canonical order of `columns`) as the next link after *head.
  void insert_link(std::string_view table, ChainLinkType type, const std::string_view* columns,
                   const ChainValues& values, ChainHead* head) {
    const std::string sql = insert_sql(table, columns, values.size());
    std::unique_ptr<Statement>& cached = inserts[sql];
    if (!cached) cached = std::make_unique<Statement>(*db, sql);
    const ChainHash hash = next_chain_hash(head->hash, canonical_bytes(type, values));
    Statement& s = *cached;
    s.reset();
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (!values[i]) {
        s.bind_null(index);
      } else if (is_integer_column(columns[i])) {
        s.bind(index, static_cast<std::int64_t>(std::stoll(*values[i])));
      } else {
        s.bind(index, std::string_view(*values[i]));
      }
    }
    s.bind_blob(static_cast<int>(values.size()) + 1, hash.data(), hash.size());
    s.step();
    head->seq += 1;
    head->hash = hash;
  }

  // Every link in chain order (licenses and events merged by chain_seq), in the caller's
  // transaction, until `visit` returns false.
  void visit_chain(const std::function<bool(const ChainLink&)>& visit) const {
    Statement licenses(*db, select_licenses(version) + " ORDER BY chain_seq");
    Statement events(*db, std::string(kSelectEvents) + " ORDER BY chain_seq");
    bool more_licenses = licenses.step(), more_events = events.step();
    while (more_licenses || more_events) {
      const bool take_license =
          more_licenses && (!more_events || licenses.integer(kChainSeq) <= events.integer(kEvChainSeq));
      Statement& s = take_license ? licenses : events;
      ChainLink link;
      link.type = take_license ? ChainLinkType::license : ChainLinkType::event;
      link.seq = s.integer(take_license ? static_cast<int>(kChainSeq) : static_cast<int>(kEvChainSeq));
      link.stored = as_chain_hash(
          s.bytes(take_license ? static_cast<int>(kChainHash) : static_cast<int>(kEvChainHash)));
      const std::size_t n = take_license ? std::size(kLicenseColumns) : std::size(kEventColumns);
      for (std::size_t i = 0; i < n; ++i) link.values.push_back(s.optional_text(static_cast<int>(i)));
      if (take_license && !s.is_null(kWrittenBy)) link.values.push_back(s.optional_text(kWrittenBy));
      if (take_license) {
        link.entry = parse_row(s, &link.corrupt);
        more_licenses = licenses.step();
      } else {
        link.event = parse_event(s, &link.corrupt);
        more_events = events.step();
      }
      if (!visit(link)) break;
    }
  }

  // Copies everything `from` holds (in its read transaction) into this new, empty ledger (in
  // its schema transaction): signing keys and API tokens in the order they were added, every
  // link of the chain, the stored answers and the serial counter. Each link's hash is computed
  // again over its columns as it is written here and must be the one stored in `from`: the
  // copy's chain is the source's, link for link, or nothing is copied.
  ChainHead copy_from(const Impl& from) {
    const std::string order = " ORDER BY " + std::string(from.db->insertion_order());
    {
      Statement read(*from.db, "SELECT key_id, public_key, added_at, origin FROM signing_keys" + order);
      Statement write(
          *db, "INSERT INTO signing_keys (key_id, public_key, added_at, origin) VALUES (?1, ?2, ?3, ?4)");
      while (read.step()) {
        write.reset();
        for (int i = 0; i < 4; ++i) write.bind(i + 1, read.optional_text(i));
        write.step();
      }
    }
    {
      Statement read(
          *from.db,
          "SELECT name, role, lookup_id, token_hash, created_at, revoked_at FROM api_tokens" + order);
      Statement write(*db,
                      "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at, revoked_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      while (read.step()) {
        write.reset();
        for (int i : {0, 1, 2, 4, 5}) write.bind(i + 1, read.optional_text(i));
        const std::string hash = read.bytes(3);
        write.bind_blob(4, hash.data(), hash.size());
        write.step();
      }
    }
    ChainHead head;
    from.visit_chain([&](const ChainLink& link) {
      const auto broken = [&](const std::string& why) {
        throw_ledger_error("ledger " + from.path + " does not verify at position " +
                           std::to_string(link.seq) + ": " + why +
                           "; nothing was copied (seatkey-keygen ledger verify --ledger " + from.path +
                           " names what is wrong)");
      };
      if (link.seq != head.seq + 1) broken("the link after position " + std::to_string(head.seq));
      if (!link.corrupt.empty()) broken(link.corrupt);
      if (!link.stored || next_chain_hash(head.hash, canonical_bytes(link.type, link.values)) != *link.stored)
        broken("its hash is not the one of its columns");
      if (link.type == ChainLinkType::license) {
        insert_link("licenses", link.type, kLicenseColumnsWrittenBy.data(), link.values, &head);
      } else {
        insert_link("events", link.type, kEventColumns.data(), link.values, &head);
      }
      return true;
    });
    {
      Statement read(*from.db,
                     "SELECT token_name, idempotency_key, request_hash, status, response, created_at "
                     "FROM idempotent_requests ORDER BY created_at, token_name, idempotency_key");
      Statement write(*db,
                      "INSERT INTO idempotent_requests (token_name, idempotency_key, request_hash, status, "
                      "response, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      while (read.step()) {
        write.reset();
        for (int i : {0, 1, 4, 5}) write.bind(i + 1, read.optional_text(i));
        const std::string hash = read.bytes(2);
        write.bind_blob(3, hash.data(), hash.size());
        write.bind(4, read.integer(3));
        write.step();
      }
    }
    db->keep_serials_above(from.db->next_serial() - 1);
    return head;
  }

  std::vector<SigningKey> keys() const {
    // A version 1 ledger (read as it is) has the keys its rows were signed with, as its
    // migration will register them.
    Statement s(*db, version >= 2
                         ? "SELECT key_id, public_key, added_at, origin FROM signing_keys ORDER BY " +
                               std::string(db->insertion_order())
                         : "SELECT key_id, NULL, MIN(issued_at), 'migrated' FROM licenses GROUP BY key_id "
                           "ORDER BY MIN(serial)");
    std::vector<SigningKey> out;
    while (s.step()) out.push_back({s.text(0), s.optional_text(1), s.text(2), s.text(3)});
    return out;
  }

  // The signing key registered as `key_id`, if any; *public_key_known tells whether its public
  // key is recorded.
  bool has_key(const std::string& key_id, bool* public_key_known = nullptr) const {
    Statement s(*db, "SELECT public_key IS NOT NULL FROM signing_keys WHERE key_id = ?1");
    s.bind(1, std::string_view(key_id));
    if (!s.step()) return false;
    if (public_key_known != nullptr) *public_key_known = s.integer(0) != 0;
    return true;
  }

  void insert_key(const PublicKey& key, const char* origin) {
    Statement s(*db,
                "INSERT INTO signing_keys (key_id, public_key, added_at, origin) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, std::string_view(key.id()));
    s.bind(2, std::string_view(key.to_paserk()));
    s.bind(3, std::string_view(format_rfc3339(unix_now())));
    s.bind(4, std::string_view(origin));
    s.step();
  }
};

std::string ledger_name(std::string_view location) {
  if (detail::is_postgresql_url(location)) return detail::url_without_password(location);
  return std::string(location);
}

bool is_ledger_url(std::string_view location) {
  return detail::is_postgresql_url(location);
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

namespace {

// The ledger and the -wal and -shm files SQLite keeps next to it.
std::vector<std::string> ledger_files(const std::string& path) {
  return {path, path + "-wal", path + "-shm"};
}

// SQLite opens a file it may not write read-only and fails only at the first write with
// "unable to open database file": say what is wrong before anything is signed. The folder
// must be writable too, for the -wal and -shm files. A ledger that group or others may write
// is never written (anyone of them could rewrite what was sold); one they may read is a
// warning (it holds every customer, order and token).
void check_access(const std::string& path, Ledger::Access access, std::vector<std::string>* warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    throw_input_error("cannot open ledger " + path + ": " + std::strerror(err) +
                      (err == ENOENT ? " (" + how_to_create(path) + "; issue never does)" : std::string()));
  }
  if (!S_ISREG(st.st_mode)) throw_input_error("ledger " + path + " is not a regular file");
  std::string writable, readable, files;
  for (const std::string& file : ledger_files(path)) {
    struct stat fs {};
    if (::stat(file.c_str(), &fs) != 0) continue;
    const std::string entry = file + " (mode " + detail::octal_mode(fs.st_mode) + ")";
    if ((fs.st_mode & 022) != 0) writable += (writable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 044) != 0) readable += (readable.empty() ? "" : ", ") + entry;
    if ((fs.st_mode & 066) != 0) files += " " + file;
  }
  const std::string chmod = "run: chmod 600" + files;
  if (!writable.empty()) {
    if (access == Ledger::Access::read_write) {
      throw_input_error("group or others may write the ledger: " + writable +
                        "; seatkey-keygen writes only a ledger its owner alone may write (" + chmod + ")");
    }
    warnings->push_back("group or others may write the ledger: " + writable + " (" + chmod + ")");
  } else if (!readable.empty()) {
    warnings->push_back("group or others may read the ledger, which holds every customer, order and token: " +
                        readable + " (" + chmod + ")");
  }
  if (access == Ledger::Access::read_only) return;
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(path.c_str(), W_OK) != 0) {
    throw_input_error("cannot write ledger " + path + ": " + std::strerror(errno));
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw_input_error("cannot write ledger " + path + ": its folder " + folder + ": " + std::strerror(errno) +
                      " (SQLite keeps the -wal and -shm files there)");
  }
}

}  // namespace

void Ledger::Impl::migrate(const std::function<void()>& also) {
  // Under the write lock, re-read: another issuer may have migrated it meanwhile.
  db->begin_schema_change("cannot lock the ledger to update its schema");
  const int before = version;
  try {
    version = db->read_version();
    if (version > kLatestVersion) throw_input_error(path + " was changed to a newer schema meanwhile");
    const int found = version;
    // A new ledger (`also` fills it) is made only where there was none: another `ledger init`
    // of the same database may have made one while this waited for the lock.
    if (also && found != 0) throw_input_error(already_a_ledger(path));
    if (version == 0)
      db->exec("CREATE TABLE schema_version (version INTEGER NOT NULL)", "cannot create the schema");
    for (const detail::Migration& m : db->migrations()) {
      if (m.version <= version) continue;
      db->exec(m.statements, "cannot bring the schema to version " + std::to_string(m.version));
      if (m.then != nullptr) m.then(*db);
      Statement s(*db, "INSERT INTO schema_version (version) VALUES (?1)");
      s.bind(1, static_cast<std::int64_t>(m.version));
      s.step();
      version = m.version;
    }
    if (version != kLatestVersion) {
      throw_ledger_error("ledger " + path + ": the schema steps end at version " + std::to_string(version) +
                         ", not " + std::to_string(kLatestVersion));
    }
    if (also) also();
    db->commit("cannot commit the schema");
    if (found > 0 && found < version) migrated_from = found;
  } catch (...) {
    db->rollback();
    db->end_schema_change();
    version = before;
    throw;
  }
  db->end_schema_change();
}

namespace {

// What a ledger location names: a PostgreSQL database (a postgresql:// URL) or a SQLite file,
// which must be one its owner alone may write (check_access) before anything opens it.
std::unique_ptr<detail::Database> connect(const std::string& location, Ledger::Access access,
                                          std::vector<std::string>* warnings) {
  const bool read_only = access == Ledger::Access::read_only;
  if (detail::is_postgresql_url(location)) return detail::connect_postgresql(location, read_only);
  check_access(location, access, warnings);
  return std::make_unique<detail::SqliteDatabase>(location, read_only);
}

void set_pragmas(detail::Database& db, Ledger::Access access) {
  if (db.is_postgresql()) return;
  static_cast<detail::SqliteDatabase&>(db).set_pragmas(access == Ledger::Access::read_only);
}

}  // namespace

Ledger Ledger::open(const std::string& location, Access access) {
  auto impl = std::make_unique<Impl>();
  impl->opened_for = access;
  impl->db = connect(location, access, &impl->warnings);
  impl->path = impl->db->name();
  const std::string& path = impl->path;
  // The version first: nothing (not even WAL mode) is written to a file that is no ledger.
  impl->version = impl->db->read_version();
  if (impl->version == 0) {
    throw_input_error(path + " is not a seatkey ledger (an empty database; " + how_to_create(path) + ")");
  }
  if (impl->version > kLatestVersion) {
    throw_input_error("ledger " + path + " has schema version " + std::to_string(impl->version) +
                      ", newer than this seatkey-keygen understands (" + std::to_string(kLatestVersion) +
                      "): use a newer seatkey-keygen");
  }
  set_pragmas(*impl->db, access);
  // A read must not write: a read-only open reads an older schema as it is (select_licenses()
  // reads the columns it lacks as NULL; Impl::keys() knows where each keeps its keys).
  if (access == Access::read_write && impl->version < kLatestVersion) impl->migrate();
  return Ledger(std::move(impl));
}

namespace {

// Makes the file of a new SQLite ledger, exclusively and 0600 whatever the umask (SQLite gives
// the -wal and -shm files it creates the ledger's mode), never over an existing file.
void create_ledger_file(const std::string& path) {
  struct stat st {};
  const auto exists = [&] {
    // Also reached by ledger copy, so the message names no command.
    throw_input_error(path + " already exists: a new ledger is never made over an existing file");
  };
  if (::lstat(path.c_str(), &st) == 0) exists();
  // SQLite would replay a -wal left by an earlier ledger at this path into the new one.
  for (const std::string& file : {path + "-wal", path + "-shm"}) {
    if (::lstat(file.c_str(), &st) == 0) {
      throw_input_error(file +
                        " exists, left by an earlier ledger at this path: move it away first (a new "
                        "ledger must not start from another's write-ahead log)");
    }
  }
  if (const int err = create_private_file(path); err != 0) {
    if (err == EEXIST) exists();
    throw_input_error("cannot create ledger " + path + ": " + std::strerror(err));
  }
}

}  // namespace

std::unique_ptr<Ledger::Impl> Ledger::Impl::create(const std::string& location,
                                                   const std::function<void(Impl&)>& fill) {
  auto impl = std::make_unique<Impl>();
  impl->opened_for = Access::read_write;
  if (detail::is_postgresql_url(location)) {
    // The database exists (its administrator made it); the ledger is its tables, all made in
    // one transaction with what `fill` writes, so a failure leaves the database as it was.
    impl->db = detail::connect_postgresql(location, false);
    impl->path = impl->db->name();
    if (impl->db->read_version() != 0) throw_input_error(already_a_ledger(impl->path));
    impl->migrate([&] { fill(*impl); });
    return impl;
  }
  create_ledger_file(location);
  try {
    check_access(location, Access::read_write, &impl->warnings);
    impl->db = std::make_unique<detail::SqliteDatabase>(location, false);
    impl->path = impl->db->name();
    set_pragmas(*impl->db, Access::read_write);
    impl->migrate([&] { fill(*impl); });
  } catch (...) {
    impl.reset();  // closes the database before its files go
    for (const std::string& file : ledger_files(location)) ::unlink(file.c_str());
    throw;
  }
  return impl;
}

Ledger Ledger::create(const std::string& location, const PublicKey& key, DevelopmentKey development) {
  refuse_development_key(key, development);
  return Ledger(Impl::create(location, [&](Impl& impl) { impl.insert_key(key, "init"); }));
}

Ledger::KeyAdded Ledger::add_signing_key(const PublicKey& key, DevelopmentKey development) {
  refuse_development_key(key, development);
  Impl& impl = *impl_;
  return impl.in_write_transaction("add a signing key", [&] {
    bool public_key_known = false;
    if (!impl.has_key(key.id(), &public_key_known)) {
      impl.insert_key(key, "add-key");
      return KeyAdded::added;
    }
    if (public_key_known) return KeyAdded::already_known;
    Statement s(*impl.db, "UPDATE signing_keys SET public_key = ?2 WHERE key_id = ?1");
    s.bind(1, std::string_view(key.id()));
    s.bind(2, std::string_view(key.to_paserk()));
    s.step();
    return KeyAdded::public_key_recorded;
  });
}

std::vector<SigningKey> Ledger::signing_keys() const {
  return impl_->keys();
}

bool Ledger::is_development() const {
  for (const SigningKey& k : signing_keys()) {
    if (k.development()) return true;
  }
  return false;
}

const std::vector<std::string>& Ledger::warnings() const {
  return impl_->warnings;
}

const std::string& Ledger::path() const {
  return impl_->path;
}

int Ledger::schema_version() const {
  return impl_->version;
}

int Ledger::migrated_from() const {
  return impl_->migrated_from;
}

std::vector<LedgerEntry> Ledger::entries() const {
  return impl_->select(std::nullopt, true).entries;
}

std::vector<LedgerEntry> Ledger::entries_for(const std::string& appliance) const {
  return impl_->select(appliance, true).entries;
}

std::vector<LedgerEntry> Ledger::standbys_of(const std::string& primary) const {
  return impl_->select_standbys(primary);
}

LedgerRows Ledger::rows(const std::optional<std::string>& appliance) const {
  return impl_->select(appliance, false);
}

namespace {

ApiToken token_of(const Statement& s) {
  ApiToken t;
  t.name = s.text(0);
  // The CHECK constraint keeps the role one of the names.
  t.role = parse_role(s.text(1)).value_or(Role::auditor);
  t.created_at = s.text(2);
  t.revoked_at = s.optional_text(3);
  return t;
}

}  // namespace

SecureBuffer Ledger::create_api_token(const std::string& name, Role role) {
  const std::string checked = check_token_name(name);
  Impl& impl = *impl_;
  NewBearer bearer = make_bearer();
  impl.in_write_transaction("create an API token", [&] {
    {
      Statement s(*impl.db, "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?1");
      s.bind(1, std::string_view(checked));
      if (s.step()) {
        throw_refusal("ledger " + impl.path + " already has " +
                      (s.integer(0) != 0 ? std::string("a revoked") : std::string("an")) +
                      " API token named " + detail::quoted(checked) +
                      ": rows name the token that wrote them, so a name is never given to a second token");
      }
    }
    Statement s(
        *impl.db,
        "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, std::string_view(checked));
    s.bind(2, role_name(role));
    s.bind(3, std::string_view(bearer.lookup_id));
    s.bind_blob(4, bearer.hash.data(), bearer.hash.size());
    s.bind(5, std::string_view(format_rfc3339(unix_now())));
    s.step();
    return true;
  });
  return std::move(bearer.text);
}

std::vector<ApiToken> Ledger::api_tokens() const {
  std::vector<ApiToken> out;
  if (impl_->version < kWrittenByVersion) return out;  // read as it is: a ledger from before tokens
  Statement s(*impl_->db, "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY " +
                              std::string(impl_->db->insertion_order()));
  while (s.step()) out.push_back(token_of(s));
  return out;
}

ApiToken Ledger::revoke_api_token(const std::string& name) {
  Impl& impl = *impl_;
  return impl.in_write_transaction("revoke an API token", [&] {
    ApiToken token;
    {
      Statement s(*impl.db, "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE name = ?1");
      s.bind(1, std::string_view(name));
      if (!s.step()) throw_refusal("ledger " + impl.path + " has no API token named " + detail::quoted(name));
      token = token_of(s);
    }
    if (token.revoked_at) {
      throw_refusal("the API token " + detail::quoted(name) + " was revoked already, at " +
                    *token.revoked_at);
    }
    token.revoked_at = format_rfc3339(unix_now());
    Statement s(*impl.db, "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1");
    s.bind(1, std::string_view(name));
    s.bind(2, std::string_view(*token.revoked_at));
    s.step();
    return token;
  });
}

std::optional<ApiToken> Ledger::authenticate(std::string_view bearer) const {
  const auto id = bearer_lookup_id(bearer);
  if (!id || impl_->version < kWrittenByVersion) return std::nullopt;
  Statement s(*impl_->db,
              "SELECT name, role, created_at, revoked_at, token_hash FROM api_tokens WHERE lookup_id = ?1");
  s.bind(1, std::string_view(*id));
  if (!s.step()) return std::nullopt;
  if (!bearer_matches(bearer, s.bytes(4))) return std::nullopt;
  ApiToken token = token_of(s);
  if (token.revoked_at) return std::nullopt;
  return token;
}

std::size_t Ledger::count() const {
  Statement s(*impl_->db, "SELECT COUNT(*) FROM licenses");
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

std::optional<LedgerEntry> Ledger::entry(std::int64_t serial) const {
  return impl_->select_one(serial);
}

std::vector<LedgerEvent> Ledger::events(const std::optional<std::int64_t>& serial) const {
  impl_->require_chain();
  return impl_->select_events(serial);
}

ChainHead Ledger::head() const {
  return impl_->read_head();
}

void Ledger::read_chain(const std::function<bool(const ChainLink&)>& visit) const {
  Impl& impl = *impl_;
  impl.require_chain();
  // One read transaction: both tables from the same snapshot while issuers keep writing.
  impl.db->begin_read("cannot read the ledger");
  try {
    impl.visit_chain(visit);
    impl.db->commit("cannot end the read of the ledger");
  } catch (...) {
    impl.db->rollback();
    throw;
  }
}

namespace {

// Makes the file a backup goes into, exclusively and 0600 whatever the umask, like a ledger:
// the copy holds every customer and token.
void create_backup_file(const std::string& path) {
  if (const int err = create_private_file(path); err != 0) {
    throw_input_error("cannot create the backup " + path + ": " + std::strerror(err) +
                      (err == EEXIST ? " (a backup never replaces a file)" : ""));
  }
}

}  // namespace

void Ledger::backup(const std::string& path) const {
  const Impl& impl = *impl_;
  if (impl.db->is_postgresql()) {
    // A PostgreSQL ledger is backed up into a SQLite ledger: the same rows, keys and tokens
    // read in one snapshot, its chain checked link by link as it is written (copy_to). The
    // file is a ledger of its own, and `ledger copy` brings it back into a database.
    if (detail::is_postgresql_url(path)) {
      throw_input_error(
          "ledger backup writes a file: to copy into a database, use seatkey-keygen ledger copy");
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      throw_input_error("cannot create the backup " + path +
                        ": File exists (a backup never replaces a file)");
    }
    copy_to(path);
    return;
  }
  create_backup_file(path);
  static_cast<const detail::SqliteDatabase&>(*impl.db).backup_into(path);
}

ChainHead Ledger::copy_to(const std::string& destination) const {
  Impl& source = *impl_;
  source.require_chain();
  if (source.version < kLatestVersion) {
    throw_input_error("ledger " + source.path + " has schema version " + std::to_string(source.version) +
                      ": seatkey-keygen ledger migrate --ledger " + source.path + " brings it to version " +
                      std::to_string(kLatestVersion) + " before it is copied");
  }
  ChainHead copied;
  // The source is read in one snapshot while its issuers keep writing; the destination is
  // made and filled in one transaction, so a failure leaves no destination behind.
  source.db->begin_read("cannot read the ledger");
  try {
    Impl::create(destination, [&](Impl& target) { copied = target.copy_from(source); });
    source.db->commit("cannot end the read of the ledger");
  } catch (...) {
    source.db->rollback();
    throw;
  }
  return copied;
}

Ledger::Transaction Ledger::begin() {
  impl_->db->begin_write("cannot lock the ledger for issuing");
  return Transaction(this);
}

Ledger::Transaction::Transaction(Transaction&& other) noexcept : ledger_(other.ledger_), open_(other.open_) {
  other.open_ = false;
}

Ledger::Transaction::~Transaction() {
  if (open_) ledger_->impl_->db->rollback();
}

std::int64_t Ledger::Transaction::next_serial() {
  return ledger_->impl_->db->next_serial();
}

std::vector<LedgerEntry> Ledger::Transaction::entries_for(const std::string& appliance) {
  return ledger_->impl_->select(appliance, true).entries;
}

std::vector<LedgerEntry> Ledger::Transaction::standbys_of(const std::string& primary) {
  return ledger_->impl_->select_standbys(primary);
}

std::optional<LedgerEntry> Ledger::Transaction::entry(std::int64_t serial) {
  return ledger_->impl_->select_one(serial);
}

std::vector<std::int64_t> Ledger::Transaction::voided_serials() {
  Impl& impl = *ledger_->impl_;
  Statement s(*impl.db, "SELECT serial FROM events ORDER BY serial");
  std::vector<std::int64_t> out;
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

std::optional<LedgerEntry> Ledger::Transaction::newest_revocation_list() {
  auto rows = ledger_->impl_->select(
      "serial = (SELECT serial FROM licenses WHERE kind = 'revocation' ORDER BY revocation_seq DESC LIMIT 1)",
      {}, true);
  if (rows.entries.empty()) return std::nullopt;
  return std::move(rows.entries.front());
}

ChainHead& Ledger::Transaction::head() {
  if (!head_) head_ = ledger_->impl_->read_head();
  return *head_;
}

bool Ledger::Transaction::knows_key(const std::string& key_id) {
  return ledger_->impl_->has_key(key_id);
}

void Ledger::Transaction::insert(const LedgerEntry& e) {
  Impl& impl = *ledger_->impl_;
  ChainHead& h = head();
  const ChainValues values = license_values(e, h.seq + 1);
  impl.insert_link("licenses", ChainLinkType::license, kLicenseColumnsWrittenBy.data(), values, &h);
}

void Ledger::Transaction::insert_event(const LedgerEvent& e) {
  Impl& impl = *ledger_->impl_;
  ChainHead& h = head();
  impl.insert_link("events", ChainLinkType::event, kEventColumns.data(), event_values(e, h.seq + 1), &h);
}

std::optional<StoredAnswer> Ledger::Transaction::find_answer(const std::string& token_name,
                                                             const std::string& key) {
  Impl& impl = *ledger_->impl_;
  Statement s(*impl.db,
              "SELECT request_hash, status, response FROM idempotent_requests "
              "WHERE token_name = ?1 AND idempotency_key = ?2");
  s.bind(1, std::string_view(token_name));
  s.bind(2, std::string_view(key));
  if (!s.step()) return std::nullopt;
  return StoredAnswer{s.bytes(0), static_cast<int>(s.integer(1)), s.text(2)};
}

void Ledger::Transaction::record_answer(const std::string& token_name, const std::string& key,
                                        const StoredAnswer& answer) {
  Impl& impl = *ledger_->impl_;
  Statement s(*impl.db,
              "INSERT INTO idempotent_requests (token_name, idempotency_key, request_hash, status, response, "
              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, std::string_view(token_name));
  s.bind(2, std::string_view(key));
  s.bind_blob(3, answer.request_hash.data(), answer.request_hash.size());
  s.bind(4, static_cast<std::int64_t>(answer.status));
  s.bind(5, std::string_view(answer.body));
  s.bind(6, std::string_view(format_rfc3339(unix_now())));
  s.step();
}

void Ledger::Transaction::commit() {
  ledger_->impl_->db->commit("cannot commit");
  open_ = false;
}

}  // namespace seatkey::keygen
