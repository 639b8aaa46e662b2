#include "seatkey/server/http_server.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "http_text.hpp"
#include "responses.hpp"

namespace seatkey::server {
namespace {

using Clock = std::chrono::steady_clock;

// Where a connection is, for the watchdog's deadlines.
enum class Phase { awaiting_request, receiving_body, processing, closing };

struct Connection {
  int fd = -1;
  Phase phase = Phase::awaiting_request;
  Clock::time_point since = Clock::now();
};

// One request, from its request line (MHD's URI log callback) to its completion.
struct RequestState {
  std::string target;
  Clock::time_point started = Clock::now();
  bool began = false;  // the handler saw its headers
  Api::Accepted accepted;
  std::string body;
  std::size_t reserved = 0;  // bytes of the body budget held
  std::string method;
  std::string address;
};

struct Address {
  int family = AF_INET;
  sockaddr_storage storage{};
  socklen_t size = 0;
};

keygen::Error input_error(std::string message) {
  return keygen::Error(keygen::Code::bad_input, std::move(message));
}

keygen::Result<Address> parse_listen(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return input_error("--listen " + detail::log_text(text, 100) + ": " + why +
                       " (like 127.0.0.1:8420 or [::1]:8420)");
  };
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("no port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return bad("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  Address a;
  const auto p = static_cast<std::uint16_t>(std::stoul(port));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(p);
    a.size = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(p);
    a.family = AF_INET6;
    a.size = sizeof(sockaddr_in6);
  } else {
    return bad("not an IP address");
  }
  return a;
}

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (sa == nullptr) return buf;
  if (sa->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// The address an address text names, as inet_ntop writes it; nullopt for no IPv4 or IPv6 address.
std::optional<std::string> canonical_address(const std::string& text) {
  in6_addr v6{};
  in_addr v4{};
  char buf[INET6_ADDRSTRLEN];
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return ::inet_ntop(AF_INET, &v4, buf, sizeof buf);
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) return ::inet_ntop(AF_INET6, &v6, buf, sizeof buf);
  return std::nullopt;
}

// The client of a request from `peer`: when the peer is a trusted proxy, the last address of the
// last X-Forwarded-For header (the one that proxy appended; what comes before it, a client may
// have written), else the peer itself.
std::string client_address(const std::string& peer, const std::vector<Header>& headers,
                           const std::vector<std::string>& trusted_proxies) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), peer) == trusted_proxies.end()) return peer;
  const Header* forwarded = nullptr;
  for (const Header& h : headers) {
    if (strcasecmp(h.name.c_str(), "X-Forwarded-For") == 0) forwarded = &h;
  }
  if (forwarded == nullptr) return peer;
  std::string last = forwarded->value.substr(forwarded->value.rfind(',') + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  last.erase(last.find_last_not_of(" \t") + 1);
  return canonical_address(last).value_or(peer);
}

}  // namespace

std::optional<std::string> canonical_proxy_address(const std::string& text) {
  return canonical_address(text);
}

