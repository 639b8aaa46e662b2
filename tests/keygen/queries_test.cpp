// Finding things: ledger list's filters and statuses, ledger show, and the report that keeps
// sales apart from free licenses, replacements, transfers and voids.
#include <doctest/doctest.h>

#include "keygen_test_support.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/issuing/takeback.hpp"
#include "seatkey/keygen/queries.hpp"

using namespace seatkey;
using namespace seatkey::keygen;
using test::kNow;
using test::packs;
using test::server;

namespace {

constexpr UnixTime kDay = 86400;

// A month of a desk: day 0 Acme's Compact and packs; day 1 Beta's free, upgraded on day 2;
// day 3 Acme's Compact re-issued (--replace); day 4 a pack voided, Gamma's VM; day 5 Gamma
// moved to a new VM, which signs a revocation list.
struct Desk : test::LedgerFixture {
  void order(Order o, UnixTime t) { (void)test::ok(issue(ledger, key, {std::move(o)}, test::at(t))); }

  Desk() {
    order(Order{server("ACME0001", Edition::compact, "Acme GmbH", "SO-1")}, kNow);                   // 1
    order(Order{packs("ACME0001", 5, 2, "SO-2")}, kNow);                                             // 2-3
    order(Order{packs("ACME0001", 1, 1, "SO-2")}, kNow);                                             // 4
    order(Order{server("BETA0001", Edition::free, "Beta KG", "SO-3")}, kNow + kDay);                 // 5
    order(Order{server("BETA0001", Edition::vm, "Beta KG", "SO-4")}, kNow + 2 * kDay);               // 6
    order(Order{server("ACME0001", Edition::compact, "Acme GmbH", "SO-5", true)}, kNow + 3 * kDay);  // 7
    EventOptions ev;
    ev.who = "alice";
    ev.now = kNow + 4 * kDay;
    (void)test::ok(void_licenses(ledger, {3}, "refund", ev));
    order(Order{server("GAMMA001", Edition::vm, "Gamma AG", "SO-6")}, kNow + 4 * kDay);  // 8
    order(Order{packs("GAMMA001", 5, 1, "SO-6")}, kNow + 4 * kDay);                      // 9
    TransferOptions t;
    t.event.who = "bob";
    t.event.now = kNow + 5 * kDay;
    (void)test::ok(transfer(ledger, key, "GAMMA001", "GAMMA002", t));  // 10-11, the list 12
  }

