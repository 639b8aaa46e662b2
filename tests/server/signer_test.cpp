// The signer of seatkey-server: what it signs and refuses (SignerService), the frames on its
// socket (serve), the real forked process (start_signer), and the server's RemoteSigner, which
// trusts nothing the signer sends back.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "keygen_test_support.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
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
  const auto [status, token] = parsed(s.handle(sign_request(payload, footer_of(s.public_key()))));
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
  CHECK(parsed(s.handle(sign_request(to_payload_json(server), footer_of(s.public_key())))).first ==
        Status::ok);
  CHECK(s.signatures() == 2);
  // Revocation lists are seatkey claims too, with their kind's rules.
  RevocationList list;
  list.issuer = "seatkey";
  list.serial = "19";
  list.issued_at = kClock;
  list.seq = 1;
  list.revoked = {"2", "10"};
  CHECK(parsed(s.handle(sign_request(to_payload_json(list), footer_of(s.public_key())))).first == Status::ok);
  list.revoked = {"10", "2"};  // not in serial order: not as the keygen writes a list
  CHECK(parsed(s.handle(sign_request(to_payload_json(list), footer_of(s.public_key())))).first ==
        Status::refused);
  CHECK(s.signatures() == 3);
}

TEST_CASE("signer: refuses anything but well-formed seatkey claims, names why, and keeps count") {
  SignerService s = service();
  const std::string footer = footer_of(s.public_key());
  const auto refused = [&](const std::string& payload, const std::string& f, const std::string& why) {
    const auto [status, message] = parsed(s.handle(sign_request(payload, f)));
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
  CHECK(parsed(s.handle(sign_request(to_payload_json(pack("17", kClock - kMaxIatBehind)), footer))).first ==
        Status::ok);
  CHECK(s.refusals() == 13);
  CHECK(s.signatures() == 1);
  const auto [status, stats] = parsed(s.handle(stats_request()));
  CHECK(status == Status::ok);
  REQUIRE(stats.size() == 16);
  CHECK(stats.substr(0, 8) == std::string("\0\0\0\0\0\0\0\1", 8));
  CHECK(stats.substr(8) == std::string("\0\0\0\0\0\0\0\x0d", 8));
}

TEST_CASE("signer: a request that breaks the protocol gets no answer: the connection must close") {
  SignerService s = service();
  CHECK_FALSE(s.handle(""));
  CHECK_FALSE(s.handle("\x07"));                          // no such request
  CHECK_FALSE(s.handle(std::string("\x02\x00", 2)));      // statistics take nothing more
  CHECK_FALSE(s.handle(std::string("\x01\x00\x00", 3)));  // a sign request without its length
  CHECK_FALSE(
      s.handle(std::string("\x01\x00\x00\x00\x09"
                           "abc",
                           8)));  // a payload longer than the frame
  CHECK(s.signatures() == 0);
  CHECK(s.refusals() == 0);
}

TEST_CASE("signer frames: too large, empty or unknown frames close the connection, good ones are answered") {
  SUBCASE("a good request, then the server closes") {
    SocketPair p;
    SignerService s = service();
    std::thread t([&] { CHECK(serve(s, p.fds[1]) == ServeEnd::peer_closed); });
    REQUIRE(write_frame(p.fds[0], sign_request(to_payload_json(pack()), footer_of(s.public_key()))));
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

TEST_CASE("signer process: forked with the key file, it announces its key, signs, and exits on a bad frame") {
  test::TempDir dir;
  const std::string key_file = dir.file("dev.key");
  test::write_text(key_file, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret"),
                   0600);
  SignerProcess p = test::ok(start_signer({key_file, ""}));
  CHECK(p.public_key == test::development_key().public_key());
  RemoteSigner remote(p.fd, p.public_key);
  License now = pack("5", unix_now());
  auto token = remote.sign(to_payload_json(now), footer_of(p.public_key));
  REQUIRE(token);
  CHECK(verify_v4_public(p.public_key, *token));
  auto refused = remote.sign("{}", footer_of(p.public_key));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_claims);
  CHECK(refused.error().message.find("missing claim") != std::string::npos);
  const auto stats = remote.stats();
  REQUIRE(stats);
  CHECK(stats->signatures == 1);
  CHECK(stats->refusals == 1);
  CHECK(remote.alive());
  // A frame announcing 4 GiB: the signer ends the connection and exits with status 3.
  write_raw(p.fd, std::string("\xff\xff\xff\xff", 4));
  CHECK(closes(p.fd));
  int status = 0;
  REQUIRE(::waitpid(p.pid, &status, 0) == p.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_FALSE(remote.sign(to_payload_json(now), footer_of(p.public_key)));
  CHECK_FALSE(remote.alive());
  remote.close();
}

TEST_CASE("signer process: a key it cannot load is the server's start-up error, with the keygen's message") {
  test::TempDir dir;
  const std::string key_file = dir.file("open.key");
  test::write_text(key_file, test::read_file(std::string(SEATKEY_SOURCE_DIR) + "/keys/development.secret"),
                   0644);
  const auto e = test::error_of(start_signer({key_file, ""}));
  REQUIRE(e);
  CHECK(test::contains(e->message, "are too open"));
  const auto missing = test::error_of(start_signer({dir.file("none.key"), ""}));
  REQUIRE(missing);
  CHECK(test::contains(missing->message, "none.key"));
}

TEST_CASE("remote signer: a token that does not verify or carries other claims is never returned") {
  const SecretKey key = test::development_key();
  auto other = SecretKey::generate();
  REQUIRE(other);
  const std::string payload = to_payload_json(pack("9", unix_now()));
  const std::string footer = footer_of(key.public_key());
  struct Case {
    const char* name;
    std::string token;
  };
  const std::vector<Case> cases{
      {"signed by another key", *other->sign(payload, footer)},
      {"other claims", *key.sign(to_payload_json(pack("10", unix_now())), footer)},
      {"not a token", "hello"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    SocketPair p;
    RemoteSigner remote(p.fds[0], key.public_key());
    p.fds[0] = -1;  // the RemoteSigner closes it
    std::thread fake([&] {
      std::string request;
      REQUIRE(read_frame(p.fds[1], &request) == FrameRead::ok);
      REQUIRE(write_frame(p.fds[1], std::string(1, '\0') + c.token));
    });
    auto result = remote.sign(payload, footer);
    fake.join();
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::bad_signature);
    remote.close();
  }
}
