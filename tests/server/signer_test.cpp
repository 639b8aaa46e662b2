// The signer of seatkey-server: what it signs and refuses (SignerService), the frames on its
// socket (serve) and their fields, and the real forked process (start_signer), which runs only
// the writing routes' requests, each with a token it authenticates itself, and signs nothing else.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "keygen_test_support.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/server/signer.hpp"
#include "seatkey/signing/claims_writer.hpp"
#include "test_support.hpp"

using namespace seatkey;
using namespace seatkey::server;

namespace {

constexpr UnixTime kClock = 1795000000;

std::string footer_of(const PublicKey& key) {
  return "{\"kid\":\"" + key.id() + "\"}";
}

License pack(const std::string& serial = "17", UnixTime iat = kClock) {
  License l;
  l.issuer = "seatkey";
  l.serial = serial;
  l.issued_at = iat;
  l.kind = LicenseKind::users;
  l.appliance = "001A2B3C4D5E";
  l.users = 5;
  return l;
}

SignerService service() {
  return SignerService(test::development_key(), [] { return kClock; });
}

// The status byte and the rest of a response.
std::pair<Status, std::string> parsed(const std::optional<std::string>& response) {
  REQUIRE(response);
  REQUIRE(!response->empty());
  return {static_cast<Status>((*response)[0]), response->substr(1)};
}

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0); }
  ~SocketPair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
};

// Signing as the handlers in the signer process sign: the status, and the token or the reason.
std::pair<Status, std::string> signing(SignerService& s, std::string_view payload, std::string_view footer) {
  auto token = s.sign(payload, footer);
  if (!token) return {Status::refused, token.error().message};
  return {Status::ok, *token};
}

// A POST of a writing route as the HTTP process forwards it: JSON, with a bearer token unless "".
WriteRequest post(const std::string& target, const std::string& bearer, const std::string& body) {
  WriteRequest w{"POST", target, "127.0.0.1", {{"Content-Type", "application/json"}}, body};
  w.headers.push_back({"Content-Length", std::to_string(body.size())});
  if (!bearer.empty()) w.headers.push_back({"Authorization", "Bearer " + bearer});
  return w;
}

// Writes raw bytes (a frame header of our choosing) on fd.
void write_raw(int fd, const std::string& bytes) {
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
}

// Whether fd reaches its end (the peer closed) within a few seconds.
bool closes(int fd) {
  std::string body;
  return read_frame(fd, &body) == FrameRead::closed;
}

}  // namespace

TEST_CASE("signer: signs license claims as the keygen writes them, with its own kid, the token verifies") {
  SignerService s = service();
  const std::string payload = to_payload_json(pack());
  const auto [status, token] = signing(s, payload, footer_of(s.public_key()));
  REQUIRE(status == Status::ok);
  auto verified = verify_v4_public(s.public_key(), token);
  REQUIRE(verified);
  CHECK(verified->payload == payload);
  CHECK(verified->footer == footer_of(s.public_key()));
  CHECK(s.signatures() == 1);
  CHECK(s.refusals() == 0);
  License server = pack("18");
  server.kind = LicenseKind::server;
  server.edition = Edition::compact;
  server.users = 3;
  server.customer = "Acme";
  server.updates_until = kClock + 86400;
  CHECK(signing(s, to_payload_json(server), footer_of(s.public_key())).first == Status::ok);
  CHECK(s.signatures() == 2);
  // Revocation lists are seatkey claims too, with their kind's rules.
  RevocationList list;
  list.issuer = "seatkey";
  list.serial = "19";
  list.issued_at = kClock;
  list.seq = 1;
  list.revoked = {"2", "10"};
  CHECK(signing(s, to_payload_json(list), footer_of(s.public_key())).first == Status::ok);
  list.revoked = {"10", "2"};  // not in serial order: not as the keygen writes a list
  CHECK(signing(s, to_payload_json(list), footer_of(s.public_key())).first == Status::refused);
  CHECK(s.signatures() == 3);
}

