// POST /v1/activations through the dispatcher (Api itself): the code is the credential, the
// answer the whole license file and the same each time; another appliance refused with its own
// problem code; a guessing address slowed down with growing delays while valid codes, from it
// and from others, are served; concurrent identical redemptions activate once.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "keygen_test_support.hpp"
#include "seatkey/common/activation_request.hpp"
#include "seatkey/keygen/issuing/codes.hpp"
#include "seatkey/server/api.hpp"
#include "seatkey/signing/activation_codes.hpp"

using namespace seatkey;
using namespace seatkey::server;
using nlohmann::json;
namespace kg = seatkey::keygen;

namespace {

// An Api on a new ledger holding `count` codes of a Compact with two packs of 5.
struct Activations {
  test::TempDir dir;
  std::string path = test::new_ledger_location(dir, "ledger.db");
  SecretKey key = test::development_key();
  kg::KeySigner signer{key};
  std::vector<kg::NewCode> codes;
  std::unique_ptr<Api> api;

  explicit Activations(int count = 3, std::size_t connections = 1) {
    auto ledger = test::ok(kg::Ledger::create(path, key.public_key(), kg::Ledger::DevelopmentKey::allow));
    kg::CodeBatch batch;
    batch.count = count;
    batch.items = {test::ok(kg::parse_code_item("server:compact,updates:12")),
                   test::ok(kg::parse_code_item("users:5x2"))};
    kg::EventOptions who;
    who.who = "desk";
    codes = test::ok(kg::create_codes(ledger, batch, who));
    ApiOptions options;
    options.ledger_path = path;
    options.ledger_connections = connections;
    options.free_code_failures = 3;
    api = test::ok(Api::create(options, signer, [] { return SignerStatus{true, 0, 0}; }));
  }

  Response activate(const std::string& body, const std::string& address = "10.0.0.1", bool text = false) {
    RequestHead head{"POST",
                     "/v1/activations",
                     address,
                     {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(body.size())}}};
    if (text) head.headers.push_back({"Accept", "text/plain"});
    Api::Accepted accepted;
    if (auto now = api->begin(head, &accepted)) return *now;
    return api->finish(accepted, body);
  }
  Response activate(const kg::NewCode& code, const std::string& appliance,
                    const std::string& address = "10.0.0.1") {
    return activate(json{{"code", code.code.text()}, {"appliance", appliance}}.dump(), address);
  }
};

std::string header(const Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

std::string problem_code(const Response& r) {
  return json::parse(r.body).value("code", std::string());
}

// A well-formed code that no ledger made.
std::string unknown_code() {
  auto code = generate_activation_code();
  REQUIRE(code);
  return code->text();
}

}  // namespace

