// The C API (seatkey/verifier.h): every function, its results against the C++ API's, and
// every error path (NULL arguments, bad IDs, bad keys, unreadable paths, small buffers).
#include "seatkey/verifier.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "seatkey/common/activation_request.hpp"
#include "token_kit.hpp"

namespace {

using namespace seatkey::test;
using seatkey::Edition;

constexpr const char* kDevKey = "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs";
constexpr const char* kDevKid = "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW";

std::int64_t now() {
  return at(kNow);
}

// A scratch directory, removed with its files at the end of the test.
struct Scratch {
  std::string dir;
  Scratch() {
    std::string tmpl =
        (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : "/tmp") + "/c-api.XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
  }
  ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
};

std::string lines(const std::vector<std::string>& tokens) {
  std::string text;
  for (const auto& t : tokens) text += t + "\n";
  return text;
}

// Owns what the C API hands out, so that a failed CHECK does not leak.
struct Ent {
  seatkey_entitlement* p = nullptr;
  ~Ent() { seatkey_entitlement_free(p); }
};
struct Store {
  seatkey_trust_store* p = nullptr;
  ~Store() { seatkey_trust_store_free(p); }
};

seatkey_status eval_text(const std::string& text, Ent& e, const seatkey_trust_store* trust = nullptr,
                         const char* appliance = kAppliance, char* err = nullptr, size_t err_size = 0) {
  return seatkey_evaluate_text(text.data(), text.size(), "t", appliance, trust, now(), &e.p, err, err_size);
}

}  // namespace

TEST_CASE("names - every status, edition, kind and reason has its spec name, others are unknown") {
  CHECK(std::string(seatkey_status_name(SEATKEY_OK)) == "ok");
  CHECK(std::string(seatkey_status_name(SEATKEY_INVALID_ARGUMENT)) == "invalid_argument");
  CHECK(std::string(seatkey_status_name(SEATKEY_INVALID_KEY)) == "invalid_key");
  CHECK(std::string(seatkey_status_name(SEATKEY_INVALID_APPLIANCE_ID)) == "invalid_appliance_id");
  CHECK(std::string(seatkey_status_name(SEATKEY_INVALID_TIME)) == "invalid_time");
  CHECK(std::string(seatkey_status_name(SEATKEY_IO_ERROR)) == "io_error");
  CHECK(std::string(seatkey_status_name(SEATKEY_TOO_LARGE)) == "too_large");
  CHECK(std::string(seatkey_status_name(SEATKEY_OUT_OF_MEMORY)) == "out_of_memory");
  CHECK(std::string(seatkey_status_name(SEATKEY_INTERNAL_ERROR)) == "internal_error");
  CHECK(std::string(seatkey_status_name(SEATKEY_INVALID_CODE)) == "invalid_code");
  CHECK(std::string(seatkey_status_name(SEATKEY_REFUSED)) == "refused");
  CHECK(SEATKEY_INTERNAL_ERROR == 8);  // C values never change: later statuses come after it
  CHECK(std::string(seatkey_status_name(static_cast<seatkey_status>(99))) == "unknown");

  CHECK(std::string(seatkey_edition_name(SEATKEY_EDITION_NONE)) == "none");
  CHECK(std::string(seatkey_edition_name(SEATKEY_EDITION_FREE)) == "free");
  CHECK(std::string(seatkey_edition_name(SEATKEY_EDITION_COMPACT)) == "compact");
  CHECK(std::string(seatkey_edition_name(SEATKEY_EDITION_APPLIANCE)) == "appliance");
  CHECK(std::string(seatkey_edition_name(SEATKEY_EDITION_VM)) == "vm");
  CHECK(std::string(seatkey_edition_name(static_cast<seatkey_edition>(99))) == "unknown");

  CHECK(std::string(seatkey_kind_name(SEATKEY_KIND_NONE)) == "none");
  CHECK(std::string(seatkey_kind_name(SEATKEY_KIND_SERVER)) == "server");
  CHECK(std::string(seatkey_kind_name(SEATKEY_KIND_USERS)) == "users");
  CHECK(std::string(seatkey_kind_name(SEATKEY_KIND_REVOCATION)) == "revocation");
  CHECK(std::string(seatkey_kind_name(SEATKEY_KIND_STANDBY)) == "standby");
  CHECK(SEATKEY_KIND_REVOCATION == 3);  // C values never change
  CHECK(std::string(seatkey_kind_name(static_cast<seatkey_kind>(99))) == "unknown");

  CHECK(std::string(seatkey_reason_name(SEATKEY_REASON_NONE)) == "none");
  // The C values never change: revoked, added later, comes last.
  const char* spec[] = {"malformed",       "unknown_key",       "bad_signature", "invalid_claims",
                        "wrong_appliance", "not_yet_valid",     "expired",       "duplicate",
                        "superseded",      "no_server_license", "free_edition",  "revoked"};
  for (int i = 1; i <= 12; ++i) {
    CHECK(std::string(seatkey_reason_name(static_cast<seatkey_reason>(i))) == spec[i - 1]);
  }
  CHECK(SEATKEY_REASON_FREE_EDITION == 11);
  CHECK(SEATKEY_REASON_REVOKED == 12);
  CHECK(std::string(seatkey_reason_name(static_cast<seatkey_reason>(99))) == "unknown");
}

TEST_CASE("version - the project's version") {
  CHECK(std::string(seatkey_verifier_version()) == SEATKEY_EXPECTED_VERSION);
}

TEST_CASE("trust store built in - the development key of this build") {
  Store s;
  REQUIRE(seatkey_trust_store_built_in(&s.p, nullptr, 0) == SEATKEY_OK);
  REQUIRE(seatkey_trust_store_size(s.p) == 1);
  CHECK(std::string(seatkey_trust_store_key_id(s.p, 0)) == kDevKid);
  CHECK(std::string(seatkey_trust_store_public_key(s.p, 0)) == kDevKey);
  CHECK(seatkey_trust_store_key_id(s.p, 1) == nullptr);
  CHECK(seatkey_trust_store_public_key(s.p, 1) == nullptr);
}

