// The ledger's two databases side by side (docs/performance.md, "SQLite and PostgreSQL"): the
// same keygen::issue the CLI and seatkey-server run, into a SQLite ledger and into a PostgreSQL
// ledger on the same machine (Unix socket), each measured against the other in the same run:
//
//   latency one 5-user pack per issue, one issuer per database, the two alternating (pairs:
//           both see the same disk and load; the order reversed every other round): p50 and
//           p99 of each, and each one's single-issuer rate;
//   load    ISSUERS threads, each with its own Ledger connection, issuing TOTAL packs in all
//           into one ledger, first SQLite then PostgreSQL: issues per second, errors, distinct
//           serials; afterwards the ledger holds exactly the rows written and its hash chain
//           verifies (audit_ledger: every link, every signature).
//
// Targets (ratios within the run, never absolute times): PostgreSQL's p50 <= 3x SQLite's;
// PostgreSQL's ISSUERS-thread rate >= 0.6x its own single-issuer rate (writers queue on the
// advisory lock, so contention gains little, but it must not collapse; the load is not paired
// with the single issuer, so a shared disk's swings between the two phases need the margin).
// Exit status 0
// when the targets hold and everything was correct, 1 when a target does not hold, 2 when an
// issue failed, serials repeat or the chain does not verify (or on a usage error).
// SEATKEY_LEDGER_TARGETS=off: a target missed is reported, exit 0 (CTest's short variant, on
// the tests' cluster without fsync and beside other tests, checks the serials and the chain).
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/ledger/audit.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using seatkey::keygen::Ledger;

struct Options {
  std::string key;       // the ledgers' signing key, unencrypted (k4.secret)
  std::string sqlite;    // a SQLite ledger's path
  std::string postgres;  // a PostgreSQL ledger's URL
  int appliances = 100;  // each with a server license already (ledger_bench.sh issues them)
  int rounds = 200;      // latency pairs
  int issuers = 8;
  int total = 800;
  double max_latency_ratio = 3.0;
  double min_load_ratio = 0.6;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "seatkey-bench-ledger: " << why
            << "\nusage: seatkey-bench-ledger --key FILE --sqlite DB --postgres URL [--appliances 100]\n"
               "         [--rounds 200] [--issuers 8] [--total 800]\n";
  std::exit(2);
}

std::string appliance(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "F0%010X", static_cast<unsigned>(i));
  return id;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// The value of a Result, or its error thrown: a benchmark stops at the first failure.
