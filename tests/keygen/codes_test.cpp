// Activation codes in the library: items read and written, months counted on the calendar, the
// ledger keeping no code, redeeming through the issuer's rules, and ledger verify naming a code
// or a code event that was changed.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/keygen/ledger/audit.hpp"

using namespace seatkey;
using namespace seatkey::keygen;

namespace {

std::vector<CodeItem> items(std::initializer_list<const char*> texts) {
  std::vector<CodeItem> out;
  for (const char* t : texts) out.push_back(test::ok(parse_code_item(t)));
  return out;
}

std::string message_of(const keygen::Result<std::string>& r) {
  return r ? std::string() : r.error().message;
}

struct CodeLedger {
  test::TempDir dir;
  std::string path = test::new_ledger_location(dir, "ledger.db");
  SecretKey key = test::development_key();
  Ledger ledger = test::ok(Ledger::create(path, key.public_key(), Ledger::DevelopmentKey::allow));

  std::vector<NewCode> make(std::initializer_list<const char*> texts, int count = 1) {
    CodeBatch batch;
    batch.count = count;
    batch.items = items(texts);
    EventOptions who;
    who.who = "desk";
    return test::ok(create_codes(ledger, batch, who));
  }
  keygen::Result<RedeemResult> redeem(const NewCode& code, const std::string& appliance,
                                      std::optional<UnixTime> now = std::nullopt) {
    RedeemOptions o;
    o.who = "desk";
    o.now = now;
    return redeem_code(ledger, KeySigner(key), code.code, appliance, o);
  }
};

}  // namespace

TEST_CASE("codes: items are written once, packs of a size merged, and what can never be redeemed refused") {
  CHECK(test::ok(code_items_text(items({"users:5", "server:compact,updates:12", "users:5", "users:1x2"}))) ==
        "server:compact,updates:12 users:5x2 users:1x2");
  CHECK(test::ok(code_items_text(items({"server:vm,expires:12,updates:24"}))) ==
        "server:vm,updates:24,expires:12");
  CHECK(test::ok(code_items_text(items({"updates:6"}))) == "updates:6");
  CHECK(message_of(code_items_text(items({"server:vm", "server:vm"}))) == "a code carries one server item");
  CHECK(test::contains(message_of(code_items_text(items({"server:vm", "updates:6"}))),
                       "not as a separate updates item"));
  CHECK(test::contains(message_of(code_items_text(items({"server:compact", "users:5x3", "users:1x3"}))),
                       "the items come to 21 users, over the compact edition's maximum of 20"));
  CHECK(code_items_text(items({"server:compact", "users:5x3", "users:1x2"})));
  CHECK(test::contains(message_of(code_items_text({})), "a code needs at least one item"));
  for (const char* wrong :
       {"server", "server:", "users:", "users:5x", "users:5x0", "updates:0", "updates:121",
        "server:vm,updates:1,updates:2", "server:vm,colour:red", "users:2"}) {
    CAPTURE(wrong);
    CHECK_FALSE(parse_code_item(wrong));
  }
  // What the ledger recorded reads back as the same items.
  const auto read = test::ok(parse_code_items("server:compact,updates:12 users:5x2"));
  REQUIRE(read.size() == 2);
  CHECK(read[1].users == 5);
  CHECK(read[1].count == 2);
  CHECK(describe_code_items("server:compact,updates:12 users:5x2") ==
        "compact server license with 12 months of updates + 2 packs of 5 users");
}

TEST_CASE("codes: months are calendar months, the day kept or the month's last") {
  const auto t = [](const char* s) { return *parse_rfc3339(s); };
  CHECK(add_months(t("2026-12-07T10:00:00Z"), 12) == t("2027-12-07T10:00:00Z"));
  CHECK(add_months(t("2027-01-31T23:59:59Z"), 1) == t("2027-02-28T23:59:59Z"));
  CHECK(add_months(t("2028-01-31T00:00:00Z"), 1) == t("2028-02-29T00:00:00Z"));
  CHECK(add_months(t("2026-11-30T00:00:00Z"), 3) == t("2027-02-28T00:00:00Z"));
  CHECK(add_months(t("1999-12-15T06:00:00Z"), 120) == t("2009-12-15T06:00:00Z"));
}

