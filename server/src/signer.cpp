#include "seatkey/server/signer.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>
#include <variant>

#include "responses.hpp"
#include "seatkey/common/claims.hpp"
#include "seatkey/common/paseto.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/io/passphrase.hpp"
#include "seatkey/server/api.hpp"
#include "seatkey/signing/claims_writer.hpp"

namespace seatkey::server {
namespace {

constexpr const char* kPassphraseVariable = "SEATKEY_PASSPHRASE";

bool read_all(int fd, char* out, std::size_t n, bool* clean_eof) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, out + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (clean_eof != nullptr) *clean_eof = r == 0 && got == 0;
      return false;
    }
    got += static_cast<std::size_t>(r);
  }
  return true;
}

void put_u32(std::string* out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
void put_u64(std::string* out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
std::uint64_t get_be(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string status_body(Status status, std::string_view rest) {
  std::string out(1, static_cast<char>(status));
  out += rest;
  return out;
}

// Why the child could not start, as the parent rebuilds it: the code's name, the message and
// the command hint, each ended by a NUL (neither holds one).
std::string startup_refusal(const keygen::Error& e) {
  std::string out = status_body(Status::refused, keygen::code_info(e.code).name);
  for (const std::string* part : {&e.message, &e.command_hint}) {
    out += '\0';
    out += *part;
  }
  return out;
}

keygen::Error startup_error(std::string_view fields) {
  const auto name_end = fields.find('\0');
  const auto message_end = fields.find('\0', name_end == std::string_view::npos ? name_end : name_end + 1);
  if (message_end == std::string_view::npos)
    return keygen::Error(keygen::Code::bad_input, std::string(fields));
  keygen::Code code = keygen::Code::bad_input;
  for (const keygen::CodeInfo& info : keygen::kCodes) {
    if (info.name == fields.substr(0, name_end)) code = info.code;
  }
  const std::string_view message = fields.substr(name_end + 1, message_end - name_end - 1);
  return keygen::Error(code, std::string(message), {}, std::string(fields.substr(message_end + 1)));
}

// A ledger serial as the keygen writes jti: a positive decimal number without leading zeros.
bool is_decimal_serial(std::string_view s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Overwrites the value of SEATKEY_PASSPHRASE where the environment keeps it, then removes it:
// unsetenv() alone would leave the bytes in memory (and in /proc/PID/environ).
void wipe_passphrase_variable() {
  if (char* value = std::getenv(kPassphraseVariable)) sodium_memzero(value, std::strlen(value));
  ::unsetenv(kPassphraseVariable);
}

// Every descriptor but these is closed in the child: it needs its socket and the standard
// streams (a prompt, its log) and nothing the server had open.
void close_other_descriptors(int keep) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != keep) ::close(fd);
    }
    return;
  }
  std::vector<int> open;
  const int dir_fd = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd > 2 && fd != keep && fd != dir_fd) open.push_back(fd);
  }
  ::closedir(dir);
  for (int fd : open) ::close(fd);
}

// The writes the signer runs: an Api of its own, on one read-write connection of the ledger.
keygen::Result<std::unique_ptr<Api>> writer_api(const SignerKeySource& source, SignerService& service) {
  ApiOptions options;
  options.ledger_path = source.ledger;
  options.ledger_connections = 1;
  options.issuer = source.issuer;
  return Api::create(options, service, [&service] {
    return SignerStatus{true, service.signatures(), service.refusals(), 0};
  });
}

