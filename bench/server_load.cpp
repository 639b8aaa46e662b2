// seatkey-server under load, against a floor measured in the same run (docs/performance.md,
// "The back-office server"):
//
//   floor   one 5-user pack issued in this process with the keygen library: the rules, the
//           signature and its check, a one-row SQLite commit (keygen::issue, what every
//           request of the server does at its core, without HTTP and the signer process);
//   latency one pack per POST /v1/licenses/users over HTTP, one client, one request at a time,
//           alternating with the floor's issues (pairs: both see the same disk and load): p50
//           and p99 of each, and the server's CPU a request (HTTP process and signer);
//   load    CLIENTS concurrent clients issuing TOTAL packs in all: issues per second, errors,
//           distinct serials.
//
// Targets: latency p50 <= 2x the floor's p50; load throughput >= 50% of the floor's
// single-thread rate. Exit status 0 when both hold and nothing failed, 1 when a target does
// not hold, 2 when a request failed or serials repeat (or on a usage error).
//
// The client is plain sockets and HTTP/1.1 keep-alive, one connection per client: a process
// per request (curl in a loop) would time fork and exec rather than the server, and a
// connection per request would time TCP's handshake. Every POST carries its own
// Idempotency-Key, as the desk's page and a well-behaved shop do, so the server's idempotency
// record is part of what is measured; after a dropped connection the request is sent again
// with the same key (safe: the server answers a retry with the first answer).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "seatkey/keygen/error.hpp"
#include "seatkey/keygen/io/key_file.hpp"
#include "seatkey/keygen/issuing/issuer.hpp"
#include "seatkey/keygen/ledger/ledger.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string key;           // the ledger's signing key, unencrypted (k4.secret)
  std::string floor_ledger;  // a copy of the server's ledger, for the floor alone
  std::string host = "127.0.0.1";
  int port = 0;
  std::string token;  // a shop's API token
  int appliances = 100;
  int rounds = 200;    // floor and HTTP pairs
  int server_pid = 0;  // for the server's CPU time (optional)
  int clients = 8;
  int total = 2000;
  std::string serials_out;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "seatkey-bench-server-load: " << why
            << "\nusage: seatkey-bench-server-load --key FILE --floor-ledger DB --port PORT --token TOKEN\n"
               "         [--appliances 100] [--rounds 200] [--clients 8] [--total 2000]\n"
               "         [--serials-out FILE]\n";
  std::exit(2);
}

// The appliances the packs go to, round robin: each has a server license (the bench script
// issues them). A shop sells packs to many appliances, and one appliance's rows are what each
// issue reads for its rules.
std::string appliance(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "F0%010X", static_cast<unsigned>(i));
  return id;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// CPU time (user + system, all threads) of a process and its children's (the signer), from
// /proc; 0 when it cannot be read.
double process_cpu_ms(int pid) {
  if (pid <= 0) return 0;
  const auto stat_of = [](const std::string& id) {
    std::ifstream in("/proc/" + id + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos) return 0.0;
    std::istringstream fields(text.substr(paren + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14 || i == 15) ticks += std::strtod(f.c_str(), nullptr);  // utime, stime
    }
    return ticks * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  };
  double total = stat_of(std::to_string(pid));
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  for (std::string child; children >> child;) total += stat_of(child);
  return total;
}