TEST_CASE("signer: refuses anything but well-formed seatkey claims, names why, and keeps count") {
  SignerService s = service();
  const std::string footer = footer_of(s.public_key());
  const auto refused = [&](const std::string& payload, const std::string& f, const std::string& why) {
    const auto [status, message] = signing(s, payload, f);
    CHECK(status == Status::refused);
    CHECK_MESSAGE(message.find(why) != std::string::npos, message);
  };
  const std::string good = to_payload_json(pack());
  refused(good, "{\"kid\":\"k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiX\"}", "the footer is not");
  refused(good, "", "the footer is not");
  refused(good, footer + " ", "the footer is not");
  refused("{}", footer, "not seatkey claims: missing claim \"iss\"");
  refused("not json", footer, "not seatkey claims");
  refused(
      R"({"iss":"seatkey","jti":"17","iat":"2026-11-18T06:13:20Z","kind":"users","appliance":"001A2B3C4D5E","users":7})",
      footer, "not seatkey claims: claim \"users\" of a user pack must be 1 or 5");
  refused(
      R"({"iss":"seatkey","jti":"17","iat":"2026-11-18T06:13:20Z","kind":"server","appliance":"001A2B3C4D5E","edition":"free","users":3,"updates_until":"2030-01-01T00:00:00Z"})",
      footer, "claim \"updates_until\" is not allowed on a free server license");
  // Claims the verifier would accept but the keygen never writes: another order, spaces, an
  // extra claim.
  std::string spaced = good;
  spaced.insert(1, " ");
  refused(spaced, footer, "not written as seatkey-keygen writes them");
  std::string extra = good;
  extra.insert(extra.size() - 1, ",\"admin\":true");
  refused(extra, footer, "not written as seatkey-keygen writes them");
  refused(to_payload_json(pack("A17")), footer, "jti is not a ledger serial");
  refused(to_payload_json(pack("017")), footer, "jti is not a ledger serial");
  refused(to_payload_json(pack("17", kClock - kMaxIatBehind - 1)), footer, "is not the signer's time");
  refused(to_payload_json(pack("17", kClock + kMaxIatAhead + 1)), footer, "is not the signer's time");
  CHECK(signing(s, to_payload_json(pack("17", kClock - kMaxIatBehind)), footer).first == Status::ok);
  CHECK(s.refusals() == 13);
  CHECK(s.signatures() == 1);
  const auto [status, stats] = parsed(s.handle(stats_request()));
  CHECK(status == Status::ok);
  REQUIRE(stats.size() == 24);
  CHECK(stats.substr(0, 8) == std::string("\0\0\0\0\0\0\0\1", 8));
  CHECK(stats.substr(8, 8) == std::string("\0\0\0\0\0\0\0\x0d", 8));
  CHECK(stats.substr(16) == std::string(8, '\0'));  // no activations run without a ledger
}

TEST_CASE("signer: a request that breaks the protocol gets no answer: the connection must close") {
  SignerService s = service();
  CHECK_FALSE(s.handle(""));
  CHECK_FALSE(s.handle("\x07"));                      // no such request
  CHECK_FALSE(s.handle(std::string("\x02\x00", 2)));  // statistics take nothing more
  // Claims to sign are no request: the signer signs only what the writes it runs issue.
  const std::string claims = to_payload_json(pack("17", unix_now()));
  CHECK_FALSE(s.handle(std::string("\x01\x00\x00\x00", 4) + static_cast<char>(claims.size()) + claims +
                       footer_of(s.public_key())));
  // A write request before the signer has its ledger.
  CHECK_FALSE(s.handle(write_request(post("/v1/licenses/server", "x", "{}"))));
  CHECK(s.signatures() == 0);
  CHECK(s.refusals() == 0);
}