TEST_CASE("trust store from keys - a duplicate is kept once, bad, empty and NULL lists are errors") {
  const std::string other = key_a().public_key().to_paserk();
  {
    Store s;
    const char* keys[] = {kDevKey, other.c_str(), kDevKey};
    REQUIRE(seatkey_trust_store_from_keys(keys, 3, &s.p, nullptr, 0) == SEATKEY_OK);
    CHECK(seatkey_trust_store_size(s.p) == 2);
  }
  char err[256] = "untouched";
  Store s;
  const char* bad[] = {"k4.secret.nope"};
  CHECK(seatkey_trust_store_from_keys(bad, 1, &s.p, err, sizeof err) == SEATKEY_INVALID_KEY);
  CHECK(s.p == nullptr);
  CHECK(std::string(err) != "untouched");
  CHECK(seatkey_trust_store_from_keys(nullptr, 0, &s.p, err, sizeof err) == SEATKEY_INVALID_KEY);
  CHECK(seatkey_trust_store_from_keys(nullptr, 1, &s.p, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_trust_store_from_keys: keys is NULL");
  const char* with_null[] = {kDevKey, nullptr};
  CHECK(seatkey_trust_store_from_keys(with_null, 2, &s.p, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_trust_store_from_keys: keys[1] is NULL");
  const char* good[] = {kDevKey};
  CHECK(seatkey_trust_store_from_keys(good, 1, nullptr, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_trust_store_from_keys: out is NULL");
  CHECK(s.p == nullptr);
}

TEST_CASE("trust store parse - comments skipped, a bad line is invalid_key naming origin:line") {
  const std::string text = "# vendor keys\n" + std::string(kDevKey) + "\n";
  Store s;
  REQUIRE(seatkey_trust_store_parse(text.data(), text.size(), "keys.txt", &s.p, nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_trust_store_size(s.p) == 1);

  char err[256];
  Store bad;
  const std::string broken = text + "k4.public.short\n";
  CHECK(seatkey_trust_store_parse(broken.data(), broken.size(), "keys.txt", &bad.p, err, sizeof err) ==
        SEATKEY_INVALID_KEY);
  CHECK(std::string(err).find("keys.txt:3") != std::string::npos);
  CHECK(seatkey_trust_store_parse(broken.data(), broken.size(), nullptr, &bad.p, err, sizeof err) ==
        SEATKEY_INVALID_KEY);
  CHECK(std::string(err).find("trusted keys:3") != std::string::npos);
  CHECK(seatkey_trust_store_parse(nullptr, 0, "empty", &bad.p, err, sizeof err) == SEATKEY_INVALID_KEY);
  CHECK(seatkey_trust_store_parse(nullptr, 5, "x", &bad.p, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_trust_store_parse(text.data(), text.size(), "x", nullptr, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(bad.p == nullptr);
}

TEST_CASE("trust store load file - reads a keys file, a missing file is io_error naming it") {
  Scratch dir;
  const std::string path = dir.write("trusted.keys", std::string(kDevKey) + "\n");
  Store s;
  REQUIRE(seatkey_trust_store_load_file(path.c_str(), &s.p, nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_trust_store_size(s.p) == 1);

  char err[512];
  Store bad;
  const std::string missing = dir.dir + "/missing.keys";
  CHECK(seatkey_trust_store_load_file(missing.c_str(), &bad.p, err, sizeof err) == SEATKEY_IO_ERROR);
  CHECK(std::string(err).find("missing.keys") != std::string::npos);
  CHECK(seatkey_trust_store_load_file(nullptr, &bad.p, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_trust_store_load_file: path is NULL");
  CHECK(seatkey_trust_store_load_file(path.c_str(), nullptr, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(bad.p == nullptr);
}

TEST_CASE("trust store getters - a NULL store is empty, free accepts NULL") {
  CHECK(seatkey_trust_store_size(nullptr) == 0);
  CHECK(seatkey_trust_store_key_id(nullptr, 0) == nullptr);
  CHECK(seatkey_trust_store_public_key(nullptr, 0) == nullptr);
  seatkey_trust_store_free(nullptr);
  seatkey_entitlement_free(nullptr);
}

TEST_CASE("evaluate text - a Compact with packs: every entitlement field and every report field") {
  const std::string text = lines({
      server("100", Edition::compact).updates_until("2027-12-31T23:59:59Z").token(),
      pack("101", 5).token(),
      pack("102", 1).appliance(kOtherAppliance).token(),
      "v4.public.garbage",
      pack("101", 5).token(),
  });
  Ent e;
  REQUIRE(seatkey_evaluate_text(text.data(), text.size(), "acme.lic", "00:1a:2b:3c:4d:5e", nullptr, now(),
                                &e.p, nullptr, 0) == SEATKEY_OK);
  CHECK(std::string(seatkey_entitlement_appliance(e.p)) == kAppliance);
  CHECK(seatkey_entitlement_licensed(e.p));
  CHECK(seatkey_entitlement_edition(e.p) == SEATKEY_EDITION_COMPACT);
  CHECK(std::string(seatkey_entitlement_server_license(e.p)) == "100");
  CHECK(seatkey_entitlement_included_users(e.p) == 3);
  CHECK(seatkey_entitlement_pack_users(e.p) == 5);
  CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
  CHECK(seatkey_entitlement_max_users(e.p) == 20);
  CHECK(seatkey_entitlement_excess_users(e.p) == 0);
  std::int64_t until = 0;
  CHECK(seatkey_entitlement_updates_until(e.p, &until));
  CHECK(until == at("2027-12-31T23:59:59Z"));
  CHECK(seatkey_entitlement_updates_until(e.p, nullptr));
  CHECK(seatkey_entitlement_evaluated_at(e.p) == now());
  CHECK(seatkey_entitlement_updates_allowed(e.p, at("2027-12-31T23:59:59Z")));
  CHECK_FALSE(seatkey_entitlement_updates_allowed(e.p, at("2028-01-01T00:00:00Z")));
  CHECK(seatkey_entitlement_may_add_user(e.p, 7));
  CHECK_FALSE(seatkey_entitlement_may_add_user(e.p, 8));
  CHECK_FALSE(seatkey_entitlement_may_add_user(e.p, -1));

  REQUIRE(seatkey_entitlement_accepted_count(e.p) == 2);
  const seatkey_report* server_report = seatkey_entitlement_accepted(e.p, 0);
  CHECK(std::string(seatkey_report_serial(server_report)) == "100");
  CHECK(seatkey_report_kind(server_report) == SEATKEY_KIND_SERVER);
  CHECK(seatkey_report_users(server_report) == 3);
  CHECK(std::string(seatkey_report_source(server_report)) == "acme.lic:1");
  CHECK(seatkey_report_reason(server_report) == SEATKEY_REASON_NONE);
  CHECK(std::string(seatkey_report_message(server_report)) != "");
  const seatkey_report* pack_report = seatkey_entitlement_accepted(e.p, 1);
  CHECK(seatkey_report_kind(pack_report) == SEATKEY_KIND_USERS);
  CHECK(seatkey_report_users(pack_report) == 5);
  CHECK(seatkey_entitlement_accepted(e.p, 2) == nullptr);

  REQUIRE(seatkey_entitlement_rejected_count(e.p) == 3);
  const seatkey_report* wrong = seatkey_entitlement_rejected(e.p, 0);
  CHECK(seatkey_report_reason(wrong) == SEATKEY_REASON_WRONG_APPLIANCE);
  CHECK(std::string(seatkey_report_serial(wrong)) == "102");
  CHECK(std::string(seatkey_report_source(wrong)) == "acme.lic:3");
  CHECK(std::string(seatkey_report_message(wrong)).find(kOtherAppliance) != std::string::npos);
  const seatkey_report* garbage = seatkey_entitlement_rejected(e.p, 1);
  CHECK(seatkey_report_reason(garbage) == SEATKEY_REASON_MALFORMED);
  CHECK(seatkey_report_serial(garbage) == nullptr);
  CHECK(seatkey_report_kind(garbage) == SEATKEY_KIND_NONE);
  CHECK(seatkey_report_users(garbage) == 0);
  CHECK(seatkey_report_reason(seatkey_entitlement_rejected(e.p, 2)) == SEATKEY_REASON_DUPLICATE);
  CHECK(seatkey_entitlement_rejected(e.p, 3) == nullptr);

  // The same answers as the C++ API.
  auto set = seatkey::verifier::parse_licenses(text, "acme.lic").value();
  auto cpp = evaluate_ok(set);
  CHECK(cpp.rejected.size() == seatkey_entitlement_rejected_count(e.p));
  for (std::size_t i = 0; i < cpp.rejected.size(); ++i) {
    CHECK(cpp.rejected[i].message == seatkey_report_message(seatkey_entitlement_rejected(e.p, i)));
    CHECK(std::string(seatkey::verifier::reason_name(*cpp.rejected[i].reason)) ==
          seatkey_reason_name(seatkey_report_reason(seatkey_entitlement_rejected(e.p, i))));
  }
}

TEST_CASE(
    "evaluate text - a VM is unlimited, a Free edition's pack is free_edition, no server is unlicensed") {
  {
    Ent e;
    REQUIRE(eval_text(lines({server("1", Edition::vm).token(), pack("2", 5).token()}), e) == SEATKEY_OK);
    CHECK(seatkey_entitlement_max_users(e.p) == SEATKEY_UNLIMITED_USERS);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 6);
    CHECK_FALSE(seatkey_entitlement_updates_until(e.p, nullptr));
    CHECK(seatkey_entitlement_updates_allowed(e.p, at("2040-01-01T00:00:00Z")));
  }
  {
    Ent e;
    REQUIRE(eval_text(lines({server("1", Edition::free).token(), pack("2", 1).token()}), e) == SEATKEY_OK);
    CHECK(seatkey_entitlement_edition(e.p) == SEATKEY_EDITION_FREE);
    CHECK_FALSE(seatkey_entitlement_updates_allowed(e.p, now()));
    CHECK(seatkey_report_reason(seatkey_entitlement_rejected(e.p, 0)) == SEATKEY_REASON_FREE_EDITION);
  }
  {
    Ent e;
    REQUIRE(eval_text(lines({pack("2", 5).token()}), e) == SEATKEY_OK);
    CHECK_FALSE(seatkey_entitlement_licensed(e.p));
    CHECK(seatkey_entitlement_edition(e.p) == SEATKEY_EDITION_NONE);
    CHECK(seatkey_entitlement_server_license(e.p) == nullptr);
    CHECK(seatkey_entitlement_max_users(e.p) == 0);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 0);
    CHECK_FALSE(seatkey_entitlement_may_add_user(e.p, 0));
    CHECK(seatkey_report_reason(seatkey_entitlement_rejected(e.p, 0)) == SEATKEY_REASON_NO_SERVER_LICENSE);
  }
  {
    Ent e;  // an empty set is not an error
    REQUIRE(seatkey_evaluate_text(nullptr, 0, nullptr, kAppliance, nullptr, now(), &e.p, nullptr, 0) ==
            SEATKEY_OK);
    CHECK_FALSE(seatkey_entitlement_licensed(e.p));
    CHECK(seatkey_entitlement_accepted_count(e.p) + seatkey_entitlement_rejected_count(e.p) == 0);
  }
}

TEST_CASE("evaluate text - an explicit trust store without the signing key: unknown_key, not licensed") {
  const std::string other = key_a().public_key().to_paserk();
  const char* keys[] = {other.c_str()};
  Store s;
  REQUIRE(seatkey_trust_store_from_keys(keys, 1, &s.p, nullptr, 0) == SEATKEY_OK);
  Ent e;
  REQUIRE(eval_text(lines({server("1", Edition::compact).token()}), e, s.p) == SEATKEY_OK);
  CHECK_FALSE(seatkey_entitlement_licensed(e.p));
  CHECK(seatkey_report_reason(seatkey_entitlement_rejected(e.p, 0)) == SEATKEY_REASON_UNKNOWN_KEY);
  Ent signed_by_a;  // and licensed with the key it trusts
  REQUIRE(eval_text(lines({server("1", Edition::compact).token(key_a())}), signed_by_a, s.p) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed(signed_by_a.p));
}

TEST_CASE(
    "evaluate text - bad appliance ID, NULL arguments and an oversized set are errors, out stays NULL") {
  char err[256];
  Ent e;
  CHECK(eval_text("", e, nullptr, "00:1a:2b:3c:4d:5e!", err, sizeof err) == SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(std::string(err) != "");
  CHECK(eval_text("", e, nullptr, "", err, sizeof err) == SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(seatkey_evaluate_text(nullptr, 3, "t", kAppliance, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_text: text is NULL");
  CHECK(seatkey_evaluate_text("", 0, "t", nullptr, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_text: appliance_id is NULL");
  CHECK(seatkey_evaluate_text("", 0, "t", kAppliance, nullptr, now(), nullptr, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  std::string huge;
  for (int i = 0; i < 10001; ++i) huge += "x\n";
  CHECK(eval_text(huge, e, nullptr, kAppliance, err, sizeof err) == SEATKEY_TOO_LARGE);
  CHECK(e.p == nullptr);
}

TEST_CASE("evaluate path - a file and a directory, missing path is io_error, a bad ID wins over it") {
  Scratch dir;
  dir.write("1-server.lic", lines({server("1", Edition::appliance).token()}));
  const std::string packs = dir.write("2-packs.lic", lines({pack("2", 5).token()}));
  {
    Ent e;
    REQUIRE(seatkey_evaluate_path(dir.dir.c_str(), kAppliance, nullptr, now(), &e.p, nullptr, 0) ==
            SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 6);
    CHECK(std::string(seatkey_report_source(seatkey_entitlement_accepted(e.p, 1))) == packs + ":1");
  }
  {
    Ent e;
    REQUIRE(seatkey_evaluate_path(packs.c_str(), kAppliance, nullptr, now(), &e.p, nullptr, 0) == SEATKEY_OK);
    CHECK_FALSE(seatkey_entitlement_licensed(e.p));
  }
  char err[512];
  Ent e;
  const std::string missing = dir.dir + "/missing";
  CHECK(seatkey_evaluate_path(missing.c_str(), kAppliance, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_IO_ERROR);
  CHECK(std::string(err).find(missing) != std::string::npos);
  CHECK(seatkey_evaluate_path(missing.c_str(), "no", nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(seatkey_evaluate_path(nullptr, kAppliance, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_path: path is NULL");
  CHECK(seatkey_evaluate_path(packs.c_str(), nullptr, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_evaluate_path(packs.c_str(), kAppliance, nullptr, now(), nullptr, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(e.p == nullptr);
}

TEST_CASE("error buffer - NULL or size 0 is left alone, a short one is truncated at a UTF-8 boundary") {
  Ent e;
  CHECK(seatkey_evaluate_path(nullptr, kAppliance, nullptr, now(), &e.p, nullptr, 0) ==
        SEATKEY_INVALID_ARGUMENT);
  char untouched[4] = "abc";
  CHECK(seatkey_evaluate_path(nullptr, kAppliance, nullptr, now(), &e.p, untouched, 0) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(untouched) == "abc");
  char one[1];
  CHECK(seatkey_evaluate_path(nullptr, kAppliance, nullptr, now(), &e.p, one, sizeof one) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(one[0] == '\0');
  char eight[8];
  CHECK(seatkey_evaluate_path(nullptr, kAppliance, nullptr, now(), &e.p, eight, sizeof eight) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(eight) == "seatkey");
  // "/x/ü..." where the cut falls inside the two bytes of ü: the whole character goes.
  char err[64];
  std::string path = "/nonexistent-c-api-test/";
  while (path.size() < 200) path += "\xc3\xbc";
  CHECK(seatkey_evaluate_path(path.c_str(), kAppliance, nullptr, now(), &e.p, err, sizeof err) ==
        SEATKEY_IO_ERROR);
  const std::string got(err);
  CHECK(got.size() <= 63);
  CHECK(got.size() >= 62);
  CHECK((static_cast<unsigned char>(got.back()) & 0xC0) != 0xC0);  // never a dangling lead byte
}

TEST_CASE("entitlement and report getters - NULL handles give 0, false, NULL and NONE") {
  CHECK(seatkey_entitlement_appliance(nullptr) == nullptr);
  CHECK_FALSE(seatkey_entitlement_licensed(nullptr));
  CHECK(seatkey_entitlement_edition(nullptr) == SEATKEY_EDITION_NONE);
  CHECK(seatkey_entitlement_server_license(nullptr) == nullptr);
  CHECK(seatkey_entitlement_standby_for(nullptr) == nullptr);
  CHECK(seatkey_entitlement_included_users(nullptr) == 0);
  CHECK(seatkey_entitlement_pack_users(nullptr) == 0);
  CHECK(seatkey_entitlement_licensed_users(nullptr) == 0);
  CHECK(seatkey_entitlement_max_users(nullptr) == 0);
  CHECK(seatkey_entitlement_excess_users(nullptr) == 0);
  std::int64_t until = 42;
  CHECK_FALSE(seatkey_entitlement_updates_until(nullptr, &until));
  CHECK(until == 42);
  CHECK_FALSE(seatkey_entitlement_updates_allowed(nullptr, 0));
  CHECK(seatkey_entitlement_evaluated_at(nullptr) == 0);
  CHECK_FALSE(seatkey_entitlement_may_add_user(nullptr, 0));
  CHECK(seatkey_entitlement_accepted_count(nullptr) == 0);
  CHECK(seatkey_entitlement_accepted(nullptr, 0) == nullptr);
  CHECK(seatkey_entitlement_rejected_count(nullptr) == 0);
  CHECK(seatkey_entitlement_rejected(nullptr, 0) == nullptr);
  CHECK(seatkey_report_serial(nullptr) == nullptr);
  CHECK(seatkey_report_kind(nullptr) == SEATKEY_KIND_NONE);
  CHECK(seatkey_report_users(nullptr) == 0);
  CHECK(seatkey_report_source(nullptr) == nullptr);
  CHECK(seatkey_report_reason(nullptr) == SEATKEY_REASON_NONE);
  CHECK(seatkey_report_message(nullptr) == nullptr);
}

TEST_CASE("canonical appliance ID - canonical form, invalid ID, small buffer and NULLs are errors") {
  char out[65];
  REQUIRE(seatkey_canonical_appliance_id("00:1a:2b:3c:4d:5e", out, sizeof out, nullptr, 0) == SEATKEY_OK);
  CHECK(std::string(out) == kAppliance);
  char err[256];
  CHECK(seatkey_canonical_appliance_id("00:1a:2b:3c:4d:5e!", out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(std::string(out).empty());
  char small[12];  // 12 characters need 13 bytes
  CHECK(seatkey_canonical_appliance_id("001A2B3C4D5E", small, sizeof small, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(small).empty());
  CHECK(std::string(err).find("too small") != std::string::npos);
  CHECK(seatkey_canonical_appliance_id(nullptr, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_canonical_appliance_id("001A2B3C4D5E", nullptr, 0, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
}

TEST_CASE("time helpers - parse, format and the clock, a bad time, NULLs and a small buffer fail") {
  std::int64_t t = 0;
  REQUIRE(seatkey_parse_time("2026-11-28T11:00:00+01:00", &t, nullptr, 0) == SEATKEY_OK);
  CHECK(t == now());
  char err[256];
  CHECK(seatkey_parse_time("2026-02-30T00:00:00Z", &t, err, sizeof err) == SEATKEY_INVALID_TIME);
  CHECK(seatkey_parse_time(nullptr, &t, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_parse_time(kNow, nullptr, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);

  char buf[21];
  REQUIRE(seatkey_format_time(now(), buf, sizeof buf));
  CHECK(std::string(buf) == kNow);
  char small[20];
  CHECK_FALSE(seatkey_format_time(now(), small, sizeof small));
  CHECK(std::string(small).empty());
  CHECK_FALSE(seatkey_format_time(now(), nullptr, 21));

  const std::int64_t clock = seatkey_current_time();
  CHECK(clock >= static_cast<std::int64_t>(std::time(nullptr)) - 5);
  CHECK(clock <= static_cast<std::int64_t>(std::time(nullptr)) + 5);
}

TEST_CASE("time helpers - only years 0000-9999 in UTC parse, so 21 bytes hold every time parsed") {
  constexpr std::int64_t kFirst = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
  char err[256];
  std::int64_t t = 0;
  // An offset that carries a time past either end is refused, with or without it being typed
  // as the end itself.
  for (const char* text :
       {"9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-00:01", "9999-12-31T23:00:00-01:00",
        "0000-01-01T00:00:00+00:01", "0000-01-01T00:00:00+23:59", "0000-01-01T00:59:59+01:00"}) {
    CAPTURE(text);
    t = 7;
    CHECK(seatkey_parse_time(text, &t, err, sizeof err) == SEATKEY_INVALID_TIME);
    CHECK(std::string(err).find(text) != std::string::npos);
    CHECK(t == 7);
  }
  // The ends, however they are written.
  const std::pair<const char*, std::int64_t> ends[] = {
      {"9999-12-31T23:59:59Z", kLast},          {"9999-12-31T22:59:59-01:00", kLast},
      {"9999-12-31T23:59:59.999+00:00", kLast}, {"0000-01-01T00:00:00Z", kFirst},
      {"0000-01-01T01:00:00+01:00", kFirst},    {"0000-01-01T23:59:59+23:59", kFirst + 59}};
  for (const auto& end : ends) {
    CAPTURE(end.first);
    REQUIRE(seatkey_parse_time(end.first, &t, err, sizeof err) == SEATKEY_OK);
    CHECK(t == end.second);
  }

  // format(parse(x)) is 20 characters and parses again to the same time: every year's first and
  // last second, and a walk over the range whose step (97 days, 1 h, 7 s) hits every month,
  // day, hour, minute and second value.
  const auto round_trip = [&](std::int64_t u) {
    CAPTURE(u);
    char buf[21];
    REQUIRE(seatkey_format_time(u, buf, sizeof buf));
    CHECK(std::strlen(buf) == 20);
    std::int64_t back = 0;
    REQUIRE(seatkey_parse_time(buf, &back, err, sizeof err) == SEATKEY_OK);
    CHECK(back == u);
  };
  char text[32];
  for (int year = 0; year <= 9999; ++year) {
    for (const char* rest : {"-01-01T00:00:00Z", "-12-31T23:59:59Z"}) {
      std::snprintf(text, sizeof text, "%04d%s", year, rest);
      REQUIRE(seatkey_parse_time(text, &t, err, sizeof err) == SEATKEY_OK);
      char buf[21];
      REQUIRE(seatkey_format_time(t, buf, sizeof buf));
      CHECK(std::string(buf) == text);
    }
  }
  for (std::int64_t u = kFirst; u <= kLast; u += 97 * 86400 + 3607) round_trip(u);
  round_trip(kFirst);
  round_trip(kLast);
  round_trip(0);

  // Just outside: 21 bytes no longer suffice, and what would be printed does not parse.
  char buf[21];
  CHECK_FALSE(seatkey_format_time(kLast + 1, buf, sizeof buf));
  char wide[32];
  REQUIRE(seatkey_format_time(kLast + 1, wide, sizeof wide));
  CHECK(std::string(wide) == "10000-01-01T00:00:00Z");
  CHECK(seatkey_parse_time(wide, &t, err, sizeof err) == SEATKEY_INVALID_TIME);
}

namespace {

struct Options {
  seatkey_options* p = nullptr;
  Options() { REQUIRE(seatkey_options_new(&p, nullptr, 0) == SEATKEY_OK); }
  ~Options() { seatkey_options_free(p); }
};

}  // namespace

TEST_CASE("names - grace reasons and warnings have their docs/format.md names, others are unknown") {
  CHECK(std::string(seatkey_grace_reason_name(SEATKEY_GRACE_NONE)) == "none");
  CHECK(std::string(seatkey_grace_reason_name(SEATKEY_GRACE_APPLIANCE_CHANGED)) == "appliance_changed");
  CHECK(std::string(seatkey_grace_reason_name(SEATKEY_GRACE_LICENSES_UNREADABLE)) == "licenses_unreadable");
  CHECK(std::string(seatkey_grace_reason_name(SEATKEY_GRACE_LICENSES_DAMAGED)) == "licenses_damaged");
  CHECK(std::string(seatkey_grace_reason_name(static_cast<seatkey_grace_reason>(4))) == "unknown");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_NONE)) == "none");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_STATE_MISSING)) == "state_missing");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_STATE_UNREADABLE)) == "state_unreadable");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_STATE_DAMAGED)) == "state_damaged");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_STATE_NOT_SAVED)) == "state_not_saved");
  CHECK(std::string(seatkey_warning_name(SEATKEY_WARNING_LICENSES_UNREADABLE)) == "licenses_unreadable");
  CHECK(std::string(seatkey_warning_name(static_cast<seatkey_warning>(6))) == "unknown");
}

TEST_CASE("options - new and free, setters check their range, NULL is invalid_argument") {
  seatkey_options* o = nullptr;
  char err[256];
  CHECK(seatkey_options_new(nullptr, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_options_new: out is NULL");
  REQUIRE(seatkey_options_new(&o, err, sizeof err) == SEATKEY_OK);
  CHECK(seatkey_options_set_now(o, 5) == SEATKEY_OK);
  CHECK(seatkey_options_set_min_time(o, 5) == SEATKEY_OK);
  CHECK(seatkey_options_set_state_path(o, "/nonexistent/state.json") == SEATKEY_OK);
  CHECK(seatkey_options_set_state_path(o, nullptr) == SEATKEY_OK);
  CHECK(seatkey_options_set_grace_days(o, 0) == SEATKEY_OK);
  CHECK(seatkey_options_set_grace_days(o, 3650) == SEATKEY_OK);
  CHECK(seatkey_options_set_grace_days(o, -1) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_grace_days(o, 3651) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_warn_days(o, 0) == SEATKEY_OK);
  CHECK(seatkey_options_set_warn_days(o, -1) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_warn_days(o, 3651) == SEATKEY_INVALID_ARGUMENT);
  seatkey_options_free(o);
  seatkey_options_free(nullptr);
  CHECK(seatkey_options_set_now(nullptr, 0) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_min_time(nullptr, 0) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_state_path(nullptr, "x") == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_grace_days(nullptr, 1) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_warn_days(nullptr, 1) == SEATKEY_INVALID_ARGUMENT);

  CHECK(seatkey_default_grace_days() == 30);
  std::int64_t t = 42;
  CHECK_FALSE(seatkey_build_time(&t));  // not a firmware build
  CHECK(t == 42);
  CHECK_FALSE(seatkey_build_time(nullptr));
}

TEST_CASE("evaluate with options - the clock floor, expiry warnings and report expiry times") {
  Options o;
  const std::int64_t t = at("2026-12-01T00:00:00Z");
  const std::string text = lines({server("1", Edition::compact).iat("2026-12-01T00:00:00Z").token(),
                                  pack("2", 5).exp("2026-12-20T00:00:00Z").token(), pack("3", 1).token()});
  REQUIRE(seatkey_options_set_now(o.p, 0) == SEATKEY_OK);
  Ent e;
  REQUIRE(seatkey_evaluate_text_with_options(text.data(), text.size(), "c.lic", kAppliance, nullptr, o.p,
                                             &e.p, nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed_users(e.p) == 9);
  CHECK(seatkey_entitlement_clock(e.p) == 0);
  std::int64_t floor = 0;
  REQUIRE(seatkey_entitlement_clock_floor(e.p, &floor));
  CHECK(floor == t);
  CHECK(seatkey_entitlement_clock_floor(e.p, nullptr));
  CHECK(seatkey_entitlement_clock_behind(e.p));
  CHECK(seatkey_entitlement_evaluated_at(e.p) == t);
  REQUIRE(seatkey_entitlement_expiring_count(e.p) == 1);
  const seatkey_report* x = seatkey_entitlement_expiring(e.p, 0);
  CHECK(x == seatkey_entitlement_accepted(e.p, 1));
  std::int64_t expires = 0;
  REQUIRE(seatkey_report_expires(x, &expires));
  CHECK(expires == at("2026-12-20T00:00:00Z"));
  CHECK(seatkey_report_expires(x, nullptr));
  CHECK_FALSE(seatkey_report_expires(seatkey_entitlement_accepted(e.p, 0), &expires));
  CHECK(seatkey_entitlement_expiring(e.p, 1) == nullptr);
  CHECK_FALSE(seatkey_entitlement_grace(e.p, nullptr, nullptr));
  CHECK(seatkey_entitlement_warning_count(e.p) == 0);

  REQUIRE(seatkey_options_set_warn_days(o.p, 10) == SEATKEY_OK);
  REQUIRE(seatkey_options_set_min_time(o.p, at("2026-12-05T00:00:00Z")) == SEATKEY_OK);
  Ent later;
  REQUIRE(seatkey_evaluate_text_with_options(text.data(), text.size(), nullptr, kAppliance, nullptr, o.p,
                                             &later.p, nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_evaluated_at(later.p) == at("2026-12-05T00:00:00Z"));
  CHECK(seatkey_entitlement_expiring_count(later.p) == 0);  // 15 days left, over 10
}

TEST_CASE("evaluate with options - a state file: grace after the ID changes, warnings, an unreadable path") {
  Scratch dir;
  const std::string lic =
      dir.write("a.lic", lines({server("1", Edition::compact).token(), pack("2", 5).token()}));
  const std::string state = dir.dir + "/state.json";
  Options o;
  REQUIRE(seatkey_options_set_state_path(o.p, state.c_str()) == SEATKEY_OK);
  REQUIRE(seatkey_options_set_now(o.p, now()) == SEATKEY_OK);
  {
    Ent e;
    REQUIRE(seatkey_evaluate_path_with_options(lic.c_str(), kAppliance, nullptr, o.p, &e.p, nullptr, 0) ==
            SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
    REQUIRE(seatkey_entitlement_warning_count(e.p) == 1);
    CHECK(seatkey_entitlement_warning_code(e.p, 0) == SEATKEY_WARNING_STATE_MISSING);
    CHECK(std::string(seatkey_entitlement_warning_message(e.p, 0)).find(state) != std::string::npos);
    CHECK(seatkey_entitlement_warning_code(e.p, 1) == SEATKEY_WARNING_NONE);
    CHECK(seatkey_entitlement_warning_message(e.p, 1) == nullptr);
  }
  REQUIRE(seatkey_options_set_now(o.p, now() + 86400) == SEATKEY_OK);
  {
    Ent e;
    REQUIRE(seatkey_evaluate_path_with_options(lic.c_str(), kOtherAppliance, nullptr, o.p, &e.p, nullptr,
                                               0) == SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed(e.p));
    CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
    std::int64_t since = 0, until = 0;
    REQUIRE(seatkey_entitlement_grace(e.p, &since, &until));
    CHECK(since == now() + 86400);
    CHECK(until == now() + 31 * 86400);
    CHECK(seatkey_entitlement_grace(e.p, nullptr, nullptr));
    CHECK(seatkey_entitlement_grace_reason(e.p) == SEATKEY_GRACE_APPLIANCE_CHANGED);
    CHECK(std::string(seatkey_entitlement_grace_message(e.p)).find(kOtherAppliance) != std::string::npos);
    CHECK(seatkey_entitlement_warning_count(e.p) == 0);
  }
  {
    // The licenses gone: with a state file a warning, not an error; grace goes on.
    Ent e;
    const std::string missing = dir.dir + "/missing.lic";
    REQUIRE(seatkey_evaluate_path_with_options(missing.c_str(), kOtherAppliance, nullptr, o.p, &e.p, nullptr,
                                               0) == SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed(e.p));
    CHECK(seatkey_entitlement_grace_reason(e.p) == SEATKEY_GRACE_APPLIANCE_CHANGED);
    REQUIRE(seatkey_entitlement_warning_count(e.p) == 1);
    CHECK(seatkey_entitlement_warning_code(e.p, 0) == SEATKEY_WARNING_LICENSES_UNREADABLE);
    CHECK(std::string(seatkey_entitlement_warning_message(e.p, 0)).find(missing) != std::string::npos);
    // Without one, the same path is an error as ever.
    Options plain;
    Ent none;
    char err[512];
    CHECK(seatkey_evaluate_path_with_options(missing.c_str(), kAppliance, nullptr, plain.p, &none.p, err,
                                             sizeof err) == SEATKEY_IO_ERROR);
    CHECK(std::string(err).find(missing) != std::string::npos);
    CHECK(none.p == nullptr);
  }
}

TEST_CASE("evaluate with options - NULL arguments and a bad ID are errors, out stays NULL") {
  Options o;
  char err[256];
  Ent e;
  CHECK(seatkey_evaluate_text_with_options("", 0, "t", kAppliance, nullptr, nullptr, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_text_with_options: options is NULL");
  CHECK(seatkey_evaluate_text_with_options(nullptr, 3, "t", kAppliance, nullptr, o.p, &e.p, err,
                                           sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_text_with_options: text is NULL");
  CHECK(seatkey_evaluate_text_with_options("", 0, "t", nullptr, nullptr, o.p, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_text_with_options: appliance_id is NULL");
  CHECK(seatkey_evaluate_text_with_options("", 0, "t", kAppliance, nullptr, o.p, nullptr, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_evaluate_text_with_options("", 0, "t", "!", nullptr, o.p, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(seatkey_evaluate_path_with_options(nullptr, kAppliance, nullptr, o.p, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_path_with_options: path is NULL");
  CHECK(seatkey_evaluate_path_with_options("/x", nullptr, nullptr, o.p, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_evaluate_path_with_options("/x", kAppliance, nullptr, nullptr, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_evaluate_path_with_options: options is NULL");
  CHECK(seatkey_evaluate_path_with_options("/x", kAppliance, nullptr, o.p, nullptr, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_evaluate_path_with_options("/nonexistent", "!", nullptr, o.p, &e.p, err, sizeof err) ==
        SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(e.p == nullptr);
}

TEST_CASE("new entitlement and report getters - NULL handles give 0, false, NULL and NONE") {
  std::int64_t t = 42;
  CHECK(seatkey_entitlement_clock(nullptr) == 0);
  CHECK_FALSE(seatkey_entitlement_clock_floor(nullptr, &t));
  CHECK_FALSE(seatkey_entitlement_clock_behind(nullptr));
  CHECK_FALSE(seatkey_entitlement_grace(nullptr, &t, &t));
  CHECK(t == 42);
  CHECK(seatkey_entitlement_grace_reason(nullptr) == SEATKEY_GRACE_NONE);
  CHECK(seatkey_entitlement_grace_message(nullptr) == nullptr);
  CHECK(seatkey_entitlement_expiring_count(nullptr) == 0);
  CHECK(seatkey_entitlement_expiring(nullptr, 0) == nullptr);
  CHECK(seatkey_entitlement_warning_count(nullptr) == 0);
  CHECK(seatkey_entitlement_warning_code(nullptr, 0) == SEATKEY_WARNING_NONE);
  CHECK(seatkey_entitlement_warning_message(nullptr, 0) == nullptr);
  CHECK_FALSE(seatkey_report_expires(nullptr, &t));
  CHECK(t == 42);
  Ent e;  // an entitlement without a grace: the grace getters give nothing either
  REQUIRE(eval_text(lines({server("1", Edition::compact).token()}), e) == SEATKEY_OK);
  CHECK(seatkey_entitlement_grace_reason(e.p) == SEATKEY_GRACE_NONE);
  CHECK(seatkey_entitlement_grace_message(e.p) == nullptr);
  CHECK_FALSE(seatkey_entitlement_grace(e.p, &t, &t));
  CHECK(seatkey_entitlement_clock(e.p) == now());
}

TEST_CASE(
    "revocation lists - the seq of the one that applies, its report of kind revocation, revoked licenses") {
  seatkey::RevocationList list;
  list.issuer = "Example PBX Vendor";
  list.serial = "9";
  list.issued_at = at("2026-11-20T09:00:00Z");
  list.seq = 4;
  list.revoked = {"2"};
  const std::string token = sign_payload(seatkey::to_payload_json(list));
  Ent e;
  REQUIRE(eval_text(lines({server("1", Edition::compact).token(), pack("2", 5).token(), token}), e) ==
          SEATKEY_OK);
  std::int64_t seq = 0;
  REQUIRE(seatkey_entitlement_revocation_seq(e.p, &seq));
  CHECK(seq == 4);
  CHECK(seatkey_entitlement_revocation_seq(e.p, nullptr));
  CHECK(seatkey_entitlement_licensed_users(e.p) == 3);
  REQUIRE(seatkey_entitlement_accepted_count(e.p) == 2);
  const seatkey_report* r = seatkey_entitlement_accepted(e.p, 1);
  CHECK(seatkey_report_kind(r) == SEATKEY_KIND_REVOCATION);
  CHECK(std::string(seatkey_report_serial(r)) == "9");
  CHECK(seatkey_report_users(r) == 0);
  REQUIRE(seatkey_entitlement_rejected_count(e.p) == 1);
  const seatkey_report* revoked = seatkey_entitlement_rejected(e.p, 0);
  CHECK(seatkey_report_reason(revoked) == SEATKEY_REASON_REVOKED);
  CHECK(std::string(seatkey_reason_name(seatkey_report_reason(revoked))) == "revoked");

  Ent none;  // no list: false, *seq untouched
  REQUIRE(eval_text(lines({server("1", Edition::compact).token()}), none) == SEATKEY_OK);
  seq = 42;
  CHECK_FALSE(seatkey_entitlement_revocation_seq(none.p, &seq));
  CHECK(seq == 42);
  CHECK_FALSE(seatkey_entitlement_revocation_seq(nullptr, &seq));
}

TEST_CASE("options - a revocation list set beside the built-in one is a floor under any list of the set") {
  const auto list_of = [](const char* serial, std::int64_t seq, std::vector<std::string> revoked) {
    seatkey::RevocationList list;
    list.issuer = "Example PBX Vendor";
    list.serial = serial;
    list.issued_at = at("2026-11-20T09:00:00Z");
    list.seq = seq;
    for (const std::string& s : revoked) list.revoked.push_back(s);
    return sign_payload(seatkey::to_payload_json(list));
  };
  Options options;
  seatkey_options* o = options.p;
  REQUIRE(seatkey_options_set_now(o, now()) == SEATKEY_OK);
  const std::string kept = list_of("9", 2, {"2"}) + "\n";  // as `revocations issue` prints it
  REQUIRE(seatkey_options_set_revocation_list(o, kept.data(), kept.size(), "/firmware/revocations") ==
          SEATKEY_OK);
  // A rogue list with the highest seq there is and nothing revoked does not revive pack 2.
  const std::string text = lines(
      {server("1", Edition::compact).token(), pack("2", 5).token(), list_of("99", 9007199254740991, {})});
  Ent e;
  REQUIRE(seatkey_evaluate_text_with_options(text.data(), text.size(), "t", kAppliance, nullptr, o, &e.p,
                                             nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed_users(e.p) == 3);
  std::int64_t seq = 0;
  REQUIRE(seatkey_entitlement_revocation_seq(e.p, &seq));
  CHECK(seq == 9007199254740991);
  REQUIRE(seatkey_entitlement_rejected_count(e.p) == 1);
  const seatkey_report* revoked = seatkey_entitlement_rejected(e.p, 0);
  CHECK(seatkey_report_reason(revoked) == SEATKEY_REASON_REVOKED);
  CHECK(std::string(seatkey_report_message(revoked)) ==
        "revoked by the vendor: named in revocation list 9 (seq 2) from /firmware/revocations");
  REQUIRE(seatkey_entitlement_accepted_count(e.p) == 3);  // the server license and both lists
  const seatkey_report* floor = seatkey_entitlement_accepted(e.p, 2);
  CHECK(std::string(seatkey_report_source(floor)) == "/firmware/revocations");
  CHECK(seatkey_report_kind(floor) == SEATKEY_KIND_REVOCATION);

  // A token that does not verify revokes nothing and is reported with its reason; source NULL
  // is "options".
  const std::string other = list_of("9", 2, {"2"});
  const std::string foreign = sign_payload(seatkey::to_payload_json([] {
                                             seatkey::RevocationList l;
                                             l.issuer = "X";
                                             l.serial = "8";
                                             l.issued_at = at("2026-11-20T09:00:00Z");
                                             l.seq = 3;
                                             l.revoked = {"2"};
                                             return l;
                                           }()),
                                           key_a());
  REQUIRE(seatkey_options_set_revocation_list(o, foreign.data(), foreign.size(), nullptr) == SEATKEY_OK);
  const std::string plain = lines({server("1", Edition::compact).token(), pack("2", 5).token()});
  Ent bad;
  REQUIRE(seatkey_evaluate_text_with_options(plain.data(), plain.size(), "t", kAppliance, nullptr, o, &bad.p,
                                             nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed_users(bad.p) == 8);
  REQUIRE(seatkey_entitlement_rejected_count(bad.p) == 1);
  CHECK(seatkey_report_reason(seatkey_entitlement_rejected(bad.p, 0)) == SEATKEY_REASON_UNKNOWN_KEY);
  CHECK(std::string(seatkey_report_source(seatkey_entitlement_rejected(bad.p, 0))) == "options");

  // NULL: back to the built-in list alone (none in this build).
  REQUIRE(seatkey_options_set_revocation_list(o, nullptr, 0, nullptr) == SEATKEY_OK);
  Ent none;
  REQUIRE(seatkey_evaluate_text_with_options(plain.data(), plain.size(), "t", kAppliance, nullptr, o, &none.p,
                                             nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed_users(none.p) == 8);
  CHECK_FALSE(seatkey_entitlement_revocation_seq(none.p, nullptr));

  // Bad arguments leave the options as they were.
  CHECK(seatkey_options_set_revocation_list(nullptr, other.data(), other.size(), nullptr) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_options_set_revocation_list(o, nullptr, 5, nullptr) == SEATKEY_INVALID_ARGUMENT);
  const std::string huge(1024 * 1024 + 1, 'x');
  CHECK(seatkey_options_set_revocation_list(o, huge.data(), huge.size(), nullptr) ==
        SEATKEY_INVALID_ARGUMENT);
  Ent still;
  REQUIRE(seatkey_evaluate_text_with_options(plain.data(), plain.size(), "t", kAppliance, nullptr, o,
                                             &still.p, nullptr, 0) == SEATKEY_OK);
  CHECK_FALSE(seatkey_entitlement_revocation_seq(still.p, nullptr));
}

TEST_CASE("evaluate text - a standby: the primary's licenses count, standby_for names the primary") {
  const std::string text = lines({
      standby("300", kOtherAppliance).token(),
      server("100", Edition::vm).appliance(kOtherAppliance).token(),
      pack("101", 5).appliance(kOtherAppliance).token(),
  });
  Ent e;
  REQUIRE(eval_text(text, e) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed(e.p));
  REQUIRE(seatkey_entitlement_standby_for(e.p) != nullptr);
  CHECK(std::string(seatkey_entitlement_standby_for(e.p)) == kOtherAppliance);
  CHECK(std::string(seatkey_entitlement_server_license(e.p)) == "100");
  CHECK(seatkey_entitlement_licensed_users(e.p) == 6);
  REQUIRE(seatkey_entitlement_accepted_count(e.p) == 3);
  const seatkey_report* r = seatkey_entitlement_accepted(e.p, 0);
  CHECK(seatkey_report_kind(r) == SEATKEY_KIND_STANDBY);
  CHECK(seatkey_report_users(r) == 0);
  // Not a standby: NULL.
  Ent own;
  REQUIRE(eval_text(lines({server("100", Edition::vm).token()}), own) == SEATKEY_OK);
  CHECK(seatkey_entitlement_standby_for(own.p) == nullptr);
}

TEST_CASE("development key - its ID, and what it signed is flagged in the entitlement and the reports") {
  CHECK(std::string(seatkey_development_key_id()) == kDevKid);

  Ent dev;
  REQUIRE(eval_text(lines({server("1", Edition::compact).token(), pack("2", 5).token()}), dev) == SEATKEY_OK);
  CHECK(seatkey_entitlement_development_key(dev.p));
  CHECK(seatkey_report_development_key(seatkey_entitlement_accepted(dev.p, 0)));
  CHECK(seatkey_report_development_key(seatkey_entitlement_accepted(dev.p, 1)));

  // Another key's licenses, and a development key's pack for another appliance (rejected).
  const std::string a_key = key_a().public_key().to_paserk();
  const char* keys[] = {a_key.c_str(), kDevKey};
  Store trust;
  REQUIRE(seatkey_trust_store_from_keys(keys, 2, &trust.p, nullptr, 0) == SEATKEY_OK);
  Ent other;
  REQUIRE(eval_text(lines({server("1", Edition::compact).token(key_a()),
                           pack("2", 5).appliance(kOtherAppliance).token()}),
                    other, trust.p) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed(other.p));
  CHECK_FALSE(seatkey_entitlement_development_key(other.p));
  CHECK_FALSE(seatkey_report_development_key(seatkey_entitlement_accepted(other.p, 0)));
  CHECK(seatkey_report_development_key(seatkey_entitlement_rejected(other.p, 0)));

  CHECK_FALSE(seatkey_entitlement_development_key(nullptr));
  CHECK_FALSE(seatkey_report_development_key(nullptr));
}

TEST_CASE("64-bit times - licenses and clocks past 2038 through the C API") {
  std::int64_t t = 0;
  REQUIRE(seatkey_parse_time("2106-02-07T06:28:16Z", &t, nullptr, 0) == SEATKEY_OK);
  CHECK(t == 4294967296);
  char text[21];
  REQUIRE(seatkey_format_time(2147483648, text, sizeof text));
  CHECK(std::string(text) == "2038-01-19T03:14:08Z");

  const std::string set =
      lines({server("1", Edition::compact).iat("2039-06-01T09:00:00Z").token(),
             pack("2", 5).iat("2039-06-01T09:00:00Z").exp("2040-06-01T00:00:00Z").token()});
  Options o;
  REQUIRE(seatkey_options_set_now(o.p, at("2040-01-01T00:00:00Z")) == SEATKEY_OK);
  Ent e;
  REQUIRE(seatkey_evaluate_text_with_options(set.data(), set.size(), nullptr, kAppliance, nullptr, o.p, &e.p,
                                             nullptr, 0) == SEATKEY_OK);
  CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
  CHECK(seatkey_entitlement_evaluated_at(e.p) == at("2040-01-01T00:00:00Z"));
  std::int64_t floor = 0, expires = 0;
  REQUIRE(seatkey_entitlement_clock_floor(e.p, &floor));
  CHECK(floor == at("2039-06-01T09:00:00Z"));
  REQUIRE(seatkey_report_expires(seatkey_entitlement_accepted(e.p, 1), &expires));
  CHECK(expires == at("2040-06-01T00:00:00Z"));
}

// ---- Activation

namespace {

constexpr const char* kCode = "NN47G-3VN9Z-F5J9P-YFBEM";

}  // namespace

TEST_CASE("report code - the number of the activation code a license was issued from, else false") {
  Ent e;
  REQUIRE(eval_text(lines({server("1", Edition::compact).code(1234).token(), pack("2", 5).token()}), e) ==
          SEATKEY_OK);
  std::int64_t code = 0;
  CHECK(seatkey_report_code(seatkey_entitlement_accepted(e.p, 0), &code));
  CHECK(code == 1234);
  CHECK(seatkey_report_code(seatkey_entitlement_accepted(e.p, 0), nullptr));
  code = 42;
  CHECK_FALSE(seatkey_report_code(seatkey_entitlement_accepted(e.p, 1), &code));
  CHECK_FALSE(seatkey_report_code(nullptr, &code));
  CHECK(code == 42);
}

TEST_CASE("check activation code - normalized, a typo names its group, a small buffer and NULLs are errors") {
  char out[SEATKEY_ACTIVATION_CODE_SIZE];
  char err[256];
  CHECK(seatkey_check_activation_code("nn47g 3vn9z f5j9p yfbem", out, sizeof out, err, sizeof err) ==
        SEATKEY_OK);
  CHECK(std::string(out) == kCode);
  CHECK(seatkey_check_activation_code("NN47G-3VN9Z-F5J9P-YFBME", out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_CODE);
  CHECK(std::string(err) == "group 4 (YFBME) has a typo: compare it with the code as printed");
  CHECK(std::string(out).empty());
  CHECK(seatkey_check_activation_code(kCode, out, sizeof out - 1, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(out).empty());
  CHECK(std::string(err) == "seatkey_check_activation_code: out_size 23 is too small for 24 bytes");
  CHECK(seatkey_check_activation_code(nullptr, out, sizeof out, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_check_activation_code(kCode, nullptr, 0, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_check_activation_code: out is NULL");
}

TEST_CASE("activation request - the longest fits SEATKEY_ACTIVATION_REQUEST_SIZE, errors name the problem") {
  char out[SEATKEY_ACTIVATION_REQUEST_SIZE];
  char err[256];
  const char* codes[] = {kCode, "QVHV9-6YBWG-T9HEC-1HN6Y"};
  CHECK(seatkey_activation_request("00:1a:2b:3c:4d:5e", codes, 2, now(), out, sizeof out, err, sizeof err) ==
        SEATKEY_OK);
  auto read = seatkey::parse_activation_request(out);
  REQUIRE(read.ok());
  CHECK(read->appliance == kAppliance);
  CHECK(read->codes.size() == 2);
  CHECK(read->time == now());
  CHECK(seatkey_activation_request(kAppliance, nullptr, 0, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_OK);
  // The longest request: a 64-character ID of letters and 8 codes.
  std::vector<std::string> eight;
  std::vector<const char*> pointers;
  for (int i = 0; i < 9; ++i) {
    seatkey::ActivationCode::Bits bits{};
    bits[0] = static_cast<unsigned char>(i);
    eight.push_back(seatkey::ActivationCode::from_bits(bits).text());
  }
  for (const auto& c : eight) pointers.push_back(c.c_str());
  const std::string longest_id(64, 'Z');
  CHECK(seatkey_activation_request(longest_id.c_str(), pointers.data(), 8, 68719476735, out, sizeof out, err,
                                   sizeof err) == SEATKEY_OK);
  CHECK(std::strlen(out) == SEATKEY_ACTIVATION_REQUEST_SIZE - 1);
  CHECK(seatkey_activation_request(longest_id.c_str(), pointers.data(), 8, 0, out, sizeof out - 1, err,
                                   sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(out).empty());
  CHECK(seatkey_activation_request(kAppliance, pointers.data(), 9, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "an activation request carries at most 8 codes, not 9");
  const char* typo[] = {"NN47G-3VN9Z-F5J9P-YFBME"};
  CHECK(seatkey_activation_request(kAppliance, typo, 1, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_CODE);
  CHECK(std::string(err) == "code 1: group 4 (YFBME) has a typo: compare it with the code as printed");
  CHECK(seatkey_activation_request("no id!", nullptr, 0, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_APPLIANCE_ID);
  CHECK(seatkey_activation_request(kAppliance, nullptr, 0, -1, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_TIME);
  const char* null_code[] = {kCode, nullptr};
  CHECK(seatkey_activation_request(kAppliance, null_code, 2, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "seatkey_activation_request: codes[1] is NULL");
  CHECK(seatkey_activation_request(kAppliance, nullptr, 1, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_activation_request(nullptr, nullptr, 0, 0, out, sizeof out, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
  CHECK(seatkey_activation_request(kAppliance, nullptr, 0, 0, nullptr, 0, err, sizeof err) ==
        SEATKEY_INVALID_ARGUMENT);
}

TEST_CASE("install - installed, refused naming the reason, forced, and its errors") {
  Scratch s;
  const std::string dir = s.dir + "/licenses";
  REQUIRE(mkdir(dir.c_str(), 0755) == 0);
  Store trust;
  REQUIRE(seatkey_trust_store_from_keys(&kDevKey, 1, &trust.p, nullptr, 0) == SEATKEY_OK);
  seatkey_options* options = nullptr;
  REQUIRE(seatkey_options_new(&options, nullptr, 0) == SEATKEY_OK);
  REQUIRE(seatkey_options_set_now(options, now()) == SEATKEY_OK);
  const std::string more =
      s.write("more.lic", lines({server("1", Edition::compact).token(), pack("2", 5).token()}));
  const std::string less = s.write("less.lic", lines({server("1", Edition::compact).token()}));
  char err[256] = "";
  seatkey_refusal refusal = SEATKEY_REFUSAL_DAMAGED;
  {
    Ent e;
    CHECK(seatkey_install_license_file(more.c_str(), dir.c_str(), kAppliance, trust.p, options, false,
                                       &refusal, &e.p, err, sizeof err) == SEATKEY_OK);
    CHECK(refusal == SEATKEY_REFUSAL_NONE);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
    CHECK(std::string(seatkey_report_source(seatkey_entitlement_accepted(e.p, 0))) == dir + "/license.lic:1");
  }
  {
    Ent e;
    CHECK(seatkey_install_license_file(less.c_str(), dir.c_str(), kAppliance, trust.p, options, false,
                                       &refusal, &e.p, err, sizeof err) == SEATKEY_REFUSED);
    CHECK(e.p == nullptr);
    CHECK(refusal == SEATKEY_REFUSAL_FEWER_USERS);
    CHECK(std::string(err) == "it would license fewer users: 3, against 8 now");
  }
  {
    Ent e;
    CHECK(seatkey_install_license_file(less.c_str(), dir.c_str(), kAppliance, trust.p, options, true, nullptr,
                                       &e.p, err, sizeof err) == SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 3);
    CHECK(std::string(err) == "it would license fewer users: 3, against 8 now");
  }
  {
    Ent e;  // NULL trust and options: the built-in keys (the development key in a test build), the clock
    CHECK(seatkey_install_license_file(more.c_str(), dir.c_str(), kAppliance, nullptr, nullptr, false,
                                       &refusal, &e.p, err, sizeof err) == SEATKEY_OK);
    CHECK(seatkey_entitlement_licensed_users(e.p) == 8);
  }
  {
    Ent e;
    const std::string other =
        s.write("other.lic", lines({server("9", Edition::vm).appliance(kOtherAppliance).token()}));
    CHECK(seatkey_install_license_file(other.c_str(), dir.c_str(), kAppliance, trust.p, options, true,
                                       &refusal, &e.p, err, sizeof err) == SEATKEY_REFUSED);
    CHECK(refusal == SEATKEY_REFUSAL_WRONG_APPLIANCE);
    CHECK(e.p == nullptr);
  }
  Ent e;
  CHECK(seatkey_install_license_file((s.dir + "/missing").c_str(), dir.c_str(), kAppliance, trust.p, options,
                                     false, &refusal, &e.p, err, sizeof err) == SEATKEY_IO_ERROR);
  CHECK(refusal == SEATKEY_REFUSAL_NONE);
  CHECK(seatkey_install_license_file(more.c_str(), dir.c_str(), "no id!", trust.p, options, false, &refusal,
                                     &e.p, err, sizeof err) == SEATKEY_INVALID_APPLIANCE_ID);
  REQUIRE(seatkey_options_set_state_path(options, (s.dir + "/state").c_str()) == SEATKEY_OK);
  CHECK(seatkey_install_license_file(more.c_str(), dir.c_str(), kAppliance, trust.p, options, false, &refusal,
                                     &e.p, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
  CHECK(std::string(err) == "an install reads no state file: its context sets none");
  seatkey_options_free(options);
  for (int i = 0; i < 4; ++i) {
    const char* args[4] = {more.c_str(), dir.c_str(), kAppliance, nullptr};
    if (i < 3) args[i] = nullptr;
    CHECK(seatkey_install_license_file(args[0], args[1], args[2], trust.p, nullptr, false, &refusal,
                                       i < 3 ? &e.p : nullptr, err, sizeof err) == SEATKEY_INVALID_ARGUMENT);
    CHECK(e.p == nullptr);
  }
  const seatkey_refusal all[] = {SEATKEY_REFUSAL_NONE,          SEATKEY_REFUSAL_NO_LICENSE,
                                 SEATKEY_REFUSAL_DAMAGED,       SEATKEY_REFUSAL_WRONG_APPLIANCE,
                                 SEATKEY_REFUSAL_NOT_LICENSED,  SEATKEY_REFUSAL_FEWER_USERS,
                                 SEATKEY_REFUSAL_LOWER_EDITION, SEATKEY_REFUSAL_EARLIER_UPDATES};
  const char* names[] = {"none",         "no_license",  "damaged",       "wrong_appliance",
                         "not_licensed", "fewer_users", "lower_edition", "earlier_updates"};
  for (int i = 0; i < 8; ++i) CHECK(std::string(seatkey_refusal_name(all[i])) == names[i]);
  CHECK(std::string(seatkey_refusal_name(static_cast<seatkey_refusal>(99))) == "unknown");
}