double thread_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// The value of a Result, or its error thrown: a benchmark stops at the first failure.
template <class T>
T got(seatkey::keygen::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

// No passphrase: the benchmarks need unencrypted keys (k4.secret).
seatkey::keygen::Result<seatkey::SecureBuffer> no_passphrase() {
  return seatkey::keygen::Error(seatkey::keygen::Code::bad_input,
                                "the benchmark needs an unencrypted key (k4.secret)");
}

// --- the floor --------------------------------------------------------------------------------

class Floor {
 public:
  explicit Floor(const Options& o)
      : o_(o),
        key_(got(seatkey::keygen::load_key_file(o.key, no_passphrase))),
        ledger_(
            got(seatkey::keygen::Ledger::open(o.floor_ledger, seatkey::keygen::Ledger::Access::read_write))) {
  }

  void issue_pack(int i) {
    seatkey::keygen::PackOrder p;
    p.appliance = appliance(i % o_.appliances);
    p.users = 5;
    (void)got(seatkey::keygen::issue(ledger_, key_, {p}));
  }

 private:
  const Options& o_;
  seatkey::SecretKey key_;
  seatkey::keygen::Ledger ledger_;
};

// --- the HTTP client --------------------------------------------------------------------------

class Client {
 public:
  explicit Client(const Options& o) : o_(o) {}
  ~Client() { disconnect(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int reconnects() const { return reconnects_; }

  // Issues one 5-user pack; the serial, or 0 with *error set.
  long long issue_pack(int i, std::string* error) {
    const std::string body = "{\"appliance\":\"" + appliance(i % o_.appliances) + "\",\"users\":5}";
    const std::string request = "POST /v1/licenses/users HTTP/1.1\r\nHost: " + o_.host +
                                "\r\nAuthorization: Bearer " + o_.token +
                                "\r\nContent-Type: application/json\r\nIdempotency-Key: " + new_key() +
                                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (fd_ < 0 && !connect_now(error)) return 0;
      int status = 0;
      std::string answer;
      bool sent_nothing_back = false;
      if (exchange(request, &status, &answer, &sent_nothing_back)) {
        if (status != 201) {
          *error = "HTTP " + std::to_string(status) + ": " + answer.substr(0, 300);
          return 0;
        }
        try {
          const auto j = nlohmann::json::parse(answer);
          const auto& licenses = j.at("licenses");
          if (licenses.size() != 1) throw std::runtime_error("not one license");
          return licenses.at(0).at("serial").get<long long>();
        } catch (const std::exception& e) {
          *error = std::string("malformed answer (") + e.what() + "): " + answer.substr(0, 300);
          return 0;
        }
      }
      disconnect();
      if (!sent_nothing_back) break;  // a partial answer: do not guess
      ++reconnects_;                  // the server closed a kept-alive connection: resend, same key
    }
    *error = "the connection failed: " + std::string(std::strerror(errno));
    return 0;
  }

 private:
  static std::string new_key() {
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    return hex;
  }

  bool connect_now(std::string* error) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(o_.port));
    ::inet_pton(AF_INET, o_.host.c_str(), &a.sin_addr);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      *error = "cannot connect to " + o_.host + ":" + std::to_string(o_.port) + ": " + std::strerror(errno);
      disconnect();
      return false;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    buffer_.clear();
    return true;
  }

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Sends the request and reads one answer (Content-Length framed). false when the connection
  // failed; *nothing_back when not a byte of the answer had come.
  bool exchange(const std::string& request, int* status, std::string* body, bool* nothing_back) {
    *nothing_back = true;
    for (std::size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) return false;
      *nothing_back = false;
    }
    *nothing_back = false;
    const std::string head = buffer_.substr(0, end);
    if (head.compare(0, 9, "HTTP/1.1 ") != 0 || head.size() < 12) return false;
    *status = std::atoi(head.c_str() + 9);
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t cl = lower.find("\r\ncontent-length:");
    if (cl == std::string::npos) return false;
    const std::size_t length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
    const bool close = lower.find("\r\nconnection: close") != std::string::npos;
    while (buffer_.size() < end + 4 + length) {
      if (!read_more()) return false;
    }
    *body = buffer_.substr(end + 4, length);
    buffer_.erase(0, end + 4 + length);
    if (close) disconnect();
    return true;
  }

  bool read_more() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  const Options& o_;
  int fd_ = -1;
  std::string buffer_;
  int reconnects_ = 0;
};

