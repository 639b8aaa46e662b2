// The back office at two sizes (docs/performance.md, "A large ledger"): two ledgers made through
// the library (keygen::issue, batches of appliances each with a server license and five 5-user
// packs: six rows an appliance, signed and chained as the CLI does), and the same reads of
// each, the p50 of ROUNDS of each side by side with their ratio:
//
//   show      show_license() of a serial in the middle of the ledger
//   search    list_ledger() of a customer's part (one appliance's), limit 10
//   page      list_ledger(), limit 10, after a serial in the middle
//   report    make_report() from the last batch's issue time (up to 1,000 appliances)
//   appliance list_ledger() of one appliance (its state judged from its rows)
//   issue     issue() of one 5-user pack (the write every shop order makes)
//
// Targets (ratios within the run): each read of the large ledger within 1.5x of the
// small one's, the issue within 1.2x. Exit status 0 when they hold, 1 when one does not, 2 on a
// failure. SEATKEY_SCALE_TARGETS=off: a target missed is reported, exit 0 (CTest's short
// variant, beside other tests, checks only that every number comes out).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/keygen/queries.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace keygen = seatkey::keygen;

struct Options {
  std::string key;           // the ledgers' signing key, unencrypted (k4.secret)
  std::string small, large;  // where to make the two ledgers (new files or empty databases)
  int small_rows = 10000, large_rows = 100000;
  int rounds = 50;
  double max_read_ratio = 1.5, max_issue_ratio = 1.2;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "seatkey-bench-scale: " << why
            << "\nusage: seatkey-bench-scale --key FILE --small LEDGER --large LEDGER [--small-rows 10000]\n"
               "         [--large-rows 100000] [--rounds 50]\n";
  std::exit(2);
}

template <class T>
T got(keygen::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

keygen::Result<seatkey::SecureBuffer> no_passphrase() {
  return keygen::Error(keygen::Code::bad_input, "the benchmark needs an unencrypted key (k4.secret)");
}

std::string appliance(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "F0%010X", static_cast<unsigned>(i));
  return id;
}

std::string customer(int i) {
  return "Kunde " + std::to_string(i) + " GmbH";
}

constexpr int kRowsPerAppliance = 6;
constexpr seatkey::UnixTime kStart = 1767225600;  // 2026-01-01T00:00:00Z: an appliance a minute after

// A ledger of `rows` rows (rounded to whole appliances), issued in batches of 1,000 appliances.
keygen::Ledger make_ledger(const std::string& location, const seatkey::SecretKey& key, int rows) {
  keygen::Ledger ledger =
      got(keygen::Ledger::create(location, key.public_key(), keygen::Ledger::DevelopmentKey::allow));
  const int appliances = std::max(1, rows / kRowsPerAppliance);
  for (int first = 0; first < appliances; first += 1000) {
    std::vector<keygen::Order> orders;
    for (int i = first; i < std::min(appliances, first + 1000); ++i) {
      keygen::ServerOrder s;
      s.appliance = appliance(i);
      s.edition = seatkey::Edition::vm;
      s.customer = customer(i);
      s.order = "SO-" + std::to_string(i);
      keygen::PackOrder p;
      p.appliance = s.appliance;
      p.users = 5;
      p.count = 5;
      orders.emplace_back(s);
      orders.emplace_back(p);
    }
    keygen::IssueOptions o;
    o.now = kStart + 60 * first;
    (void)got(keygen::issue(ledger, key, orders, o));
  }
  return ledger;
}

