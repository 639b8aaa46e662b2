// Privilege separation: the vendor key lives in a small signer process, never in the process
// that parses HTTP. The server forks the signer before anything secret is read; the child reads
// and unlocks the key (sodium_malloc memory), sends its public key, and then signs requests that
// arrive over a socketpair. A bug in the HTTP process can ask for signatures, but only for
// well-formed seatkey claims, and cannot read the key.
//
// The protocol (one stream socket; every message a frame of a 4-byte big-endian length and that
// many bytes, 1 to kMaxFrameBytes):
//   signer -> server, once:  0x00 k4.public...        (ready; its public key)
//                            0x01 message             (the key could not be loaded; it exits)
//   server -> signer:        0x01 len32 payload footer  (sign)
//                            0x02                     (statistics)
//   signer -> server:        0x00 token               (signed)
//                            0x00 u64 u64             (statistics: signatures, refusals)
//                            0x01 message             (refused; the connection stays)
// A frame that breaks the protocol (length 0 or too large, an unknown request, a truncated
// sign request) is not answered: the signer closes the connection and exits, since only a
// broken or subverted server sends one.
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
#include "seatkey/signing/secret_key.hpp"

namespace seatkey::server {

inline constexpr std::size_t kMaxFrameBytes = 2u << 20;
// How far a claim's iat may lie from the signer's clock: the server reads the clock under the
// ledger's lock and signs at once, so a larger gap means someone chose the time.
inline constexpr UnixTime kMaxIatBehind = 600;
inline constexpr UnixTime kMaxIatAhead = 60;

enum class Op : std::uint8_t { sign = 0x01, stats = 0x02 };
enum class Status : std::uint8_t { ok = 0x00, refused = 0x01 };

// Frame I/O on a blocking stream socket (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
enum class FrameRead { ok, closed, too_large, empty, io_error };
FrameRead read_frame(int fd, std::string* body);
bool write_frame(int fd, std::string_view body);

// The request bodies the server sends.
std::string sign_request(std::string_view payload, std::string_view footer);
std::string stats_request();

// The signer's side: what it will sign, and its counts.
class SignerService {
 public:
  using Clock = std::function<UnixTime()>;
  explicit SignerService(SecretKey key, Clock clock = unix_now);

  const PublicKey& public_key() const { return key_.public_key(); }
  // The response body to one request body; nullopt when the request breaks the protocol (the
  // connection must close). A sign request is signed only when the payload is claims of a kind
  // of the token format (a license or a revocation list) that parse_token_claims() accepts,
  // written exactly as to_payload_json() writes them, with a
  // decimal serial as jti and an iat within [clock - kMaxIatBehind, clock + kMaxIatAhead], and
  // the footer is exactly {"kid":"<this key's k4.pid>"}; anything else is refused with the reason.
  std::optional<std::string> handle(std::string_view request);
  std::uint64_t signatures() const { return signatures_; }
  std::uint64_t refusals() const { return refusals_; }

  // Why a sign request is refused, or nullopt when it may be signed.
  std::optional<std::string> refusal(std::string_view payload, std::string_view footer) const;

 private:
  SecretKey key_;
  Clock clock_;
  std::string footer_;
  std::uint64_t signatures_ = 0;
  std::uint64_t refusals_ = 0;
};

enum class ServeEnd { peer_closed, malformed_frame, io_error };
// Answers requests on `fd` until the server closes it or breaks the protocol.
ServeEnd serve(SignerService& service, int fd);

// The server's side: keygen::Signer over the socket. Every token that comes back is verified
// against the public key the signer announced, and must carry exactly the payload and footer
// asked for, before it is returned. Thread-safe (one request at a time on the socket).
class RemoteSigner final : public keygen::Signer {
 public:
  RemoteSigner(int fd, PublicKey key) : fd_(fd), key_(std::move(key)) {}
  const PublicKey& public_key() const override { return key_; }
  // Errc::bad_signature when the returned token does not verify or carries other claims;
  // Errc::io_error when the signer is gone (alive() is false from then on); Errc::invalid_claims
  // when the signer refused the claims.
  seatkey::Result<std::string> sign(std::string_view payload, std::string_view footer) const override;

  struct Stats {
    std::uint64_t signatures = 0;
    std::uint64_t refusals = 0;
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

// How the child finds its key.
struct SignerKeySource {
  std::string key_file;
  std::string passphrase_file;  // empty: SEATKEY_PASSPHRASE, else a prompt on a terminal
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
// wipes SEATKEY_PASSPHRASE from its memory, announces its public key and serves; it never
// returns. The parent: wipes SEATKEY_PASSPHRASE from its own memory, waits for the announcement
// and returns; a key the child could not load is an input error with the child's message.
// Must be called before the process has threads.
keygen::Result<SignerProcess> start_signer(const SignerKeySource& source);

}  // namespace seatkey::server