TEST_CASE("codes: the ledger keeps the number and hash of a code, never the code" *
          doctest::test_suite("ledger")) {
  CodeLedger l;
  const auto codes = l.make({"users:1"}, 3);
  REQUIRE(codes.size() == 3);
  CHECK(codes[2].row.number == 3);
  const std::string stored =
      test::ledger_snapshot(l.path, "SELECT number, code_hash, items FROM codes ORDER BY number");
  for (const NewCode& c : codes) {
    for (std::size_t g = 0; g < kCodeGroups; ++g)
      CHECK_FALSE(test::contains(stored, std::string(c.code.group(g))));
    CHECK(test::contains(stored, c.code.hash_hex()));
  }
  const auto found = test::ok(l.ledger.codes().find_by_hash(codes[1].code.hash_hex()));
  REQUIRE(found);
  CHECK(found->row.number == 2);
}

TEST_CASE("codes: redeeming runs the issuer's rules, all or nothing, and tokens carry the code" *
          doctest::test_suite("ledger")) {
  CodeLedger l;
  const auto bundle = l.make({"server:compact", "users:5x2"});
  const auto packs = l.make({"users:5x2"});
  const auto one = l.make({"users:1"});
  // Packs first: no server license on record, nothing written.
  const std::string empty = test::ledger_snapshot(l.path);
  const auto refused = l.redeem(packs[0], "001A2B3C4D5E");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Code::no_server_license);
  CHECK(test::ledger_snapshot(l.path) == empty);
  const RedeemResult r = test::ok(l.redeem(bundle[0], "001A2B3C4D5E"));
  CHECK_FALSE(r.already);
  REQUIRE(r.issued.size() == 3);
  for (const LedgerEntry& e : r.issued) CHECK(e.code == std::optional<std::int64_t>(1));
  CHECK(r.after.users.licensed_users == 13);
  // 13 + 10 is over a Compact's 20; 13 + 1 is not.
  const auto over = l.redeem(packs[0], "001A2B3C4D5E");
  REQUIRE_FALSE(over);
  CHECK(over.error().code == Code::compact_max_users);
  CHECK(test::ok(l.redeem(one[0], "001A2B3C4D5E")).after.users.licensed_users == 14);
  // Again: the same file, nothing issued.
  const RedeemResult again = test::ok(l.redeem(bundle[0], "001A2B3C4D5E"));
  CHECK(again.already);
  CHECK(again.issued.empty());
  const AuditResult v = test::ok(audit_ledger(l.ledger));
  CHECK_MESSAGE(v.ok, v.problem);
  CHECK(v.codes == 3);
  CHECK(v.code_events == 2);
}

TEST_CASE("codes: ledger verify names a code or a code event changed after it was written" *
          doctest::test_suite("ledger")) {
  CodeLedger l;
  const auto codes = l.make({"server:vm"}, 2);
  test::ok(l.redeem(codes[0], "001A2B3C4D5E"));
  CHECK(test::ok(audit_ledger(l.ledger)).ok);
  test::tamper(l.path, "UPDATE codes SET items = 'server:vm users:5' WHERE number = 2");
  AuditResult v = test::ok(audit_ledger(l.ledger));
  CHECK_FALSE(v.ok);
  CHECK_MESSAGE(test::contains(v.problem, "code 2 (chain position 2) does not match its chain hash"),
                v.problem);
  test::tamper(l.path, "UPDATE codes SET items = 'server:vm' WHERE number = 2");
  CHECK(test::ok(audit_ledger(l.ledger)).ok);
  test::tamper(l.path, "UPDATE code_events SET appliance = 'BEEF0001'");
  v = test::ok(audit_ledger(l.ledger));
  CHECK_FALSE(v.ok);
  CHECK_MESSAGE(test::contains(v.problem, "code event 4 (redeem of code 1) does not match its chain hash"),
                v.problem);
}

TEST_CASE("codes: a code is redeemed until its last day, and once redeemed it stays with its appliance" *
          doctest::test_suite("ledger")) {
  CodeLedger l;
  CodeBatch batch;
  batch.items = items({"server:vm"});
  batch.valid_until = unix_now() + 86400;
  EventOptions who;
  who.who = "desk";
  const auto code = test::ok(create_codes(l.ledger, batch, who));
  const auto late = l.redeem(code[0], "001A2B3C4D5E", *batch.valid_until + 1);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == Code::code_expired);
  CHECK(late.error().message == "code no. 1 could be redeemed until " + format_rfc3339(*batch.valid_until) +
                                    ": ask your reseller or the vendor's desk");
  const RedeemResult in_time = test::ok(l.redeem(code[0], "001A2B3C4D5E", *batch.valid_until));
  CHECK(in_time.issued.size() == 1);
  // Its appliance asks again after the last day (a reinstalled PBX): the same file, nothing new.
  const RedeemResult again = test::ok(l.redeem(code[0], "001A2B3C4D5E", *batch.valid_until + 86400));
  CHECK(again.already);
}