TEST_CASE("activations: a code and an appliance ID answer the whole license file, the same each time") {
  Activations a;
  const Response first = a.activate(a.codes[0], "00:1a:2b:3c:4d:5e");
  REQUIRE_MESSAGE(first.status == 200, first.body);
  const json j = json::parse(first.body);
  CHECK(j["appliance"] == "001A2B3C4D5E");
  CHECK(j["codes"] == json::array({1}));
  CHECK(j["summary"]["licensed_users"] == 13);
  const std::string file = j["license_file"];
  CHECK(test::contains(file, "# seatkey license file for appliance 001A2B3C4D5E"));
  const std::string snapshot = test::ledger_snapshot(a.path);
  // Again, typed another way, and as text: the same file, nothing issued.
  const std::string typed = a.codes[0].code.text();
  std::string lower;
  for (char c : typed) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const Response again = a.activate(json{{"code", lower}, {"appliance", "001A2B3C4D5E"}}.dump());
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  const Response text =
      a.activate(json{{"code", typed}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.0.0.1", true);
  CHECK(text.status == 200);
  CHECK(text.content_type == "text/plain; charset=utf-8");
  CHECK(text.body == file);
  CHECK(test::ledger_snapshot(a.path) == snapshot);
  CHECK(test::ledger_snapshot(a.path, "SELECT COUNT(*) FROM licenses WHERE code = 1") == "3|\n");
  CHECK(test::ledger_snapshot(a.path, "SELECT DISTINCT written_by FROM licenses") == "code no. 1|\n");
}

TEST_CASE(
    "activations: another appliance is refused with its own problem code, naming the reseller and the desk") {
  Activations a;
  REQUIRE(a.activate(a.codes[0], "001A2B3C4D5E").status == 200);
  const Response other = a.activate(a.codes[0], "BEEF0001");
  CHECK(other.status == 409);
  CHECK(problem_code(other) == "code_redeemed_elsewhere");
  CHECK(json::parse(other.body)["number"] == 1);
  CHECK(test::contains(other.body, "activated on another appliance: ask your reseller or the vendor's desk"));
  // A second server license on the same appliance: the issuing rules, all or nothing.
  const std::string before = test::ledger_snapshot(a.path);
  const Response second = a.activate(a.codes[1], "001A2B3C4D5E");
  CHECK(second.status == 409);
  CHECK(problem_code(second) == "second_server_license");
  CHECK(test::ledger_snapshot(a.path) == before);
}

TEST_CASE("activations: typos, requests and bodies that are neither are refused before any look-up") {
  Activations a;
  std::string typo = a.codes[0].code.text();
  typo[13] = typo[13] == '7' ? '8' : '7';  // group 3
  const Response r = a.activate(json{{"code", typo}, {"appliance", "001A2B3C4D5E"}}.dump());
  CHECK(r.status == 400);
  CHECK(problem_code(r) == "code_mistyped");
  CHECK(json::parse(r.body)["groups"] == "3");
  CHECK(test::contains(r.body, "group 3 ("));
  CHECK(problem_code(a.activate(R"({"request":"SKR1-ABCDE"})")) == "request_mistyped");
  CHECK(problem_code(a.activate(R"({"code":"x"})")) == "bad_input");
  CHECK(problem_code(a.activate(R"({"code":"x","appliance":"y","request":"z"})")) == "bad_input");
  // An offline request is a code and an ID like any other.
  ActivationRequest request;
  request.appliance = "001A2B3C4D5E";
  request.codes = {a.codes[2].code};
  request.time = 1795860000;
  request.nonce = 42;
  const auto line = format_activation_request(request);
  REQUIRE(line);
  const Response offline = a.activate(json{{"request", *line}}.dump());
  REQUIRE_MESSAGE(offline.status == 200, offline.body);
  CHECK(json::parse(offline.body)["codes"] == json::array({3}));
}

TEST_CASE(
    "activations: a guessing address waits longer and longer, valid codes from it and others are served") {
  Activations a;
  for (int i = 0; i < 3; ++i) {
    const Response r =
        a.activate(json{{"code", unknown_code()}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.6.6.6");
    CHECK(r.status == 404);
    CHECK(problem_code(r) == "code_unknown");
  }
  const Response fourth =
      a.activate(json{{"code", unknown_code()}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.6.6.6");
  CHECK(fourth.status == 429);
  CHECK(header(fourth, "Retry-After") == "1");
  const Response fifth =
      a.activate(json{{"code", unknown_code()}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.6.6.6");
  CHECK(fifth.status == 429);
  CHECK(header(fifth, "Retry-After") == "2");
  const Response sixth =
      a.activate(json{{"code", unknown_code()}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.6.6.6");
  CHECK(header(sixth, "Retry-After") == "4");
  // A valid code from the guessing address and from another: served at once.
  CHECK(a.activate(a.codes[0], "001A2B3C4D5E", "10.6.6.6").status == 200);
  CHECK(a.activate(a.codes[1], "001A2B3C4D5F", "10.0.0.2").status == 200);
  // Another address's first miss is only a miss.
  CHECK(a.activate(json{{"code", unknown_code()}, {"appliance", "001A2B3C4D5E"}}.dump(), "10.0.0.2").status ==
        404);
}

TEST_CASE(
    "activations: 8 clients redeeming the same code for the same appliance at once: one activation, 8 "
    "answers alike") {
  Activations a(1, 4);
  std::vector<Response> answers(8);
  std::vector<std::thread> clients;
  const std::string body = json{{"code", a.codes[0].code.text()}, {"appliance", "001A2B3C4D5E"}}.dump();
  for (std::size_t i = 0; i < answers.size(); ++i)
    clients.emplace_back([&, i] { answers[i] = a.activate(body, "10.0.0." + std::to_string(i)); });
  for (std::thread& t : clients) t.join();
  for (const Response& r : answers) {
    CHECK_MESSAGE(r.status == 200, r.body);
    CHECK(r.body == answers[0].body);
  }
  CHECK(test::ledger_snapshot(a.path, "SELECT COUNT(*) FROM licenses") == "3|\n");
  CHECK(test::ledger_snapshot(a.path, "SELECT COUNT(*) FROM code_events") == "1|\n");
}