template <class T>
T got(seatkey::keygen::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

// No passphrase: the benchmarks need unencrypted keys (k4.secret).
seatkey::keygen::Result<seatkey::SecureBuffer> no_passphrase() {
  return seatkey::keygen::Error(seatkey::keygen::Code::bad_input,
                                "the benchmark needs an unencrypted key (k4.secret)");
}

// One 5-user pack for appliance i (round robin): the serial it got.
std::int64_t issue_pack(Ledger& ledger, const seatkey::SecretKey& key, int i, int appliances) {
  seatkey::keygen::PackOrder p;
  p.appliance = appliance(i % appliances);
  p.users = 5;
  const auto result = got(seatkey::keygen::issue(ledger, key, {p}));
  if (result.orders.size() != 1 || result.orders[0].entries.size() != 1)
    throw std::runtime_error("an issue did not return one license");
  return result.orders[0].entries[0].serial;
}

struct Latency {
  std::vector<double> each;
  double p50() const { return percentile(each, 0.5); }
  double p99() const { return percentile(each, 0.99); }
  double rate() const {
    double sum = 0;
    for (double t : each) sum += t;
    return 1000.0 * static_cast<double>(each.size()) / sum;
  }
};

struct Load {
  double seconds = 0;
  std::vector<std::int64_t> serials;
  std::vector<std::string> errors;
  double rate() const { return static_cast<double>(serials.size()) / seconds; }
};

// ISSUERS threads, each opening its own connection before the clock starts (all released at
// once), taking the next pack number until TOTAL are issued.
Load load(const Options& o, const std::string& location, const seatkey::SecretKey& key) {
  Load out;
  std::mutex mutex;
  std::condition_variable cv;
  int ready = 0;
  bool go = false;
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  Clock::time_point start;
  for (int t = 0; t < o.issuers; ++t) {
    threads.emplace_back([&] {
      std::vector<std::int64_t> mine;
      std::vector<std::string> failed;
      try {
        Ledger ledger = got(Ledger::open(location, Ledger::Access::read_write));
        {
          std::unique_lock<std::mutex> lock(mutex);
          ++ready;
          cv.notify_all();
          cv.wait(lock, [&] { return go; });
        }
        for (int i; (i = next.fetch_add(1)) < o.total;) {
          try {
            mine.push_back(issue_pack(ledger, key, i, o.appliances));
          } catch (const std::exception& e) {
            failed.push_back(e.what());
          }
        }
      } catch (const std::exception& e) {
        failed.push_back(std::string("open: ") + e.what());
        std::unique_lock<std::mutex> lock(mutex);
        ++ready;
        cv.notify_all();
      }
      std::lock_guard<std::mutex> lock(mutex);
      out.serials.insert(out.serials.end(), mine.begin(), mine.end());
      out.errors.insert(out.errors.end(), failed.begin(), failed.end());
    });
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return ready == o.issuers; });
    start = Clock::now();
    go = true;
    cv.notify_all();
  }
  for (auto& t : threads) t.join();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