struct HttpServer::Impl {
  Api& api;
  HttpOptions options;
  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;
  std::string url;
  std::atomic<int> in_flight{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::size_t> body_reserved{0};

  std::mutex connections_mutex;
  std::unordered_set<Connection*> connections;
  std::atomic<bool> stopping{false};
  std::thread watchdog;

  Impl(Api& a, HttpOptions o) : api(a), options(std::move(o)) {}

  // Binds and listens on `address`; then url is what clients connect to.
  keygen::Result<void> listen(const Address& address);
  // libmicrohttpd on the listening socket, with the limits of `options`.
  keygen::Result<void> start_daemon();

  // ---- The watchdog: whole-request deadlines --------------------------------------------------
  void set_phase(Connection* c, Phase phase) {
    if (c == nullptr) return;
    std::lock_guard<std::mutex> lock(connections_mutex);
    if (c->phase == Phase::closing) return;
    c->phase = phase;
    c->since = Clock::now();
  }

  void watch() {
    while (!stopping.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(connections_mutex);
      for (Connection* c : connections) {
        const bool late = (c->phase == Phase::awaiting_request && now - c->since > options.header_timeout) ||
                          (c->phase == Phase::receiving_body && now - c->since > options.body_timeout);
        if (!late) continue;
        // libmicrohttpd sees the end of the stream and closes the connection; the descriptor
        // stays valid until it does (its closed notification takes this lock first).
        ::shutdown(c->fd, SHUT_RDWR);
        c->phase = Phase::closing;
      }
    }
  }

  static Connection* connection_of(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != nullptr ? static_cast<Connection*>(info->socket_context) : nullptr;
  }

  // ---- Responses ------------------------------------------------------------------------------
  MHD_Result send(MHD_Connection* connection, RequestState* rs, const Response& r) {
    MHD_Response* response = MHD_create_response_from_buffer(r.body.size(), const_cast<char*>(r.body.data()),
                                                             MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
    for (const Header& h : r.headers) MHD_add_response_header(response, h.name.c_str(), h.value.c_str());
    const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
    MHD_destroy_response(response);
    ++requests;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - rs->started).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.1f ms", ms);
    std::cerr << "seatkey-server: " << rs->address << " " << detail::log_text(Api::who(rs->accepted), 64)
              << " " << detail::log_text(rs->method, 16) << " " << detail::log_text(rs->target) << " "
              << r.status << " " << took << "\n";
    return queued;
  }

  // ---- libmicrohttpd's callbacks --------------------------------------------------------------
  static void* on_request_line(void* cls, const char* uri, MHD_Connection*) {
    (void)cls;
    auto* rs = new RequestState;
    rs->target = uri != nullptr ? uri : "";
    return rs;
  }

  static void on_connection(void* cls, MHD_Connection* connection, void** socket_context,
                            MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* c = new Connection;
      const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      c->fd = info != nullptr ? info->connect_fd : -1;
      *socket_context = c;
      std::lock_guard<std::mutex> lock(self->connections_mutex);
      self->connections.insert(c);
      return;
    }
    auto* c = static_cast<Connection*>(*socket_context);
    if (c == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(self->connections_mutex);
      self->connections.erase(c);
    }
    delete c;
    *socket_context = nullptr;
  }

  static void on_completed(void* cls, MHD_Connection* connection, void** con_cls,
                           MHD_RequestTerminationCode) {
    auto* self = static_cast<Impl*>(cls);
    auto* rs = static_cast<RequestState*>(*con_cls);
    if (rs == nullptr) return;
    self->body_reserved -= rs->reserved;
    if (rs->began) --self->in_flight;
    self->set_phase(connection_of(connection), Phase::awaiting_request);
    delete rs;
    *con_cls = nullptr;
  }

  static MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, size_t key_size,
                                   const char* value, size_t value_size) {
    auto* headers = static_cast<std::vector<Header>*>(cls);
    headers->push_back({std::string(key, key_size), value != nullptr ? std::string(value, value_size) : ""});
    return MHD_YES;
  }

  static MHD_Result on_request(void* cls, MHD_Connection* connection, const char*, const char* method,
                               const char*, const char* upload_data, size_t* upload_data_size,
                               void** con_cls) {
    auto* self = static_cast<Impl*>(cls);
    auto* rs = static_cast<RequestState*>(*con_cls);
    if (rs == nullptr) return MHD_NO;  // the request line callback always makes one
    Connection* conn = connection_of(connection);
    if (!rs->began) {
      rs->began = true;
      ++self->in_flight;
      self->set_phase(conn, Phase::processing);
      RequestHead head;
      head.method = method != nullptr ? method : "";
      head.target = rs->target;
      const MHD_ConnectionInfo* info =
          MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
      MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &collect_header, &head.headers);
      head.client_address = client_address(address_text(info != nullptr ? info->client_addr : nullptr),
                                           head.headers, self->options.trusted_proxies);
      rs->method = head.method;
      rs->address = head.client_address;
      if (auto now = self->api.begin(head, &rs->accepted)) return self->send(connection, rs, *now);
      // A body to read: within the memory all bodies in flight may take together.
      const std::size_t n = rs->accepted.body_bytes;
      if (self->body_reserved.fetch_add(n) + n > self->options.body_memory) {
        self->body_reserved -= n;
        Response busy =
            problem(Problem::unavailable, "too many request bodies in flight; try again in a moment");
        busy.headers.push_back({"Retry-After", "1"});
        return self->send(connection, rs, busy);
      }
      rs->reserved = n;
      rs->body.reserve(n);
      self->set_phase(conn, Phase::receiving_body);
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      // libmicrohttpd never passes more than Content-Length announced.
      rs->body.append(upload_data, *upload_data_size);
      *upload_data_size = 0;
      // A body dribbled past its deadline: close (a response cannot be queued mid-body).
      if (Clock::now() - rs->started > self->options.header_timeout + self->options.body_timeout)
        return MHD_NO;
      return MHD_YES;
    }
    self->set_phase(conn, Phase::processing);
    const Response r = self->api.finish(rs->accepted, rs->body);
    std::string().swap(rs->body);
    return self->send(connection, rs, r);
  }

  static void on_log(void*, const char* format, va_list ap) {
    char buf[512];
    std::vsnprintf(buf, sizeof buf, format, ap);
    std::string text = buf;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::cerr << "seatkey-server: http: " << detail::log_text(text) << "\n";
  }
};