[[noreturn]] void run_signer_child(const SignerKeySource& source, int fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) std::_Exit(2);  // the server died before the line above
  // Not dumpable (the server sets this before forking; again, for any other caller): no core
  // file, and no process of the same user (the HTTP process included) may ptrace it or read its
  // /proc/PID/mem.
  ::prctl(PR_SET_DUMPABLE, 0);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  close_other_descriptors(fd);
  auto key = keygen::load_key_file(source.key_file, [&] {
    return keygen::obtain_passphrase(source.passphrase_file, "the key " + source.key_file, false);
  });
  wipe_passphrase_variable();
  if (!key) {
    // Whatever is wrong with the key, the server's start is an input error (exit status 2).
    write_frame(fd, startup_refusal(keygen::Error(keygen::Code::bad_input, key.error().message)));
    std::_Exit(2);
  }
  SignerService service(std::move(*key));
  auto api = writer_api(source, service);
  if (!api) {
    write_frame(fd, startup_refusal(api.error()));
    std::_Exit(2);
  }
  service.serve_writes(**api);
  if (!write_frame(fd, status_body(Status::ok, service.public_key().to_paserk()))) std::_Exit(2);
  const ServeEnd end = serve(service, fd);
  std::cerr << "seatkey-server: signer: " << service.signatures() << " signatures, " << service.refusals()
            << " refused"
            << (end == ServeEnd::malformed_frame ? "; stopped at a request that breaks the protocol" : "")
            << (end == ServeEnd::io_error ? "; the connection to the server failed" : "") << "\n";
  std::_Exit(end == ServeEnd::peer_closed ? 0 : 3);
}

}  // namespace

FrameRead read_frame(int fd, std::string* body, std::size_t max) {
  char header[4];
  bool clean_eof = false;
  if (!read_all(fd, header, sizeof header, &clean_eof))
    return clean_eof ? FrameRead::closed : FrameRead::io_error;
  const std::uint64_t n = get_be(std::string_view(header, sizeof header));
  if (n == 0) return FrameRead::empty;
  if (n > max) return FrameRead::too_large;
  body->assign(static_cast<std::size_t>(n), '\0');
  return read_all(fd, body->data(), body->size(), nullptr) ? FrameRead::ok : FrameRead::io_error;
}

bool write_frame(int fd, std::string_view body, std::size_t max) {
  if (body.empty() || body.size() > max) return false;
  std::string frame;
  frame.reserve(4 + body.size());
  put_u32(&frame, static_cast<std::uint32_t>(body.size()));
  frame += body;
  std::string_view left = frame;
  while (!left.empty()) {
    const ssize_t n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string stats_request() {
  return std::string(1, static_cast<char>(Op::stats));
}

SignerService::SignerService(SecretKey key, Clock clock)
    : key_(std::move(key)),
      clock_(std::move(clock)),
      footer_("{\"kid\":\"" + key_.public_key().id() + "\"}") {}

std::optional<std::string> SignerService::refusal(std::string_view payload, std::string_view footer) const {
  if (footer != footer_) return "the footer is not {\"kid\":\"" + key_.public_key().id() + "\"}";
  // Any kind of the token format (a license or a revocation list), each with its kind's rules.
  auto claims = parse_token_claims(payload);
  if (!claims) return "not seatkey claims: " + claims.error().message;
  if (to_payload_json(*claims) != payload) return "the claims are not written as seatkey-keygen writes them";
  const auto [serial, issued_at] = std::visit(
      [](const auto& c) { return std::pair<std::string, UnixTime>(c.serial, c.issued_at); }, *claims);
  if (!is_decimal_serial(serial)) return "jti is not a ledger serial (a decimal number)";
  const UnixTime now = clock_();
  if (issued_at < now - kMaxIatBehind || issued_at > now + kMaxIatAhead) {
    return "iat " + format_rfc3339(issued_at) + " is not the signer's time (" + format_rfc3339(now) + ")";
  }
  return std::nullopt;
}

seatkey::Result<std::string> SignerService::sign(std::string_view payload, std::string_view footer) const {
  if (auto why = refusal(payload, footer)) {
    ++refusals_;
    return make_error(Errc::invalid_claims, "the signer refused: " + *why);
  }
  auto token = key_.sign(payload, footer);
  ++(token ? signatures_ : refusals_);
  return token;
}

std::optional<std::string> SignerService::handle(std::string_view request) {
  if (request.empty()) return std::nullopt;
  const auto op = static_cast<std::uint8_t>(request[0]);
  if (op == static_cast<std::uint8_t>(Op::stats)) {
    if (request.size() != 1) return std::nullopt;
    std::string out(1, static_cast<char>(Status::ok));
    put_u64(&out, signatures_);
    put_u64(&out, refusals_);
    put_u64(&out, api_ != nullptr ? api_->code_failures_last_minute() : 0);
    return out;
  }
  if (op != static_cast<std::uint8_t>(Op::write) || api_ == nullptr) return std::nullopt;
  const auto write = parse_write_request(request.substr(1));
  if (!write) return std::nullopt;
  return status_body(Status::ok, answer_fields(api_->write(*write)));
}

ServeEnd serve(SignerService& service, int fd) {
  std::string request;
  for (;;) {
    switch (read_frame(fd, &request)) {
      case FrameRead::ok: break;
      case FrameRead::closed: return ServeEnd::peer_closed;
      case FrameRead::io_error: return ServeEnd::io_error;
      case FrameRead::empty:
      case FrameRead::too_large: ::shutdown(fd, SHUT_RDWR); return ServeEnd::malformed_frame;
    }
    const std::optional<std::string> response = service.handle(request);
    if (!response) {
      ::shutdown(fd, SHUT_RDWR);
      return ServeEnd::malformed_frame;
    }
    if (!write_frame(fd, *response, kMaxAnswerBytes)) return ServeEnd::io_error;
  }
}

std::optional<std::string> RemoteSigner::exchange(std::string_view request) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!alive_.load()) return std::nullopt;
  std::string response;
  if (!write_frame(fd_, request) || read_frame(fd_, &response, kMaxAnswerBytes) != FrameRead::ok ||
      response.empty()) {
    alive_.store(false);
    return std::nullopt;
  }
  return response;
}