TEST_CASE(
    "signer wire: a write request and an answer read back as written, and fields that do not add up do not") {
  WriteRequest w = post("/v1/orders?dry_run=true", "seatkey-api.abc", "{\"orders\":[]}");
  w.headers.push_back({"Idempotency-Key", ""});
  const std::string frame = write_request(w);
  REQUIRE(frame[0] == static_cast<char>(Op::write));
  const auto back = parse_write_request(std::string_view(frame).substr(1));
  REQUIRE(back);
  CHECK(back->method == "POST");
  CHECK(back->target == w.target);
  CHECK(back->client_address == "127.0.0.1");
  REQUIRE(back->headers.size() == 4);
  CHECK(back->headers[2].value == "Bearer seatkey-api.abc");
  CHECK(back->headers[3].value.empty());
  CHECK(back->body == w.body);
  const std::string fields = frame.substr(1);
  CHECK_FALSE(parse_write_request(fields.substr(0, fields.size() - 1)));  // the body cut short
  CHECK_FALSE(parse_write_request(fields + "x"));                         // a byte too many
  CHECK_FALSE(parse_write_request(std::string("\x00\x00\x00\x04POST", 8)));
  std::string many = std::string("\0\0\0\0", 4) + std::string("\0\0\0\0", 4) + std::string("\0\0\0\0", 4);
  many += std::string("\0\0\0\4\xff\xff\xff\xff", 8);  // four billion headers announced
  CHECK_FALSE(parse_write_request(many));
  const Response answer{201, "application/json", "{}", {{"Location", "/v1/licenses/7"}}};
  const auto read = parse_answer(answer_fields(answer));
  REQUIRE(read);
  CHECK(read->status == 201);
  CHECK(read->content_type == "application/json");
  CHECK(read->body == "{}");
  REQUIRE(read->headers.size() == 1);
  CHECK(read->headers[0].value == "/v1/licenses/7");
  CHECK_FALSE(parse_answer(answer_fields(Response{42, "", "", {}})));
}

TEST_CASE("signer frames: too large, empty or unknown frames close the connection, good ones are answered") {
  SUBCASE("a good request, then the server closes") {
    SocketPair p;
    SignerService s = service();
    std::thread t([&] { CHECK(serve(s, p.fds[1]) == ServeEnd::peer_closed); });
    REQUIRE(write_frame(p.fds[0], stats_request()));
    std::string response;
    REQUIRE(read_frame(p.fds[0], &response) == FrameRead::ok);
    CHECK(response[0] == static_cast<char>(Status::ok));
    ::shutdown(p.fds[0], SHUT_WR);
    t.join();
  }
  for (const std::string& raw : {std::string("\xff\xff\xff\xff", 4),         // 4 GiB announced
                                 std::string("\x00\x20\x00\x01", 4) + "x",   // 2 MiB + 1
                                 std::string("\x00\x00\x00\x00", 4),         // empty
                                 std::string("\x00\x00\x00\x01\x09", 5)}) {  // unknown request
    SocketPair p;
    SignerService s = service();
    std::thread t([&] { CHECK(serve(s, p.fds[1]) == ServeEnd::malformed_frame); });
    write_raw(p.fds[0], raw);
    CHECK(closes(p.fds[0]));
    t.join();
    CHECK(s.signatures() == 0);
  }
}

namespace {

// A key file and a ledger of the development key, with a token of the roles shop and auditor.
struct SignerLedger {
  test::TempDir dir;
  std::string key_file = dir.file("dev.key");
  std::string ledger = test::new_ledger_location(dir, "ledger.db");
  std::string shop;
  std::string auditor;
  SignerLedger() {
    test::write_text(key_file, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret"),
                     0600);
    auto l = test::ok(keygen::Ledger::create(ledger, test::development_key().public_key(),
                                             keygen::Ledger::DevelopmentKey::allow));
    shop = std::string(test::ok(l.tokens().create("webshop", keygen::Role::shop, "test")).view());
    auditor = std::string(test::ok(l.tokens().create("books", keygen::Role::auditor, "test")).view());
  }
};

}  // namespace