double p50(const std::function<void()>& read, int rounds) {
  std::vector<double> ms;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    read();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

struct Read {
  const char* name;
  std::function<void(keygen::Ledger&, int appliances)> run;
};

std::vector<Read> reads(const seatkey::SecretKey& key) {
  const seatkey::UnixTime now = kStart + 86400 * 3650;
  const auto need_rows = [](const keygen::Listing& l) {
    if (l.rows.empty()) throw std::runtime_error("a read found nothing");
  };
  return {
      {"show",
       [=](keygen::Ledger& l, int a) {
         if (!got(keygen::show_license(l, 1 + a / 2 * kRowsPerAppliance, now)))
           throw std::runtime_error("no row");
       }},
      {"search",
       [=](keygen::Ledger& l, int a) {
         keygen::LedgerFilter f;
         f.customer = "kunde " + std::to_string(a / 2) + " gmbh";
         f.limit = 10;
         need_rows(got(keygen::list_ledger(l, f, now)));
       }},
      {"page",
       [=](keygen::Ledger& l, int a) {
         keygen::LedgerFilter f;
         f.after = a / 2 * kRowsPerAppliance;
         f.limit = 10;
         need_rows(got(keygen::list_ledger(l, f, now)));
       }},
      // From the last batch's issue time: a period of up to 1,000 appliances at either size.
      {"report",
       [=](keygen::Ledger& l, int a) {
         (void)got(keygen::make_report(l, kStart + 60 * ((a - 1) / 1000 * 1000), std::nullopt));
       }},
      {"appliance",
       [=](keygen::Ledger& l, int a) {
         keygen::LedgerFilter f;
         f.appliance = appliance(a / 2);
         need_rows(got(keygen::list_ledger(l, f, now)));
       }},
      {"issue",
       [&key](keygen::Ledger& l, int a) {
         keygen::PackOrder p;
         p.appliance = appliance(a / 3);
         p.users = 5;
         (void)got(keygen::issue(l, key, {p}));
       }},
  };
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(a + " needs a value");
    const std::string v = argv[++i];
    const auto number = [&] {
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 100000000) usage(a + " takes a positive number");
      return static_cast<int>(n);
    };
    if (a == "--key")
      o.key = v;
    else if (a == "--small")
      o.small = v;
    else if (a == "--large")
      o.large = v;
    else if (a == "--small-rows")
      o.small_rows = number();
    else if (a == "--large-rows")
      o.large_rows = number();
    else if (a == "--rounds")
      o.rounds = number();
    else
      usage("unknown option " + a);
  }
  if (o.key.empty() || o.small.empty() || o.large.empty()) usage("--key, --small and --large are needed");
  return o;
}

int run(const Options& o) {
  const seatkey::SecretKey key = got(keygen::load_key_file(o.key, no_passphrase));
  const int small_appliances = std::max(1, o.small_rows / kRowsPerAppliance);
  const int large_appliances = std::max(1, o.large_rows / kRowsPerAppliance);
  auto start = Clock::now();
  keygen::Ledger small = make_ledger(o.small, key, o.small_rows);
  keygen::Ledger large = make_ledger(o.large, key, o.large_rows);
  std::printf("made %d and %d rows in %.1f s\n", small_appliances * kRowsPerAppliance,
              large_appliances * kRowsPerAppliance,
              std::chrono::duration<double>(Clock::now() - start).count());
  std::printf("%-10s %12s %12s %7s\n", "read (p50)", "small ms", "large ms", "ratio");
  bool held = true;
  for (const Read& r : reads(key)) {
    const double a = p50([&] { r.run(small, small_appliances); }, o.rounds);
    const double b = p50([&] { r.run(large, large_appliances); }, o.rounds);
    const double limit = std::string(r.name) == "issue" ? o.max_issue_ratio : o.max_read_ratio;
    const bool ok = b <= limit * a;
    held = held && ok;
    std::printf("%-10s %12.3f %12.3f %7.2f%s\n", r.name, a, b, b / a, ok ? "" : "  (over the target)");
  }
  const char* targets = std::getenv("SEATKEY_SCALE_TARGETS");
  return held || (targets != nullptr && std::string(targets) == "off") ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "seatkey-bench-scale: " << e.what() << "\n";
    return 2;
  }
}
