#include "keygen_test_support.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "test_support.hpp"

namespace seatkey::test {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/seatkey-keygen-test.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

SecretKey development_key() {
  const std::string text = read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret");
  const auto start = text.find("k4.secret.");
  const auto end = text.find('\n', start);
  auto key = SecretKey::from_paserk(text.substr(start, end - start));
  if (!key) throw std::runtime_error("development key: " + key.error().message);
  return std::move(*key);
}

namespace {
struct Db {
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~Db() { sqlite3_close_v2(db); }
  sqlite3* db = nullptr;
};
}  // namespace

std::string ledger_snapshot(const std::string& path) {
  std::string out =
      ledger_snapshot(path,
                      "SELECT serial, kind, appliance, users, token FROM licenses ORDER BY serial;"
                      "SELECT name, seq FROM sqlite_sequence;"
                      "SELECT version FROM schema_version;");
  // The events, on a ledger that has them.
  if (ledger_snapshot(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events'") == "1|\n") {
    out += ledger_snapshot(path, "SELECT chain_seq, type, serial, reason FROM events ORDER BY chain_seq");
  }
  return out;
}

std::string ledger_snapshot(const std::string& path, const std::string& sql) {
  Db db(path);
  std::string out;
  const auto collect = [](void* arg, int n, char** values, char**) {
    auto* s = static_cast<std::string*>(arg);
    for (int i = 0; i < n; ++i) *s += std::string(values[i] != nullptr ? values[i] : "NULL") + "|";
    *s += "\n";
    return 0;
  };
  if (sqlite3_exec(db.db, sql.c_str(), collect, &out, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("snapshot: ") + sqlite3_errmsg(db.db));
  }
  return out;
}

void raw_sql(const std::string& path, const std::string& sql) {
  Db db(path);
  if (sqlite3_exec(db.db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("raw_sql: ") + sqlite3_errmsg(db.db));
  }
}

void write_text(const std::string& path, const std::string& text, unsigned mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

unsigned file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

keygen::LedgerEntry server_entry(std::int64_t serial, Edition edition, UnixTime issued_at,
                                 std::optional<UnixTime> expires) {
  keygen::LedgerEntry e;
  e.serial = serial;
  e.kind = LicenseKind::server;
  e.appliance = kAppliance;
  e.edition = edition;
  e.users = rules_of(edition).included_users;
  e.issued_at = issued_at;
  e.expires = expires;
  e.issuer = "seatkey";
  e.key_id = "k4.pid.test";
  e.token = "v4.public.server" + std::to_string(serial);
  return e;
}

keygen::LedgerEntry pack_entry(std::int64_t serial, int users, UnixTime issued_at,
                               std::optional<UnixTime> expires) {
  keygen::LedgerEntry e;
  e.serial = serial;
  e.kind = LicenseKind::users;
  e.appliance = kAppliance;
  e.users = users;
  e.issued_at = issued_at;
  e.expires = expires;
  e.issuer = "seatkey";
  e.key_id = "k4.pid.test";
  e.token = "v4.public.pack" + std::to_string(serial);
  return e;
}

}  // namespace seatkey::test
