// seatkey-server: one ledger over HTTP for the license desk, the web shop and the ERP
// (docs/back-office.md, "The back office over HTTP"). Two processes: this one parses HTTP, reads
// the ledger read-only and never holds the vendor key; a signer process forked before anything
// secret is read holds it and runs every request that writes (seatkey/server/signer.hpp).
//
// Exit status: 0 stopped by SIGTERM or SIGINT (requests in flight finished); 1 refused at start
// (the key is not one of the ledger's signing keys); 2 usage or input error at start; 3 the
// signer process died: requests that needed a signature got 503 and the server stopped, so that
// its supervisor (systemd: Restart=on-failure) starts it again with the key.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http_text.hpp"
#include "openapi.hpp"
#include "privileges.hpp"
#include "seatkey/common/file.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/input.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"
#include "seatkey/server/api.hpp"
#include "seatkey/server/http_server.hpp"
#include "seatkey/server/signer.hpp"

namespace {

using namespace seatkey;
using namespace seatkey::server;

// Besides the exit status of each kind of error (keygen::kKinds): 0 stopped, 3 signer lost.
constexpr int kStopped = 0, kSignerLost = 3;
constexpr std::size_t kMaxTlsFileBytes = 1u << 20;

struct Options {
  std::string ledger;
  std::string key;
  std::string passphrase_file;
  std::string listen = "127.0.0.1:8420";
  std::string tls_cert;
  std::string tls_key;
  std::string issuer = "seatkey";
  std::string user;
  unsigned threads = 4;
  unsigned max_connections = 512;
  unsigned max_connections_per_address = 64;
  std::vector<std::string> trusted_proxies;
  unsigned shutdown_timeout = 30;
  unsigned header_timeout = 10;
  unsigned body_timeout = 30;
};

void log(const std::string& line) {
  std::cerr << "seatkey-server: " << line << "\n" << std::flush;
}

// How serve() stops on an error: main() prints it and exits with its kind's status.
struct Stop {
  keygen::Error error;
};
template <class T>
T need(keygen::Result<T> result) {
  if (!result) throw Stop{std::move(result).error()};
  return std::move(result).value();
}
[[noreturn]] void stop_input(std::string message) {
  throw Stop{keygen::Error(keygen::Code::bad_input, std::move(message))};
}

std::string read_tls_file(const std::string& path, const char* what) {
  auto text = read_file_bounded(path, kMaxTlsFileBytes);
  if (!text) stop_input(std::string("cannot read ") + what + " " + text.error().message);
  if (text->size() > kMaxTlsFileBytes) stop_input(std::string(what) + " " + path + " is too large");
  return std::move(*text);
}

// Waits for the signer to end after its socket closed; it is killed if it takes too long.
int reap_signer(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || done < 0) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return status;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// The ledger must know the signer's key; its warnings are logged. (The signer opened it for
// writing already, and brought an older schema to the current one.)
void check_ledger(const Options& o, const SignerProcess& process) {
  const keygen::Ledger ledger = need(keygen::Ledger::open(o.ledger, keygen::Ledger::Access::read_only));
  for (const std::string& w : ledger.warnings()) log("warning: " + terminal_safe(w));
  if (!need(ledger.keys().knows(process.public_key.id()))) {
    throw Stop{keygen::Error(keygen::Code::unknown_signing_key,
                             "the key " + process.public_key.id() + " is not a signing key of ledger " +
                                 keygen::ledger_name(o.ledger) +
                                 "; register it first: seatkey-keygen ledger add-key --ledger " +
                                 keygen::ledger_name(o.ledger) + " --key " + o.key)};
  }
  if (need(ledger.keys().development())) {
    log("warning: ledger " + terminal_safe(keygen::ledger_name(o.ledger)) +
        " issues with the development key of keys/, whose secret everyone has: for tests only");
  }
}

HttpOptions http_options_of(const Options& o) {
  HttpOptions http;
  http.listen = o.listen;
  if (!o.tls_cert.empty()) {
    http.tls_cert_pem = read_tls_file(o.tls_cert, "--tls-cert");
    http.tls_key_pem = read_tls_file(o.tls_key, "--tls-key");
  }
  http.threads = o.threads;
  http.max_connections = o.max_connections;
  http.max_connections_per_address = o.max_connections_per_address;
  for (const std::string& proxy : o.trusted_proxies)
    http.trusted_proxies.push_back(*canonical_proxy_address(proxy));
  http.header_timeout = std::chrono::seconds(o.header_timeout);
  http.body_timeout = std::chrono::seconds(o.body_timeout);
  return http;
}

struct Ending {
  int exit_code = kStopped;
  std::optional<int> signer_exit;  // the signer's wait status, when it ended first
};

// Waits for SIGTERM or SIGINT, or for the signer to be gone.
Ending wait_for_the_end(const Api& api, const RemoteSigner& signer, pid_t signer_pid) {
  sigset_t wanted;
  sigemptyset(&wanted);
  for (int sig : {SIGTERM, SIGINT, SIGCHLD}) sigaddset(&wanted, sig);
  for (;;) {
    const timespec second{1, 0};
    const int sig = ::sigtimedwait(&wanted, nullptr, &second);
    if (sig == SIGTERM || sig == SIGINT) {
      log(std::string("stopping (") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
          "): no new connections; the requests in flight finish");
      return {};
    }
    if (sig != SIGCHLD && !api.signer_lost() && signer.alive()) continue;
    Ending ending{kSignerLost, std::nullopt};
    int status = 0;
    if (::waitpid(signer_pid, &status, WNOHANG) == signer_pid) {
      ending.signer_exit = status;
    } else if (!api.signer_lost() && signer.alive()) {
      continue;  // another child (none is expected)
    }
    log("error: the signer process is gone: requests that need a signature get 503; the server stops");
    return ending;
  }
}

int run_server(const Options& o, const SignerProcess& process, RemoteSigner& signer,
               const std::function<SignerStatus()>& signer_status) {
  check_ledger(o, process);
  const HttpOptions http_options = http_options_of(o);
  ApiOptions api_options;
  api_options.ledger_path = o.ledger;
  api_options.ledger_connections = o.threads;
  api_options.issuer = o.issuer;
  const std::unique_ptr<Api> api = need(Api::create(api_options, signer, signer_status, &signer));
  // Everything this process opens is open now: it becomes --user before it listens.
  if (!o.user.empty()) {
    if (auto became = become_user(o.user); !became) throw Stop{std::move(became).error()};
  }
  const std::unique_ptr<HttpServer> http = need(HttpServer::start(*api, http_options));
  log("listening on " + http->url() + " (ledger " + terminal_safe(keygen::ledger_name(o.ledger)) +
      ", signing key " + process.public_key.id() + ", signer process " + std::to_string(process.pid) + ")");
  const Ending ending = wait_for_the_end(*api, signer, process.pid);
  http->stop_accepting();
  if (!http->wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(o.shutdown_timeout)))
    log("warning: requests still in flight after " + std::to_string(o.shutdown_timeout) + " s: closed");
  http->stop();
  const SignerStatus last = signer_status();
  signer.close();
  const int status = ending.signer_exit ? *ending.signer_exit : reap_signer(process.pid);
  log("stopped after " + std::to_string(http->requests()) + " requests; signer: " +
      (last.alive ? std::to_string(last.signatures) + " signatures" : std::string("gone")) + ", " +
      describe_exit(status));
  return ending.exit_code;
}