// After the load: the ledger holds `expected` rows and its chain verifies. An empty string
// when both hold, else why not.
std::string check_ledger(const std::string& location, std::size_t expected) {
  const Ledger ledger = got(Ledger::open(location, Ledger::Access::read_only));
  const std::size_t rows = got(ledger.licenses().count());
  if (rows != expected)
    return "the ledger holds " + std::to_string(rows) + " rows, expected " + std::to_string(expected);
  const auto v = got(seatkey::keygen::audit_ledger(ledger));
  if (!v.ok) return "the chain does not verify: " + v.problem;
  if (static_cast<std::size_t>(v.licenses) != expected)
    return "the chain has " + std::to_string(v.licenses) + " licenses, expected " + std::to_string(expected);
  return "";
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(a + " needs a value");
    const std::string v = argv[++i];
    const auto number = [&]() {
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 1000000) usage(a + " takes a number from 1 to 1000000, not " + v);
      return static_cast<int>(n);
    };
    if (a == "--key")
      o.key = v;
    else if (a == "--sqlite")
      o.sqlite = v;
    else if (a == "--postgres")
      o.postgres = v;
    else if (a == "--appliances")
      o.appliances = number();
    else if (a == "--rounds")
      o.rounds = number();
    else if (a == "--issuers")
      o.issuers = number();
    else if (a == "--total")
      o.total = number();
    else
      usage("unknown option " + a);
  }
  if (o.key.empty() || o.sqlite.empty() || o.postgres.empty())
    usage("--key, --sqlite and --postgres are needed");
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  if (sodium_init() < 0) return 2;
  const seatkey::SecretKey key = got(seatkey::keygen::load_key_file(o.key, no_passphrase));
  const std::size_t before = [&] {
    const std::size_t s = got(got(Ledger::open(o.sqlite, Ledger::Access::read_only)).licenses().count());
    const std::size_t p = got(got(Ledger::open(o.postgres, Ledger::Access::read_only)).licenses().count());
    if (s != p) throw std::runtime_error("the two ledgers do not start with the same rows");
    return s;
  }();

  Latency sqlite;
  Latency postgres;
  {
    Ledger s = got(Ledger::open(o.sqlite, Ledger::Access::read_write));
    Ledger p = got(Ledger::open(o.postgres, Ledger::Access::read_write));
    for (int i = 0; i < 10; ++i) {  // warm-up: page caches, the connection, the server's plans
      issue_pack(s, key, i, o.appliances);
      issue_pack(p, key, i, o.appliances);
    }
    for (int i = 0; i < o.rounds; ++i) {
      for (int half = 0; half < 2; ++half) {
        const bool sqlite_now = (half == 0) == (i % 2 == 0);
        const auto t = Clock::now();
        issue_pack(sqlite_now ? s : p, key, i, o.appliances);
        (sqlite_now ? sqlite : postgres).each.push_back(ms(Clock::now() - t));
      }
    }
  }

  const Load sqlite_load = load(o, o.sqlite, key);
  const Load postgres_load = load(o, o.postgres, key);

  const std::size_t expected =
      before + 10 + static_cast<std::size_t>(o.rounds) + static_cast<std::size_t>(o.total);
  bool correct = true;
  const auto report_load = [&](const char* name, const Load& l, const std::string& location) {
    const std::set<std::int64_t> distinct(l.serials.begin(), l.serials.end());
    const std::string ledger_problem = l.errors.empty() ? check_ledger(location, expected) : "";
    const bool ok = l.errors.empty() && static_cast<int>(l.serials.size()) == o.total &&
                    distinct.size() == l.serials.size() && ledger_problem.empty();
    correct = correct && ok;
    std::printf(
        "load %s: %d issuers, %d packs in %.2f s: %.1f issues/s; %zu errors, %zu distinct serials of %d; "
        "%s\n",
        name, o.issuers, o.total, l.seconds, l.rate(), l.errors.size(), distinct.size(), o.total,
        (ok ? "ledger " + std::to_string(expected) + " rows, chain verifies: PASS"
            : "FAIL: " + (l.errors.empty() ? ledger_problem : l.errors.front()))
            .c_str());
  };
  std::printf("latency: one 5-user pack per keygen::issue, %d pairs alternating SQLite and PostgreSQL:\n",
              o.rounds);
  std::printf("  sqlite   p50 %.2f ms, p99 %.2f ms, %.1f issues/s on one issuer\n", sqlite.p50(),
              sqlite.p99(), sqlite.rate());
  std::printf("  postgres p50 %.2f ms, p99 %.2f ms, %.1f issues/s on one issuer\n", postgres.p50(),
              postgres.p99(), postgres.rate());
  report_load("sqlite", sqlite_load, o.sqlite);
  report_load("postgres", postgres_load, o.postgres);

  const double latency_ratio = postgres.p50() / sqlite.p50();
  const double load_ratio = postgres_load.rate() / postgres.rate();
  const bool latency_ok = latency_ratio <= o.max_latency_ratio;
  const bool load_ok = load_ratio >= o.min_load_ratio;
  std::printf("target: postgres p50 / sqlite p50 = %.3fx <= %.2fx: %s\n", latency_ratio, o.max_latency_ratio,
              latency_ok ? "PASS" : "FAIL");
  std::printf("target: postgres %d-issuer rate / its one-issuer rate = %.3fx >= %.2fx: %s\n", o.issuers,
              load_ratio, o.min_load_ratio, load_ok ? "PASS" : "FAIL");
  std::printf(
      "  (sqlite %d-issuer rate / its one-issuer rate = %.3fx; postgres / sqlite %d-issuer rate = %.3fx)\n",
      o.issuers, sqlite_load.rate() / sqlite.rate(), o.issuers, postgres_load.rate() / sqlite_load.rate());
  if (!correct) return 2;
  const char* targets = std::getenv("SEATKEY_LEDGER_TARGETS");
  if (targets != nullptr && std::string(targets) == "off") return 0;
  return latency_ok && load_ok ? 0 : 1;
} catch (const std::exception& e) {
  std::printf("FAIL: %s\n", e.what());
  return 2;
}