  std::vector<std::int64_t> serials(const LedgerFilter& f, UnixTime now = kNow + 10 * kDay) const {
    std::vector<std::int64_t> out;
    for (const ListedRow& r : test::ok(list_ledger(ledger, f, now)).rows) out.push_back(r.entry.serial);
    return out;
  }
};

using Serials = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("ledger list: each filter, alone and together, and the statuses" * doctest::test_suite("ledger")) {
  Desk d;
  LedgerFilter all;
  const Listing listing = test::ok(list_ledger(d.ledger, all, kNow + 10 * kDay));
  std::vector<std::string> statuses;
  for (const auto& r : listing.rows) statuses.push_back(r.status);
  CHECK(statuses == std::vector<std::string>{"superseded", "active", "voided", "active", "superseded",
                                             "active", "active", "transferred", "transferred", "active",
                                             "active", "active"});
  CHECK(listing.appliances.size() == 4);

  LedgerFilter f;
  f.customer = "acme";
  CHECK(d.serials(f) == Serials{1, 2, 3, 4, 7});
  f.customer = "GMBH";
  CHECK(d.serials(f) == Serials{1, 2, 3, 4, 7});
  f.customer = "gmbh X";
  CHECK(d.serials(f).empty());
  f = {};
  f.order = "so-2";
  CHECK(d.serials(f) == Serials{2, 3, 4});
  f = {};
  f.since = kNow + kDay;
  f.until = kNow + 4 * kDay;
  CHECK(d.serials(f) == Serials{5, 6, 7});
  f = {};
  f.kind = LicenseKind::server;
  CHECK(d.serials(f) == Serials{1, 5, 6, 7, 8, 10});
  f.kind = LicenseKind::revocation;
  CHECK(d.serials(f) == Serials{12});
  f = {};
  f.status = Status::voided;
  CHECK(d.serials(f) == Serials{3});
  f.status = Status::transferred;
  CHECK(d.serials(f) == Serials{8, 9});
  f.status = Status::superseded;
  CHECK(d.serials(f) == Serials{1, 5});
  f.status = Status::expired;
  CHECK(d.serials(f).empty());
  f.status = Status::active;
  f.customer = "acme";
  f.kind = LicenseKind::users;
  CHECK(d.serials(f) == Serials{2, 4});
  f = {};
  f.appliance = "GAMMA002";
  CHECK(d.serials(f) == Serials{10, 11});
  // Only the appliances of the rows that matched are summed up.
  f = {};
  f.customer = "Beta";
  const Listing beta = test::ok(list_ledger(d.ledger, f, kNow + 10 * kDay));
  REQUIRE(beta.appliances.size() == 1);
  CHECK(beta.appliances.begin()->first == "BETA0001");
}

TEST_CASE("ledger show: a license's events, what replaced it, its re-issue and the lists that revoke it" *
          doctest::test_suite("ledger")) {
  Desk d;
  auto r = test::ok(show_license(d.ledger, 3, kNow + 10 * kDay));
  REQUIRE(r);
  CHECK(r->status == "voided");
  REQUIRE(r->events.size() == 1);
  CHECK(r->events[0].reason == std::optional<std::string>("refund"));
  CHECK(r->revoked_by == Serials{12});
  r = test::ok(show_license(d.ledger, 1, kNow + 10 * kDay));
  REQUIRE(r);
  CHECK(r->superseded_by == Serials{7});
  CHECK(r->revoked_by.empty());
  r = test::ok(show_license(d.ledger, 8, kNow + 10 * kDay));
  REQUIRE(r);
  CHECK(r->status == "transferred");
  CHECK(r->reissued_as == Serials{10});
  CHECK(r->events[0].transfer_to == std::optional<std::string>("GAMMA002"));
  r = test::ok(show_license(d.ledger, 12, kNow + 10 * kDay));
  REQUIRE(r);
  CHECK(r->status == "active");
  REQUIRE(r->revocation);
  CHECK(r->revocation->revoked.to_strings() == std::vector<std::string>{"3", "8", "9"});
  CHECK_FALSE(test::ok(show_license(d.ledger, 99, kNow)));
}

TEST_CASE("report: sales by edition and pack size, apart from free, replacements, transfers and voids" *
          doctest::test_suite("ledger")) {
  Desk d;
  const auto line = [](const Report& r, ReportCategory c, LicenseKind k, std::optional<Edition> e, int pack) {
    for (const ReportLine& l : r.lines) {
      if (l.category == c && l.kind == k && l.edition == e && l.users_per_pack == pack) return l;
    }
    return ReportLine{c, k, e, pack, 0, 0};
  };
  const Report all = test::ok(make_report(d.ledger, std::nullopt, kNow + 10 * kDay));
  // Sold: Acme's Compact (1), Beta's upgrade to vm (6), Gamma's vm (8); packs 2-3 of 5, 4 and 9.
  CHECK(line(all, ReportCategory::sale, LicenseKind::server, Edition::compact, 0).licenses == 1);
  CHECK(line(all, ReportCategory::sale, LicenseKind::server, Edition::vm, 0).licenses == 2);
  CHECK(line(all, ReportCategory::sale, LicenseKind::users, std::nullopt, 5).licenses == 3);
  CHECK(line(all, ReportCategory::sale, LicenseKind::users, std::nullopt, 5).users == 15);
  CHECK(line(all, ReportCategory::sale, LicenseKind::users, std::nullopt, 1).licenses == 1);
  CHECK(line(all, ReportCategory::free, LicenseKind::server, Edition::free, 0).licenses == 1);
  CHECK(line(all, ReportCategory::free, LicenseKind::server, Edition::free, 0).users == 3);
  CHECK(line(all, ReportCategory::replacement, LicenseKind::server, Edition::compact, 0).licenses == 1);
  CHECK(line(all, ReportCategory::transfer, LicenseKind::server, Edition::vm, 0).licenses == 1);
  CHECK(line(all, ReportCategory::transfer, LicenseKind::users, std::nullopt, 5).licenses == 1);
  CHECK(line(all, ReportCategory::void_, LicenseKind::users, std::nullopt, 5).licenses == 1);
  CHECK(all.appliances_transferred == 1);
  CHECK(all.revocation_lists == 1);
  std::int64_t licenses = 0;
  for (const ReportLine& l : all.lines) licenses += l.licenses;
  CHECK(licenses == 11 + 1);  // every license row once, and the void
  // The lines come in order: categories, then server licenses by edition, then packs by size.
  CHECK(all.lines.front().category == ReportCategory::sale);
  CHECK(all.lines.front().edition == Edition::compact);
  CHECK(all.lines.back().category == ReportCategory::void_);

  // A period: day 4 alone has Gamma's sale and the void, nothing of day 5.
  const Report day4 = test::ok(make_report(d.ledger, kNow + 4 * kDay, kNow + 5 * kDay));
  CHECK(line(day4, ReportCategory::sale, LicenseKind::server, Edition::vm, 0).licenses == 1);
  CHECK(line(day4, ReportCategory::void_, LicenseKind::users, std::nullopt, 5).licenses == 1);
  CHECK(line(day4, ReportCategory::transfer, LicenseKind::server, Edition::vm, 0).licenses == 0);
  CHECK(line(day4, ReportCategory::sale, LicenseKind::server, Edition::compact, 0).licenses == 0);
  CHECK(day4.appliances_transferred == 0);
}

TEST_CASE("ledger list: a customer or order is found in any case, in every script" *
          doctest::test_suite("ledger")) {
  test::LedgerFixture f;
  int appliance = 0;
  for (const char* customer : {"MÜLLER Elektro GmbH", "École Polytechnique", "ΑΘΗΝΑ Telecom", "Straße 1"}) {
    auto o = test::server("CAFE000" + std::to_string(++appliance), Edition::vm, customer);
    (void)test::ok(issue(f.ledger, f.key, {Order{o}}, test::at(test::kNow)));
  }
  const auto found = [&](const char* text) {
    LedgerFilter filter;
    filter.customer = text;
    std::vector<std::string> customers;
    for (const auto& r : test::ok(list_ledger(f.ledger, filter, test::kNow)).rows)
      customers.push_back(*r.entry.customer);
    return customers;
  };
  CHECK(found("müller") == std::vector<std::string>{"MÜLLER Elektro GmbH"});
  CHECK(found("MÜLLER ELEKTRO") == std::vector<std::string>{"MÜLLER Elektro GmbH"});
  CHECK(found("éCOLE") == std::vector<std::string>{"École Polytechnique"});
  CHECK(found("αθηνα") == std::vector<std::string>{"ΑΘΗΝΑ Telecom"});
  CHECK(found("STRASSE").empty());  // one character to one: no ß to SS
  CHECK(found("mueller").empty());
}

TEST_CASE("ledger list: a part shorter than three characters, quotes and wildcards stand for themselves" *
          doctest::test_suite("ledger")) {
  test::LedgerFixture f;
  int appliance = 0;
  for (const char* customer :
       {"MÜLLER Elektro GmbH", "50% \"Rabatt\" AG", "A_B Systems", "İSTANBUL Telekom"}) {
    const std::string order = "SO-" + std::string(customer);
    auto o = test::server("CAFE000" + std::to_string(++appliance), Edition::vm, customer, order.c_str());
    (void)test::ok(issue(f.ledger, f.key, {Order{o}}, test::at(test::kNow)));
  }
  const auto found = [&](const char* text, bool order = false) {
    LedgerFilter filter;
    (order ? filter.order : filter.customer) = text;
    std::vector<std::int64_t> serials;
    for (const auto& r : test::ok(list_ledger(f.ledger, filter, test::kNow)).rows)
      serials.push_back(r.entry.serial);
    return serials;
  };
  // Fewer characters than a trigram: read without the index, the same folding.
  CHECK(found("ü") == Serials{1});
  CHECK(found("Ll") == Serials{1});
  CHECK(found("é").empty());
  CHECK(found("a") == Serials{2, 3, 4});
  // What LIKE, GLOB and FTS5 queries would read as operators is text like any other.
  CHECK(found("%") == Serials{2});
  CHECK(found("0% \"r") == Serials{2});
  CHECK(found("\"rabatt\"") == Serials{2});
  CHECK(found("a_b") == Serials{3});
  CHECK(found("a%b").empty());
  CHECK(found("_") == Serials{3});
  CHECK(found("*").empty());
  CHECK(found("rabatt OR müller").empty());
  // The C library's case mapping, which is not FTS5's own (it leaves İ as it is).
  CHECK(found("istanbul") == Serials{4});
  CHECK(found("so-müller", true) == Serials{1});
  CHECK(found("so-İs", true) == Serials{4});
}

TEST_CASE("ledger list: a page of a search ends where the limit matched, and says whether more match" *
          doctest::test_suite("ledger")) {
  Desk d;
  LedgerFilter f;
  f.customer = "acme";
  f.limit = 2;
  Listing page = test::ok(list_ledger(d.ledger, f, kNow + 10 * kDay));
  CHECK(page.rows.size() == 2);
  CHECK(page.continue_after == std::optional<std::int64_t>(2));
  f.after = 2;
  f.limit = 3;
  page = test::ok(list_ledger(d.ledger, f, kNow + 10 * kDay));
  std::vector<std::int64_t> serials;
  for (const auto& r : page.rows) serials.push_back(r.entry.serial);
  CHECK(serials == Serials{3, 4, 7});
  // Serials 8 to 12 follow, none of Acme's: nothing more matches.
  CHECK_FALSE(page.continue_after);
  // A status is known once its appliance is judged: the page still holds `limit` matches.
  f = {};
  f.status = Status::active;
  f.limit = 3;
  page = test::ok(list_ledger(d.ledger, f, kNow + 10 * kDay));
  serials.clear();
  for (const auto& r : page.rows) serials.push_back(r.entry.serial);
  CHECK(serials == Serials{2, 4, 6});
  CHECK(page.continue_after == std::optional<std::int64_t>(6));
}
