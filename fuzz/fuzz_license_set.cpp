// License-set evaluation: parse_licenses + evaluate over sets of valid, mutated, re-signed and
// duplicated tokens, revocation lists among them. Never crashes, and the entitlement keeps the
// invariants of docs/format.md: every token accepted or rejected with exactly one reason,
// accepted license serials unique, at most one revocation list accepted (the one whose seq is
// revocation_seq), licensed users = min(included + packs, max), the same input gives the same
// entitlement.
//
// The input is license text (so license files the tool exports are seeds). A line starting
// with '@' is a directive expanded from a pool of valid tokens signed at start-up with the
// development key (which the trust store holds, with a second key for rotation):
//   '@' INDEX OP ARGS...   INDEX picks a pool token, OP (mod 8) what to do with it:
//     0 as is (repeat it to get duplicates)    1 ARGS[2] xor'ed into the byte at ARGS[0..1]
//     2 truncated at ARGS[0..1]                3 ARGS inserted at ARGS[0..1]
//     4 its payload with ARGS[2] at ARGS[0..1], re-signed: valid signature, odd claims
//     5 ARGS signed as the payload             6 its payload re-signed with ARGS as footer
//     7 its payload signed by the second trusted key, or (ARGS[0] odd) an untrusted key
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "seatkey/signing/secret_key.hpp"
#include "seatkey/verifier.hpp"

using namespace seatkey;
namespace v = seatkey::verifier;

namespace {

constexpr std::string_view kAppliance = "001A2B3C4D5E";
constexpr v::UnixTime kNow = 1795860000;  // 2026-11-28T10:00:00Z

struct Pool {
  SecretKey dev;
  SecretKey second;
  SecretKey untrusted;
  v::TrustStore trust;
  std::vector<std::string> payloads;
  std::vector<std::string> tokens;
};

SecretKey key_from_seed(char fill) {
  return SecretKey::from_seed(std::string(32, fill)).value();
}

std::string footer_of(const SecretKey& key) {
  return "{\"kid\":\"" + key.public_key().id() + "\"}";
}

// Any payload and footer (SecretKey::sign checks only the signature); over 4 KiB a stand-in.
std::string sign(const SecretKey& key, std::string_view payload, std::string_view footer) {
  auto token = key.sign(payload, footer);
  return token ? *token : std::string("v4.public.unsignable");
}

Pool make_pool() {
  auto dev = SecretKey::from_paserk(
      "k4.secret.JYun34GjH5kdz3PYLS8FXjZNLO6f2r-Slo8LKf09gHGsH_cVS-dRtaPKoirtTsK7Rt6S7tSWFrf73ZkGu6Gsmw");
  if (!dev) std::abort();
  Pool pool{std::move(*dev), key_from_seed('2'), key_from_seed('3'), {}, {}, {}};
  auto trust =
      v::TrustStore::from_keys({pool.dev.public_key().to_paserk(), pool.second.public_key().to_paserk()});
  if (!trust) std::abort();
  pool.trust = *trust;
  const std::string head = R"({"iss":"seatkey","iat":"2026-11-01T09:00:00Z","appliance":")";
  const std::string a = std::string(kAppliance) + "\",";
  pool.payloads = {
      head + a + R"("jti":"1","kind":"server","edition":"compact","users":3})",
      head + a + R"("jti":"2","kind":"server","edition":"free","users":3})",
      head + a +
          R"("jti":"3","kind":"server","edition":"appliance","users":1,"updates_until":"2027-12-31T23:59:59Z"})",
      head + a + R"("jti":"4","kind":"server","edition":"vm","users":1,"exp":"2026-12-01T00:00:00Z"})",
      head + a + R"("jti":"5","kind":"users","users":5})",
      head + a + R"("jti":"6","kind":"users","users":1,"customer":"Acme","order":"SO-1"})",
      head + a + R"("jti":"7","kind":"users","users":5,"nbf":"2027-01-01T00:00:00Z"})",
      head + a + R"("jti":"8","kind":"users","users":5,"exp":"2026-11-01T00:00:00Z"})",
      head + R"(0099AABBCCDD","jti":"9","kind":"users","users":5})",
      head + a + R"("jti":"1","kind":"users","users":1})",
      head + a + R"("jti":"10","kind":"server","edition":"compact","users":3,"extra":{"a":[1,2]}})",
      R"({"iss":"seatkey","iat":"2026-11-02T09:00:00Z","appliance":")" + a +
          R"("jti":"11","kind":"server","edition":"compact","users":3})",
      // Revocation lists: an older and a newer one (cumulative), and an empty one.
      R"({"iss":"seatkey","jti":"20","iat":"2026-11-03T09:00:00Z","kind":"revocation","seq":1,"revoked":["5","8"]})",
      R"({"iss":"seatkey","jti":"21","iat":"2026-11-04T09:00:00Z","kind":"revocation","seq":2,"revoked":["1","5","8","9"]})",
      R"({"iss":"seatkey","jti":"22","iat":"2026-11-04T09:00:00Z","kind":"revocation","seq":2,"revoked":[]})",
      // A standby of 0099AABBCCDD, that primary's server license, and a standby of another.
      head + a + R"("jti":"12","kind":"standby","primary":"0099AABBCCDD"})",
      head + R"(0099AABBCCDD","jti":"13","kind":"server","edition":"vm","users":1})",
      head + a + R"("jti":"14","kind":"standby","primary":"00CAFE000003","exp":"2026-12-01T00:00:00Z"})",
  };
  for (const auto& p : pool.payloads) pool.tokens.push_back(sign(pool.dev, p, footer_of(pool.dev)));
  return pool;
}