// --- the run ----------------------------------------------------------------------------------

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(a + " needs a value");
    const std::string v = argv[++i];
    const auto number = [&]() {
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 1000000) usage(a + " takes a number from 1 to 1000000, not " + v);
      return static_cast<int>(n);
    };
    if (a == "--key")
      o.key = v;
    else if (a == "--floor-ledger")
      o.floor_ledger = v;
    else if (a == "--port")
      o.port = number();
    else if (a == "--token")
      o.token = v;
    else if (a == "--appliances")
      o.appliances = number();
    else if (a == "--rounds")
      o.rounds = number();
    else if (a == "--server-pid")
      o.server_pid = number();
    else if (a == "--clients")
      o.clients = number();
    else if (a == "--total")
      o.total = number();
    else if (a == "--serials-out")
      o.serials_out = v;
    else
      usage("unknown option " + a);
  }
  if (o.key.empty() || o.floor_ledger.empty() || o.port == 0 || o.token.empty())
    usage("--key, --floor-ledger, --port and --token are needed");
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  if (sodium_init() < 0) return 2;

  // The floor and one client's requests in alternating pairs (the order reversed every other
  // round), so that both see the same disk and the same load of a shared machine.
  std::vector<long long> serials;
  std::vector<std::string> errors;
  std::vector<double> each;
  std::vector<double> floor_each;
  std::vector<double> floor_cpu;
  double server_cpu_start = 0;
  {
    Floor floor(o);
    Client c(o);
    std::string error;
    for (int i = 0; i < 10; ++i) {  // warm-up: page caches, prepared statements, the connection
      floor.issue_pack(i);
      if (c.issue_pack(i, &error) == 0) errors.push_back(error);
    }
    server_cpu_start = process_cpu_ms(o.server_pid);
    for (int i = 0; i < o.rounds && errors.empty(); ++i) {
      for (int half = 0; half < 2; ++half) {
        const auto t = Clock::now();
        if ((half == 0) == (i % 2 == 0)) {
          const double cpu = thread_cpu_ms();
          floor.issue_pack(i);
          floor_each.push_back(ms(Clock::now() - t));
          floor_cpu.push_back(thread_cpu_ms() - cpu);
        } else {
          const long long serial = c.issue_pack(i, &error);
          each.push_back(ms(Clock::now() - t));
          if (serial == 0) errors.push_back(error);
          serials.push_back(serial);
        }
      }
    }
  }
  if (!errors.empty()) {
    std::printf("FAIL: a request failed: %s\n", errors.front().c_str());
    return 2;
  }
  const double server_cpu_ms = (process_cpu_ms(o.server_pid) - server_cpu_start) /
                               static_cast<double>(std::max<std::size_t>(1, each.size()));
  double floor_total_ms = 0;
  for (double t : floor_each) floor_total_ms += t;
  const double floor_p50 = percentile(floor_each, 0.5);
  const double floor_rate = 1000.0 * static_cast<double>(floor_each.size()) / floor_total_ms;
  const double p50 = percentile(each, 0.5);
  const double p99 = percentile(each, 0.99);

  std::atomic<int> next{0};
  std::atomic<int> reconnects{0};
  std::mutex mutex;
  std::vector<long long> load_serials;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < o.clients; ++t) {
    threads.emplace_back([&] {
      Client c(o);
      std::vector<long long> mine;
      std::vector<std::string> failed;
      for (int i; (i = next.fetch_add(1)) < o.total;) {
        std::string error;
        const long long serial = c.issue_pack(i, &error);
        if (serial == 0)
          failed.push_back(error);
        else
          mine.push_back(serial);
      }
      reconnects += c.reconnects();
      std::lock_guard<std::mutex> lock(mutex);
      load_serials.insert(load_serials.end(), mine.begin(), mine.end());
      errors.insert(errors.end(), failed.begin(), failed.end());
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double rate = static_cast<double>(load_serials.size()) / seconds;
  const std::set<long long> distinct(load_serials.begin(), load_serials.end());

  if (!o.serials_out.empty()) {
    std::ofstream out(o.serials_out);
    for (long long s : serials) out << s << "\n";
    for (long long s : load_serials) out << s << "\n";
  }

  const double latency_ratio = p50 / floor_p50;
  const double rate_ratio = rate / floor_rate;
  const bool latency_ok = latency_ratio <= 2.0;
  const bool rate_ok = rate_ratio >= 0.5;
  const bool correct = errors.empty() && static_cast<int>(distinct.size()) == o.total &&
                       static_cast<int>(load_serials.size()) == o.total;
  std::printf(
      "floor: in-process keygen::issue of one 5-user pack (sign + verify + one-row commit), %zu runs:\n"
      "  p50 %.2f ms, p99 %.2f ms, %.1f issues/s on one thread (CPU p50 %.2f ms: the rest is the disk)\n",
      floor_each.size(), floor_p50, percentile(floor_each, 0.99), floor_rate, percentile(floor_cpu, 0.5));
  std::printf(
      "latency: one pack per POST /v1/licenses/users, one client, %zu requests, each paired with the "
      "floor's:\n"
      "  p50 %.2f ms, p99 %.2f ms; p50 / floor p50 = %.2fx (target <= 2.00x): %s\n",
      each.size(), p50, p99, latency_ratio, latency_ok ? "PASS" : "FAIL");
  if (o.server_pid > 0) {
    std::printf(
        "  the server's CPU (HTTP process and signer): %.2f ms a request on average (floor's mean %.2f ms)\n",
        server_cpu_ms,
        std::accumulate(floor_cpu.begin(), floor_cpu.end(), 0.0) / static_cast<double>(floor_cpu.size()));
  }
  std::printf(
      "load: %d clients, %d packs in %.2f s: %.1f issues/s; / floor rate = %.2f (target >= 0.50): %s\n",
      o.clients, o.total, seconds, rate, rate_ratio, rate_ok ? "PASS" : "FAIL");
  std::printf("  %zu issued, %zu errors, %zu distinct serials of %d, %d connections re-opened: %s\n",
              load_serials.size(), errors.size(), distinct.size(), o.total, reconnects.load(),
              correct ? "PASS" : "FAIL");
  for (std::size_t i = 0; i < errors.size() && i < 5; ++i) std::printf("  error: %s\n", errors[i].c_str());
  if (!correct) return 2;
  return latency_ok && rate_ok ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "seatkey-bench-server-load: " << e.what() << "\n";
  return 2;
}
