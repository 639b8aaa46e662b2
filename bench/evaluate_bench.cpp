// seatkey-bench-evaluate: evaluate() against bare Ed25519 verifies of the same messages.
//
//   seatkey-bench-evaluate [--licenses=FILE --appliance=ID --public=K4_PUBLIC_FILE]
//                          [--packs=N] [--edition=NAME] [--pack-users=1|5] [--revoked=N]
//                          [--emit=FILE] [Google Benchmark flags]
//
// With --licenses, the set is that license file (scripts/bench.sh exports one from a ledger the
// real seatkey-keygen filled). Without it, 1 server license of --edition (default appliance) +
// N user packs of --pack-users each (default 1,000 of 5) are signed here with a fixed test
// key, the same claims seatkey-keygen writes; --revoked=N adds a revocation list of N serials
// (none of them the set's: every license stays accepted); --emit=FILE writes them (and
// FILE.pub, the k4.public key) for the other benchmarks, then exits.
//
// BM_evaluate:    seatkey::verifier::evaluate() of the parsed set (rule 1 to 5, reports).
// BM_bare_verify: crypto_sign_verify_detached over the PAE message (v4.public's m2) and the
//                 signature of every token of the same set, prepared in advance: the limit.
// BM_side_by_side: both in each iteration, alternating; counters evaluate_ms, bare_ms (the
//                 medians of the thread's CPU time) and ratio: scripts/bench.sh's figure.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "seatkey/common/claims.hpp"
#include "seatkey/common/paserk.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/policy.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "seatkey/verifier.hpp"

namespace sv = seatkey::verifier;

namespace {

struct Fixture {
  sv::LicenseSet set;
  std::string appliance = "001A2B3C4D5E";
  sv::TrustStore trust;
  sv::UnixTime now = 0;
  std::array<unsigned char, 32> public_key{};
  std::vector<std::string> messages;    // PAE(h, payload, footer, "") of every token
  std::vector<std::string> signatures;  // 64 bytes each
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

[[noreturn]] void die(const std::string& why) {
  std::cerr << "seatkey-bench-evaluate: " << why << "\n";
  std::exit(2);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// 1 server license of `edition` + `packs` user packs of `pack_users` each for the fixture's
// appliance, as seatkey-keygen signs them.
std::string mint(int packs, seatkey::Edition edition, int pack_users, int revoked,
                 std::string* public_paserk) {
  const std::string seed(32, '\x42');
  auto key = seatkey::SecretKey::from_seed(seed);
  if (!key) die("test key: " + key.error().message);
  *public_paserk = key->public_key().to_paserk();
  const std::string footer = "{\"kid\":\"" + key->public_key().id() + "\"}";
  std::string text;
  for (int i = 0; i <= packs; ++i) {
    seatkey::License l;
    l.issuer = "seatkey";
    l.serial = std::to_string(i + 1);
    l.issued_at = 1795860000;  // 2026-11-28T10:00:00Z
    l.appliance = fixture().appliance;
    if (i == 0) {
      l.kind = seatkey::LicenseKind::server;
      l.edition = edition;
      l.users = seatkey::rules_of(edition).included_users;
    } else {
      l.kind = seatkey::LicenseKind::users;
      l.users = pack_users;
    }
    auto token = key->sign(seatkey::to_payload_json(l), footer);
    if (!token) die("signing: " + token.error().message);
    text += *token + "\n";
  }
  if (revoked > 0) {
    seatkey::RevocationList list;
    list.issuer = "seatkey";
    list.serial = std::to_string(packs + 2);
    list.issued_at = 1795860000;
    list.seq = 1;
    // Serials after the set's, as a vendor's list of voided licenses of other appliances.
    for (int i = 0; i < revoked; ++i) list.revoked.push_back(std::to_string(1000000 + i));
    auto token = key->sign(seatkey::to_payload_json(list), footer);
    if (!token) die("signing the revocation list: " + token.error().message);
    text += *token + "\n";
  }
  return text;
}

void prepare(const std::string& text, const std::string& public_paserk) {
  Fixture& f = fixture();
  auto set = sv::parse_licenses(text, "licenses");
  if (!set) die(set.error().message);
  f.set = std::move(*set);
  auto trust = sv::TrustStore::from_keys({public_paserk});
  if (!trust) die(trust.error().message);
  f.trust = std::move(*trust);
  auto pk = seatkey::PublicKey::from_paserk(public_paserk);
  if (!pk) die(pk.error().message);
  f.public_key = pk->bytes();
  f.now = sv::current_time();
  for (const auto& t : f.set.tokens) {
    auto d = seatkey::decode_v4_public(t.token, seatkey::TokenLimit::revocation_list);
    if (!d) die(t.source + ": " + d.error().message);
    f.messages.push_back(seatkey::pae({seatkey::kV4PublicHeader, d->payload, d->footer, ""}));
    f.signatures.push_back(d->signature);
  }
  // Both sides must do all of their work: every token verifies and is accepted.
  auto e = sv::evaluate(f.set, f.appliance, f.trust, f.now);
  if (!e) die(e.error().message);
  if (!e->rejected.empty() || e->accepted.size() != f.set.tokens.size()) {
    die("not every token is accepted: " + std::to_string(e->rejected.size()) + " rejected");
  }
}

void BM_evaluate(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto e = sv::evaluate(f.set, f.appliance, f.trust, f.now);
    benchmark::DoNotOptimize(e);
    if (!e || e->accepted.size() != f.set.tokens.size()) state.SkipWithError("evaluate failed");
  }
  state.counters["tokens"] = static_cast<double>(f.set.tokens.size());
}

// The baseline: one bare crypto_sign_verify_detached per signed message; how many verified.
std::size_t bare_verify_all(const Fixture& f) {
  std::size_t ok = 0;
  for (std::size_t i = 0; i < f.messages.size(); ++i) {
    const std::string& m = f.messages[i];
    ok += crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(f.signatures[i].data()),
                                      reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                                      f.public_key.data()) == 0;
  }
  return ok;
}

void BM_bare_verify(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    const std::size_t ok = bare_verify_all(f);
    benchmark::DoNotOptimize(ok);
    if (ok != f.messages.size()) state.SkipWithError("a bare verify failed");
  }
  state.counters["tokens"] = static_cast<double>(f.messages.size());
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Both in every iteration, in alternating order, each timed on the thread's CPU clock: the
// closest side by side there is (a burst of other load on the machine hits both halves of
// a pair alike). Counters: the medians of the halves and their ratio.
void BM_side_by_side(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<double> evaluate_ms, bare_ms;
  bool evaluate_first = true;
  for (auto _ : state) {
    for (int half = 0; half < 2; ++half) {
      const double start = thread_cpu_ms();
      if ((half == 0) == evaluate_first) {
        auto e = sv::evaluate(f.set, f.appliance, f.trust, f.now);
        benchmark::DoNotOptimize(e);
        if (!e || e->accepted.size() != f.set.tokens.size()) state.SkipWithError("evaluate failed");
        evaluate_ms.push_back(thread_cpu_ms() - start);
      } else {
        const std::size_t ok = bare_verify_all(f);
        benchmark::DoNotOptimize(ok);
        if (ok != f.messages.size()) state.SkipWithError("a bare verify failed");
        bare_ms.push_back(thread_cpu_ms() - start);
      }
    }
    evaluate_first = !evaluate_first;
  }
  const double e = median(evaluate_ms), b = median(bare_ms);
  state.counters["evaluate_ms"] = e;
  state.counters["bare_ms"] = b;
  state.counters["ratio"] = b > 0 ? e / b : 0;
}

BENCHMARK(BM_evaluate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_bare_verify)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_side_by_side)->Unit(benchmark::kMillisecond);