const Pool& pool() {
  static const Pool p = make_pool();
  return p;
}

std::size_t position(std::string_view args, std::size_t size) {
  if (size == 0) return 0;
  std::size_t pos = 0;
  if (args.size() > 0) pos = static_cast<std::uint8_t>(args[0]);
  if (args.size() > 1) pos = pos * 256 + static_cast<std::uint8_t>(args[1]);
  return pos % size;
}

std::string expand(std::string_view directive) {
  const Pool& p = pool();
  if (directive.size() < 3) return std::string(directive);
  const std::size_t index = static_cast<std::uint8_t>(directive[1]) % p.tokens.size();
  const int op = static_cast<std::uint8_t>(directive[2]) % 8;
  const std::string_view args = directive.substr(3);
  const std::uint8_t arg2 = args.size() > 2 ? static_cast<std::uint8_t>(args[2]) : 1;
  std::string token = p.tokens[index];
  std::string payload = p.payloads[index];
  switch (op) {
    case 0: return token;
    case 1: token[position(args, token.size())] ^= static_cast<char>(arg2 == 0 ? 1 : arg2); return token;
    case 2: return token.substr(0, position(args, token.size()));
    case 3: return token.insert(position(args, token.size()), args.substr(args.size() > 2 ? 2 : 0));
    case 4:
      payload[position(args, payload.size())] = static_cast<char>(arg2);
      return sign(p.dev, payload, footer_of(p.dev));
    case 5: return sign(p.dev, args, footer_of(p.dev));
    case 6: return sign(p.dev, payload, args);
    default: {
      const SecretKey& key = (!args.empty() && (args[0] & 1)) ? p.untrusted : p.second;
      return sign(key, payload, footer_of(key));
    }
  }
}

void check(bool condition) {
  if (!condition) std::abort();
}

void check_entitlement(const v::LicenseSet& set, const v::Entitlement& e) {
  check(e.accepted.size() + e.rejected.size() == set.tokens.size());
  std::set<std::string> serials;
  int servers = 0, standbys = 0, pack_users = 0, lists = 0;
  for (const auto& r : e.accepted) {
    check(!r.reason && r.serial && r.kind);
    if (*r.kind == v::LicenseKind::revocation) {
      check(!r.users && !r.expires);
      ++lists;
      continue;
    }
    check(r.users.has_value() == (*r.kind != v::LicenseKind::standby));
    check(serials.insert(*r.serial).second);
    if (*r.kind == v::LicenseKind::server) {
      ++servers;
      check(e.server_license == r.serial);
    } else if (*r.kind == v::LicenseKind::standby) {
      ++standbys;
    } else {
      pack_users += *r.users;
    }
  }
  // One standby license applies at most, and then the entitlement names its primary.
  check(standbys <= 1 && e.standby_for.has_value() == (standbys == 1));
  for (const auto& r : e.rejected) {
    check(r.reason.has_value() && !r.message.empty());
    const bool unverified = *r.reason == v::Reason::malformed || *r.reason == v::Reason::unknown_key ||
                            *r.reason == v::Reason::bad_signature || *r.reason == v::Reason::invalid_claims;
    check(unverified != r.serial.has_value());
    check(*r.reason != v::Reason::revoked || e.revocation_seq.has_value());
    check(r.kind != v::LicenseKind::revocation || *r.reason == v::Reason::superseded);
  }
  check(lists == (e.revocation_seq ? 1 : 0));
  check(e.licensed == e.server_license.has_value());
  check(servers == (e.licensed ? 1 : 0));
  check(e.appliance == kAppliance);
  if (!e.licensed) {
    check(e.licensed_users == 0 && !e.may_add_user(0) && !e.updates_allowed());
    return;
  }
  check(e.edition.has_value() && e.pack_users == pack_users);
  const int total = e.included_users + e.pack_users;
  const int licensed = e.max_users ? std::min(total, *e.max_users) : total;
  check(e.licensed_users == licensed && e.excess_users == total - licensed);
  check(*e.edition != v::Edition::free || (e.pack_users == 0 && !e.updates_allowed()));
  check(e.may_add_user(e.licensed_users - 1) && !e.may_add_user(e.licensed_users));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = v::parse_licenses(text, "fuzz.lic");
  if (!parsed) {
    check(parsed.error().code == v::ErrorCode::too_large);
    return 0;
  }
  v::LicenseSet set = std::move(*parsed);
  if (set.tokens.size() > 64) return 0;  // the set limits are tested elsewhere; stay fast
  for (auto& t : set.tokens) {
    if (!t.token.empty() && t.token[0] == '@') t.token = expand(t.token);
  }
  auto first = v::evaluate(set, kAppliance, pool().trust, kNow);
  check(first.ok());
  check_entitlement(set, *first);
  auto second = v::evaluate(set, "00:1a:2b:3c:4d:5e", pool().trust, kNow);
  check(second.ok() && second->licensed_users == first->licensed_users &&
        second->rejected.size() == first->rejected.size());
  for (std::size_t i = 0; i < first->rejected.size(); ++i) {
    check(first->rejected[i].reason == second->rejected[i].reason &&
          first->rejected[i].source == second->rejected[i].source);
  }
  return 0;
}