int serve(const Options& o) {
  (void)need(keygen::check_text("the issuer (--issuer / SEATKEY_ISSUER)", o.issuer));
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    stop_input("--tls-cert and --tls-key go together (a certificate and its private key)");
  }
  if (::geteuid() == 0 && o.user.empty()) {
    stop_input(
        "started as root: give --user NAME, the user without privileges the HTTP process becomes "
        "(the signer process keeps root's access to the key and the ledger)");
  }
  if (::geteuid() != 0 && !o.user.empty()) {
    stop_input("--user " + o.user + ": only a server started as root changes its user");
  }
  // The signer first, while this process has read nothing secret and runs no thread.
  const SignerProcess process = need(start_signer({o.key, o.passphrase_file, o.ledger, o.issuer}));
  RemoteSigner signer(process.fd, process.public_key);
  const std::function<SignerStatus()> signer_status = [&signer] {
    const auto stats = signer.stats();
    return stats ? SignerStatus{true, stats->signatures, stats->refusals, stats->code_failures_last_minute}
                 : SignerStatus{};
  };
  try {
    return run_server(o, process, signer, signer_status);
  } catch (...) {
    signer.close();
    reap_signer(process.pid);
    throw;
  }
}

// The options that bound the server's work: threads, connections, clients behind a proxy, timeouts.
void setup_limits(CLI::App& app, Options& o) {
  app.add_option("--threads", o.threads, "threads that serve requests (each with its own ledger connection)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--max-connections", o.max_connections,
                 "connections at once; more wait unanswered in the listen queue until one ends")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--max-connections-per-address", o.max_connections_per_address,
                 "connections at once from one client address; more are closed when accepted")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--trusted-proxy", o.trusted_proxies,
                 "a reverse proxy's address (repeatable): its requests count as the client's its "
                 "X-Forwarded-For names, for throttling wrong tokens")
      ->type_name("ADDR")
      ->check([](const std::string& text) {
        return canonical_proxy_address(text) ? std::string() : "not an IPv4 or IPv6 address: " + text;
      });
  app.add_option("--header-timeout", o.header_timeout,
                 "seconds a connection has for a request's headers (from its start or its previous response)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--body-timeout", o.body_timeout, "seconds a request has for its body, after its headers")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--shutdown-timeout", o.shutdown_timeout,
                 "seconds the requests in flight get to finish after SIGTERM")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
}