bool take(const std::string& arg, const char* name, std::string* value) {
  const std::string prefix = std::string("--") + name + "=";
  if (arg.compare(0, prefix.size(), prefix) != 0) return false;
  *value = arg.substr(prefix.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (sodium_init() < 0) die("libsodium failed to initialize");
  std::string licenses, public_file, emit, packs = "1000", edition_name = "appliance", pack_users = "5",
                                           revoked = "0";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!take(arg, "licenses", &licenses) && !take(arg, "appliance", &fixture().appliance) &&
        !take(arg, "public", &public_file) && !take(arg, "packs", &packs) && !take(arg, "emit", &emit) &&
        !take(arg, "edition", &edition_name) && !take(arg, "pack-users", &pack_users) &&
        !take(arg, "revoked", &revoked)) {
      die("unknown argument " + arg);
    }
  }
  std::string text, public_paserk;
  if (!licenses.empty()) {
    if (public_file.empty()) die("--licenses needs --public=K4_PUBLIC_FILE");
    text = read_text(licenses);
    for (std::istringstream in(read_text(public_file)); std::getline(in, public_paserk);) {
      if (public_paserk.rfind("k4.public.", 0) == 0) break;
    }
  } else {
    const int n = std::atoi(packs.c_str());
    if (n < 0 || n > 9999) die("--packs must be 0..9999");
    const auto edition = seatkey::parse_edition(edition_name);
    if (!edition) die("--edition: unknown edition " + edition_name);
    const int users = std::atoi(pack_users.c_str());
    if (!seatkey::is_valid_pack_size(users)) die("--pack-users must be 1 or 5");
    const int r = std::atoi(revoked.c_str());
    if (r < 0 || r > 60000) die("--revoked must be 0..60000 (a list of up to 1 MiB)");
    text = mint(n, *edition, users, r, &public_paserk);
  }
  if (!emit.empty()) {
    std::ofstream(emit, std::ios::binary) << text;
    std::ofstream(emit + ".pub", std::ios::binary) << public_paserk << "\n";
    return 0;
  }
  prepare(text, public_paserk);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