TEST_CASE(
    "signer process: a client of its socket gets a signature only for what a valid token may issue, "
    "and what it gets is in the ledger") {
  SignerLedger fixture;
  SignerProcess p = test::ok(start_signer({fixture.key_file, "", fixture.ledger, "seatkey"}));
  CHECK(p.public_key == test::development_key().public_key());
  RemoteSigner remote(p.fd, p.public_key);
  const auto status_of = [&](const WriteRequest& w) {
    const auto answer = remote.write(w);
    REQUIRE(answer);
    return answer->status;
  };
  const std::string order = "{\"appliance\":\"001A2B3C4D5E\",\"edition\":\"vm\"}";
  CHECK(status_of(post("/v1/licenses/server", "", order)) == 401);
  CHECK(status_of(post("/v1/licenses/server", "seatkey-api.AAAAAAAAAAAAAAAA", order)) == 401);
  CHECK(status_of(post("/v1/licenses/server", fixture.auditor, order)) == 403);
  // Only the writing routes run there, and only with the body their headers announce.
  WriteRequest read = post("/v1/licenses", fixture.shop, "");
  read.method = "GET";
  CHECK(status_of(read) == 403);
  WriteRequest longer = post("/v1/licenses/server", fixture.shop, order);
  longer.body += " ";
  CHECK(status_of(longer) == 400);
  CHECK(remote.stats()->signatures == 0);
  const auto issued = remote.write(post("/v1/licenses/server", fixture.shop, order));
  REQUIRE(issued);
  REQUIRE(issued->status == 201);
  CHECK(issued->headers.at(0).name == "Location");
  const auto answer = nlohmann::json::parse(issued->body).at("licenses").at(0);
  const std::string token = answer.at("token").get<std::string>();
  CHECK(verify_v4_public(p.public_key, token));
  // In the ledger, recorded as the token's.
  const auto ledger = test::ok(keygen::Ledger::open(fixture.ledger, keygen::Ledger::Access::read_only));
  const auto row = test::ok(ledger.licenses().find(answer.at("serial").get<std::int64_t>()));
  REQUIRE(row);
  CHECK(row->token == token);
  CHECK(row->written_by == std::optional<std::string>("webshop"));
  const auto stats = remote.stats();
  REQUIRE(stats);
  CHECK(stats->signatures == 1);
  CHECK(stats->refusals == 0);
  // This side signs nothing; claims sent to sign as a request break the protocol: the signer
  // closes the connection and exits with status 3.
  CHECK(remote.sign(to_payload_json(pack("5", unix_now())), footer_of(p.public_key)).error().code ==
        Errc::invalid_claims);
  const std::string claims = to_payload_json(pack("1", unix_now()));
  REQUIRE(write_frame(p.fd, std::string("\x01\x00\x00\x00", 4) + static_cast<char>(claims.size()) + claims +
                                footer_of(p.public_key)));
  CHECK(closes(p.fd));
  int status = 0;
  REQUIRE(::waitpid(p.pid, &status, 0) == p.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_FALSE(remote.write(post("/v1/licenses/server", fixture.shop, order)));
  CHECK_FALSE(remote.alive());
  remote.close();
}

TEST_CASE(
    "signer process: a key or a ledger it cannot open is the server's start-up error, as the keygen says "
    "it") {
  SignerLedger fixture;
  const std::string open_key = fixture.dir.file("open.key");
  test::write_text(open_key, test::read_file(fixture.key_file), 0644);
  const auto e = test::error_of(start_signer({open_key, "", fixture.ledger, "seatkey"}));
  REQUIRE(e);
  CHECK(test::contains(e->message, "are too open"));
  const auto missing =
      test::error_of(start_signer({fixture.dir.file("none.key"), "", fixture.ledger, "seatkey"}));
  REQUIRE(missing);
  CHECK(test::contains(missing->message, "none.key"));
  // The ledger's error keeps its code and its command hint (seatkey-keygen ledger init).
  const auto no_ledger =
      test::error_of(start_signer({fixture.key_file, "", fixture.dir.file("none.db"), "seatkey"}));
  REQUIRE(no_ledger);
  CHECK(no_ledger->kind == keygen::Kind::input);
  CHECK(test::contains(no_ledger->message, "none.db"));
  CHECK(test::contains(no_ledger->command_hint, "ledger init"));
}
