// Test helpers: licenses built as seatkey::License, signed in the test with seatkey::signing,
// and evaluated through the public verifier API.
#pragma once

#include <doctest/doctest.h>
#include <sodium.h>

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/common/base64url.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "seatkey/signing/secret_key.hpp"
#include "seatkey/verifier.hpp"
#include "test_support.hpp"

namespace seatkey::test {

namespace v = seatkey::verifier;

inline constexpr const char* kAppliance = "001A2B3C4D5E";
inline constexpr const char* kOtherAppliance = "0099AABBCCDD";
inline constexpr const char* kNow = "2026-11-28T10:00:00Z";

inline UnixTime at(const char* rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

// The development key of keys/development.secret (public knowledge, tests only).
inline const SecretKey& dev_key() {
  static const SecretKey key = [] {
    const std::string text = read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret");
    const auto pos = text.find("k4.secret.");
    const auto end = text.find('\n', pos);
    return SecretKey::from_paserk(text.substr(pos, end - pos)).value();
  }();
  return key;
}

// A second and third vendor key, random per test run.
inline const SecretKey& key_a() {
  static const SecretKey key = SecretKey::generate().value();
  return key;
}
inline const SecretKey& key_b() {
  static const SecretKey key = SecretKey::generate().value();
  return key;
}

inline std::string kid_footer(const SecretKey& key) {
  return "{\"kid\":\"" + key.public_key().id() + "\"}";
}

// Signs any payload and footer (no size limit, unlike SecretKey::sign's self-check).
inline std::string sign_raw(const SecretKey& key, const std::string& payload, const std::string& footer) {
  const std::string m2 = pae({kV4PublicHeader, payload, footer, ""});
  std::string body = payload;
  body.resize(payload.size() + crypto_sign_BYTES);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(&body[payload.size()]), nullptr,
                       reinterpret_cast<const unsigned char*>(m2.data()), m2.size(), key.bytes().data());
  std::string token = std::string(kV4PublicHeader) + base64url_encode(body);
  if (!footer.empty()) token += "." + base64url_encode(footer);
  return token;
}

inline std::string sign_payload(const std::string& payload, const SecretKey& key = dev_key()) {
  return sign_raw(key, payload, kid_footer(key));
}

// A license under construction: server(...) / pack(...) then modifiers, then token().
struct Lic {
  License l;
  Lic& appliance(std::string id) {
    l.appliance = std::move(id);
    return *this;
  }
  Lic& iat(const char* t) {
    l.issued_at = at(t);
    return *this;
  }
  Lic& nbf(const char* t) {
    l.not_before = at(t);
    return *this;
  }
  Lic& exp(const char* t) {
    l.expires = at(t);
    return *this;
  }
  Lic& updates_until(const char* t) {
    l.updates_until = at(t);
    return *this;
  }
  Lic& code(std::int64_t number) {
    l.code = number;
    return *this;
  }
  std::string payload() const { return to_payload_json(l); }
  std::string token(const SecretKey& key = dev_key()) const { return sign_payload(payload(), key); }
};

inline Lic server(std::string serial, Edition edition) {
  Lic x;
  x.l.issuer = "Example PBX Vendor";
  x.l.serial = std::move(serial);
  x.l.issued_at = at("2026-11-01T09:00:00Z");
  x.l.kind = LicenseKind::server;
  x.l.appliance = kAppliance;
  x.l.edition = edition;
  x.l.users = rules_of(edition).included_users;
  return x;
}

inline Lic pack(std::string serial, int users) {
  Lic x;
  x.l.issuer = "Example PBX Vendor";
  x.l.serial = std::move(serial);
  x.l.issued_at = at("2026-11-02T09:00:00Z");
  x.l.kind = LicenseKind::users;
  x.l.appliance = kAppliance;
  x.l.users = users;
  return x;
}

// A standby license: this appliance (kAppliance) the standby of `primary`.
inline Lic standby(std::string serial, std::string primary) {
  Lic x;
  x.l.issuer = "Example PBX Vendor";
  x.l.serial = std::move(serial);
  x.l.issued_at = at("2026-11-03T09:00:00Z");
  x.l.kind = LicenseKind::standby;
  x.l.appliance = kAppliance;
  x.l.primary = std::move(primary);
  return x;
}

// A set of tokens with sources "t:1", "t:2", ...
inline v::LicenseSet set_of(const std::vector<std::string>& tokens) {
  v::LicenseSet s;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    s.tokens.push_back({tokens[i], "t:" + std::to_string(i + 1)});
  return s;
}

inline const v::TrustStore& dev_trust() {
  static const v::TrustStore store = v::TrustStore::from_keys({dev_key().public_key().to_paserk()}).value();
  return store;
}

inline v::Entitlement evaluate_ok(const v::LicenseSet& set, const std::string& appliance = kAppliance,
                                  const v::TrustStore& trust = dev_trust(), UnixTime now = at(kNow)) {
  auto e = v::evaluate(set, appliance, trust, now);
  REQUIRE_MESSAGE(e.ok(), (e.ok() ? std::string() : e.error().message));
  return std::move(*e);
}

// Every token's outcome in set order: "accepted" or its reason code.
inline std::vector<std::string> outcomes(const v::Entitlement& e) {
  std::vector<std::pair<std::string, std::string>> all;  // source, outcome
  for (const auto& r : e.accepted) all.emplace_back(r.source, "accepted");
  for (const auto& r : e.rejected) all.emplace_back(r.source, v::reason_name(*r.reason));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::stoi(a.first.substr(2)) < std::stoi(b.first.substr(2));
  });
  std::vector<std::string> out;
  for (auto& p : all) out.push_back(p.second);
  return out;
}

// A scratch directory, removed with everything in it at the end of the test.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr ? tmp : "/tmp") + "/seatkey-test.XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
    return file(name);
  }
};

// The report of the token with source `source`.
inline const v::LicenseReport& report_of(const v::Entitlement& e, const std::string& source) {
  for (const auto& r : e.accepted)
    if (r.source == source) return r;
  for (const auto& r : e.rejected)
    if (r.source == source) return r;
  FAIL("no report for " << source);
  throw 0;
}

}  // namespace seatkey::test
