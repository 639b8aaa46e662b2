// Privilege separation: the vendor key lives in a small signer process, never in the process
// that parses HTTP, and that process is the only one that writes the ledger. The server forks the
// signer before anything secret is read; the child reads and unlocks the key (sodium_malloc
// memory), opens the ledger for writing, sends its public key, and then runs the requests of the
// writing routes that the HTTP process forwards (Api::write): it authenticates their bearer token
// itself, applies the issuing rules, writes the ledger and signs in one transaction, with the
// same handlers as ever. It signs nothing else: a taken HTTP process can place only what a valid
// token may place, recorded as that token's, and cannot read the key.
//
// The protocol (one stream socket; every message a frame of a 4-byte big-endian length and that
// many bytes, 1 to kMaxFrameBytes towards the signer, to kMaxAnswerBytes back):
//   signer -> server, once:  0x00 k4.public...         (ready; its public key)
//                            0x01 code 0 message 0 hint (the key or the ledger could not be
//                                                        opened: a keygen error; it exits)
//   server -> signer:        0x03 request              (a writing route's request, below)
//                            0x02                      (statistics)
//   signer -> server:        0x00 answer               (the response, below)
//                            0x00 u64 u64 u64          (statistics: signatures, refusals, code
//                                                       failures in the last minute)
// A request is fields of a 4-byte big-endian length and bytes: method, target, client address,
// the number of headers (a field of 4 bytes), each header's name and value, and the body. An
// answer: the status (a field of 4 bytes), content type, the number of headers, each header's
// name and value, and the body. A frame that breaks the protocol (length 0 or too large, an
// unknown request, a request whose fields do not add up) is not answered: the signer closes the
// connection and exits, since only a broken or subverted server sends one.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "seatkey/common/paserk.hpp"
#include "seatkey/common/time.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/issuing/signer.hpp"
#include "seatkey/server/api.hpp"
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::server {

// A request: a body of at most kMaxBodyBytes and the few headers the API reads. An answer can be
// far larger (an order of thousands of licenses, each with its token).
inline constexpr std::size_t kMaxFrameBytes = 2u << 20;
inline constexpr std::size_t kMaxAnswerBytes = 512u << 20;
// How far a claim's iat may lie from the signer's clock: the server reads the clock under the
// ledger's lock and signs at once, so a larger gap means someone chose the time.
inline constexpr UnixTime kMaxIatBehind = 600;
inline constexpr UnixTime kMaxIatAhead = 60;

enum class Op : std::uint8_t { stats = 0x02, write = 0x03 };
enum class Status : std::uint8_t { ok = 0x00, refused = 0x01 };

// Frame I/O on a blocking stream socket (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
enum class FrameRead { ok, closed, too_large, empty, io_error };
FrameRead read_frame(int fd, std::string* body, std::size_t max = kMaxFrameBytes);
bool write_frame(int fd, std::string_view body, std::size_t max = kMaxFrameBytes);

// The request bodies the server sends, and what the signer reads of them (signer_wire.cpp).
std::string write_request(const WriteRequest& request);
std::string stats_request();
// A write request's fields (after its op byte), or nullopt when they do not add up.
std::optional<WriteRequest> parse_write_request(std::string_view fields);
// An answer's encoding (after the status byte), and what it reads as.
std::string answer_fields(const Response& answer);
std::optional<Response> parse_answer(std::string_view fields);

// The signer's side: the key, the checks every signature passes, the writes it runs, its counts.
class SignerService final : public keygen::Signer {
 public:
  using Clock = std::function<UnixTime()>;
  explicit SignerService(SecretKey key, Clock clock = unix_now);

  const PublicKey& public_key() const override { return key_.public_key(); }
  // Signs for the handlers this process runs, when refusal() finds nothing (a last check: the
  // handlers write only such claims), and counts it.
  seatkey::Result<std::string> sign(std::string_view payload, std::string_view footer) const override;
  // Why claims are not signed: the payload is not claims of a kind of the token format (a license
  // or a revocation list) that parse_token_claims() accepts, written exactly as to_payload_json()
  // writes them, with a decimal serial as jti and an iat within [clock - kMaxIatBehind, clock +
  // kMaxIatAhead], or the footer is not exactly {"kid":"<this key's k4.pid>"}; else nullopt.
  std::optional<std::string> refusal(std::string_view payload, std::string_view footer) const;

  // The Api (without a writer: its own read-write ledger connection) that runs write requests.
  void serve_writes(Api& api) { api_ = &api; }
  // The response body to one request body; nullopt when the request breaks the protocol (the
  // connection must close), a write request before serve_writes() included.
  std::optional<std::string> handle(std::string_view request);
  std::uint64_t signatures() const { return signatures_; }
  std::uint64_t refusals() const { return refusals_; }

 private:
  SecretKey key_;
  Clock clock_;
  std::string footer_;
  Api* api_ = nullptr;
  mutable std::uint64_t signatures_ = 0;
  mutable std::uint64_t refusals_ = 0;
};

enum class ServeEnd { peer_closed, malformed_frame, io_error };
// Answers requests on `fd` until the server closes it or breaks the protocol.
ServeEnd serve(SignerService& service, int fd);

// The server's side: the signer's public key, and the Writer that forwards the writing routes'
// requests over the socket. It signs nothing itself. Thread-safe (one request at a time on the
// socket).
class RemoteSigner final : public keygen::Signer, public Writer {
 public:
  RemoteSigner(int fd, PublicKey key) : fd_(fd), key_(std::move(key)) {}
  const PublicKey& public_key() const override { return key_; }
  // Always Errc::invalid_claims: in this process, nothing is signed (the writing routes run in
  // the signer process).
  seatkey::Result<std::string> sign(std::string_view payload, std::string_view footer) const override;
  // The signer's answer; nullopt when the signer is gone (alive() is false from then on).
  std::optional<Response> write(const WriteRequest& request) const override;

  struct Stats {
    std::uint64_t signatures = 0;
    std::uint64_t refusals = 0;
    std::uint64_t code_failures_last_minute = 0;
  };
  std::optional<Stats> stats() const;  // nullopt when the signer is gone
  bool alive() const { return alive_.load(); }
  // Closes the socket: the signer sees the end, logs its count and exits.
  void close();

 private:
  std::optional<std::string> exchange(std::string_view request) const;
  mutable std::mutex mutex_;
  mutable int fd_;
  mutable std::atomic<bool> alive_{true};
  PublicKey key_;
};

// How the child finds its key, and the ledger it writes.
struct SignerKeySource {
  std::string key_file;
  std::string passphrase_file;  // empty: SEATKEY_PASSPHRASE, else a prompt on a terminal
  std::string ledger;           // a SQLite file or a postgresql:// URL
  std::string issuer = "seatkey";
};

// A running signer process, as the server sees it.
struct SignerProcess {
  pid_t pid = -1;
  int fd = -1;
  PublicKey public_key;
};

// Forks the signer. The child: dies with its parent, is not dumpable (no ptrace, no core file
// by the same user: the HTTP process cannot read it), ignores SIGINT/SIGTERM/SIGHUP (the server
// stops it by closing the socket once the requests in flight are done), closes every other file
// descriptor, loads the key (keygen::load_key_file, the passphrase rules of seatkey-keygen),
// wipes SEATKEY_PASSPHRASE from its memory, opens the ledger read-write (migrating an older
// schema), announces its public key and serves; it never returns. The parent: wipes
// SEATKEY_PASSPHRASE from its own memory, waits for the announcement and returns; a key or a
// ledger the child could not open is the child's error (its code, message and command hint).
// Must be called before the process has threads.
keygen::Result<SignerProcess> start_signer(const SignerKeySource& source);

}  // namespace seatkey::server