Result<std::string> RemoteSigner::sign(std::string_view, std::string_view) const {
  return make_error(Errc::invalid_claims,
                    "the HTTP process signs nothing: the signer process runs the writes");
}

std::optional<Response> RemoteSigner::write(const WriteRequest& request) const {
  const std::string frame = write_request(request);
  if (frame.size() > kMaxFrameBytes) {
    return problem(Problem::too_large, "the request is too large for the signer process");
  }
  const auto response = exchange(frame);
  if (!response) return std::nullopt;
  std::optional<Response> answer;
  if ((*response)[0] == static_cast<char>(Status::ok))
    answer = parse_answer(std::string_view(*response).substr(1));
  if (!answer) alive_.store(false);  // a signer that answers nonsense is no signer to keep
  return answer;
}

std::optional<RemoteSigner::Stats> RemoteSigner::stats() const {
  const auto response = exchange(stats_request());
  if (!response || response->size() != 25 || (*response)[0] != static_cast<char>(Status::ok))
    return std::nullopt;
  const std::string_view r = *response;
  return Stats{get_be(r.substr(1, 8)), get_be(r.substr(9, 8)), get_be(r.substr(17, 8))};
}

void RemoteSigner::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  alive_.store(false);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {

keygen::Error start_error(std::string message) {
  return keygen::Error(keygen::Code::bad_input, std::move(message));
}

// Waits for the child that did not announce a key (killing it first when `kill`).
void reap(pid_t pid, int fd, bool kill) {
  ::close(fd);
  if (kill) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

keygen::Result<SignerProcess> start_signer(const SignerKeySource& source) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return start_error(std::string("cannot make the signer's socket: ") + std::strerror(errno));
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return start_error(std::string("cannot start the signer process: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    run_signer_child(source, fds[1], parent);
  }
  ::close(fds[1]);
  wipe_passphrase_variable();
  std::string hello;
  const FrameRead read = read_frame(fds[0], &hello);
  if (read != FrameRead::ok || hello.empty()) {
    reap(pid, fds[0], false);
    return start_error("the signer process ended before announcing its key");
  }
  const std::string_view rest = std::string_view(hello).substr(1);
  if (hello[0] != static_cast<char>(Status::ok)) {
    reap(pid, fds[0], false);
    return startup_error(rest);
  }
  auto key = PublicKey::from_paserk(rest);
  if (!key) {
    reap(pid, fds[0], true);
    return start_error("the signer process announced no valid public key");
  }
  return SignerProcess{pid, fds[0], std::move(*key)};
}

}  // namespace seatkey::server