// The command line: the options of `o`, --version, --openapi and the help's footer.
void setup(CLI::App& app, Options& o) {
  app.set_version_flag("--version", std::string("seatkey-server ") + SEATKEY_VERSION);
  app.add_option("--ledger", o.ledger,
                 "the ledger: a SQLite file, or a postgresql:// URL (seatkey-keygen ledger init makes one)")
      ->envname("SEATKEY_LEDGER")
      ->required();
  app.add_option("--key", o.key,
                 "vendor key file (k4.secret-pw or k4.secret, mode 0600): read by the signer process")
      ->envname("SEATKEY_KEY")
      ->required();
  app.add_option(
      "--passphrase-file", o.passphrase_file,
      "file whose first line is the key's passphrase (mode 0600); default: $SEATKEY_PASSPHRASE, else "
      "asked on the terminal");
  app.add_option("--listen", o.listen,
                 "address and port to listen on, 127.0.0.1:8420 or [::1]:8420 (port 0: any)")
      ->capture_default_str();
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate (chain): serve HTTPS (with --tls-key)");
  app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert");
  app.add_option("--user", o.user,
                 "started as root (required then): the user the HTTP process becomes once it has opened "
                 "the ledger read-only and the TLS files, before it listens; the signer process stays root")
      ->envname("SEATKEY_USER");
  app.add_option("--issuer", o.issuer, "the tokens' iss claim (the vendor's name)")
      ->envname("SEATKEY_ISSUER")
      ->capture_default_str();
  setup_limits(app, o);
  app.add_flag_callback(
      "--openapi",
      [] {
        std::cout << openapi_document();
        throw CLI::Success();
      },
      "print the OpenAPI document the server serves at /v1/openapi.json, and exit");
  app.footer(
      "\nThe vendor key is read, unlocked and used only by a signer process forked at start, which\n"
      "also runs every request that writes the ledger (it checks the token itself); this process\n"
      "parses HTTP, reads the ledger read-only and never holds the key. SIGTERM or SIGINT: stop accepting, "
      "finish the\n"
      "requests in flight, exit 0. Exit 1: the key is not a signing key of the ledger; 2: usage or\n"
      "input error; 3: the signer process died (the server stops; restart it).\n"
      "\nExample:\n"
      "  seatkey-server --ledger licenses.db --key vendor.key --passphrase-file passphrase.txt\n");
}

}  // namespace

int main(int argc, char** argv) {
  // Not dumpable, before anything is read and before the signer is forked (it inherits this and
  // sets it again): no other process of this user may ptrace either process or read its
  // /proc/PID/mem or environ (the passphrase variable), and a crash leaves no core file.
  ::prctl(PR_SET_DUMPABLE, 0);
  // Every thread starts with these blocked; the main thread waits for them (sigtimedwait).
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : {SIGTERM, SIGINT, SIGCHLD}) sigaddset(&blocked, sig);
  ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Options o;
  CLI::App app{
      "seatkey-server: the back office's HTTP API (JSON, OpenAPI at /v1/openapi.json) over one ledger",
      "seatkey-server"};
  setup(app, o);
  const auto error = [](const std::string& message) {
    std::cerr << "seatkey-server: " << terminal_safe(message) << "\n";
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    error("error: " + std::string(e.what()) + " (run with --help for the usage)");
    return keygen::kind_info(keygen::Kind::input).exit_status;
  }
  try {
    return serve(o);
  } catch (const Stop& stop) {
    const keygen::Kind kind = stop.error.kind;
    error((kind == keygen::Kind::refused ? "refused: " : "error: ") + stop.error.message);
    // At start-up the operator is at a terminal: the command that fixes it (create or migrate
    // the ledger) is theirs to run. A request's problem never carries it (responses.cpp).
    if (!stop.error.command_hint.empty()) std::cerr << "  " << terminal_safe(stop.error.command_hint) << "\n";
    return keygen::kind_info(kind).exit_status;
  } catch (const std::exception& e) {
    error("error: " + std::string(e.what()));
    return keygen::kind_info(keygen::Kind::input).exit_status;
  }
}