keygen::Result<std::unique_ptr<HttpServer>> HttpServer::start(Api& api, HttpOptions options) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_unique<Impl>(api, std::move(options));
  Impl& s = *server->impl_;
  const auto address = parse_listen(s.options.listen);
  if (!address) return address.error();
  if (auto listening = s.listen(*address); !listening) return listening.error();
  if (auto started = s.start_daemon(); !started) return started.error();
  s.watchdog = std::thread([&s] { s.watch(); });
  return server;
}

keygen::Result<void> HttpServer::Impl::listen(const Address& address) {
  listen_fd = ::socket(address.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) return input_error(std::string("cannot make a socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd, reinterpret_cast<const sockaddr*>(&address.storage), address.size) != 0 ||
      ::listen(listen_fd, 511) != 0) {
    const int err = errno;
    ::close(listen_fd);
    return input_error("cannot listen on " + detail::log_text(options.listen, 100) + ": " +
                       std::strerror(err));
  }
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &size);
  const std::string host = address_text(reinterpret_cast<const sockaddr*>(&bound));
  const unsigned port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  url = std::string(options.tls_cert_pem.empty() ? "http" : "https") + "://" +
        (bound.ss_family == AF_INET6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
  return {};
}

keygen::Result<void> HttpServer::Impl::start_daemon() {
  const bool tls = !options.tls_cert_pem.empty();
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (tls) flags |= MHD_USE_TLS;
  std::vector<MHD_OptionItem> items{
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&Impl::on_log),
       this},  // first: it logs the others
      {MHD_OPTION_LISTEN_SOCKET, listen_fd, nullptr},
      {MHD_OPTION_THREAD_POOL_SIZE, static_cast<intptr_t>(std::max(1u, options.threads)), nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(options.max_connections), nullptr},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<intptr_t>(options.max_connections_per_address),
       nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(options.idle_timeout.count()), nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(options.connection_memory), nullptr},
      {MHD_OPTION_STRICT_FOR_CLIENT, 1, nullptr},
      {MHD_OPTION_URI_LOG_CALLBACK, reinterpret_cast<intptr_t>(&Impl::on_request_line), this},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Impl::on_connection), this},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&Impl::on_completed), this},
  };
  if (tls) {
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(options.tls_cert_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(options.tls_key_pem.c_str())});
    items.push_back(
        {MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>("NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2")});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::on_request, this, MHD_OPTION_ARRAY,
                            items.data(), MHD_OPTION_END);
  if (daemon != nullptr) return {};
  ::close(listen_fd);
  return input_error(std::string("the HTTP server did not start") +
                     (tls ? " (are --tls-cert and --tls-key a PEM certificate and its key?)" : ""));
}

HttpServer::~HttpServer() {
  stop();
}

const std::string& HttpServer::url() const {
  return impl_->url;
}

void HttpServer::stop_accepting() {
  Impl& s = *impl_;
  if (s.daemon == nullptr || s.listen_fd < 0) return;
  const MHD_socket fd = MHD_quiesce_daemon(s.daemon);
  if (fd != MHD_INVALID_SOCKET) ::close(fd);
  s.listen_fd = -1;
}

bool HttpServer::wait_idle(std::chrono::steady_clock::time_point deadline) {
  while (impl_->in_flight.load() > 0) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.daemon != nullptr) {
    MHD_stop_daemon(s.daemon);  // closes the listening socket too, unless stop_accepting() took it
    s.daemon = nullptr;
    s.listen_fd = -1;
  }
  s.stopping.store(true);
  if (s.watchdog.joinable()) s.watchdog.join();
}

std::uint64_t HttpServer::requests() const {
  return impl_->requests.load();
}

}  // namespace seatkey::server
