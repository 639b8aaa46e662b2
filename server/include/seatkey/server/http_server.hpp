// The HTTP side of seatkey-server: libmicrohttpd, set up for clients that may be hostile.
//
// Why libmicrohttpd (Debian's libmicrohttpd12): it was built for servers facing the internet
// and has, as options rather than code of ours, what a hostile client needs to meet:
// per-connection timeouts, limits on connections overall and per client address, a
// per-connection memory limit (headers past it are answered 431/413/414, never buffered), an
// internal epoll loop with a thread pool (a thousand idle connections cost no thread each), TLS
// through GnuTLS, and a C API with no global state. What it leaves to us is done here:
// deadlines for a whole request's headers and body (its timeout is per read, so a client
// dribbling a byte a second would never meet it), a bound on the memory of all bodies in flight,
// and a clean stop that lets the requests in flight finish.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seatkey/keygen/error.hpp"
#include "seatkey/server/api.hpp"

namespace seatkey::server {

struct HttpOptions {
  std::string listen = "127.0.0.1:8420";  // IPv4 "a.b.c.d:port" or IPv6 "[addr]:port"; port 0: any
  std::string tls_cert_pem;               // both empty: plain HTTP
  std::string tls_key_pem;
  unsigned threads = 4;
  unsigned max_connections = 512;
  unsigned max_connections_per_address = 64;
  // Reverse proxies (their addresses, as inet_ntop writes them) whose X-Forwarded-For names the
  // client: a request from one of them counts as its last X-Forwarded-For address's.
  std::vector<std::string> trusted_proxies;
  std::size_t connection_memory = 64u << 10;  // headers of one request, and read buffers
  std::size_t body_memory = 64u << 20;        // the bodies of every request in flight together
  std::chrono::seconds header_timeout{10};    // a request's headers, from connection or previous response
  std::chrono::seconds body_timeout{30};      // its body, from the end of its headers
  std::chrono::seconds idle_timeout{30};      // no byte read or written
};

// An IPv4 or IPv6 address as HttpOptions::trusted_proxies holds it (inet_ntop's form), or
// nullopt when `text` is none.
std::optional<std::string> canonical_proxy_address(const std::string& text);

class HttpServer {
 public:
  // Binds and starts serving. An input error for an address that cannot be parsed or bound,
  // bad TLS files, or a daemon that does not start.
  static keygen::Result<std::unique_ptr<HttpServer>> start(Api& api, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "http://127.0.0.1:8420/" (the bound port, also for port 0).
  const std::string& url() const;

  // Stops accepting connections (the listening socket is closed); requests in flight go on.
  void stop_accepting();
  // Waits until no request is in flight or `deadline` passes; true when none is.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);
  // Closes every connection and stops the threads.
  void stop();

  std::uint64_t requests() const;

  struct Impl;

 private:
  HttpServer() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seatkey::server
