#include "metrics_http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "ctscreen/core/logging.h"

namespace ctscreen::api {

using core::ErrorCode;
using core::Status;

MetricsHttpServer::~MetricsHttpServer() {
  Stop();
}

Status MetricsHttpServer::Start(const std::string& listen, Render render) {
  render_ = std::move(render);
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status(ErrorCode::kInvalidConfig,
                  "api.metrics_listen '" + listen + "' is not host:port");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return Status(ErrorCode::kInvalidConfig, "api.metrics_listen: cannot resolve " + listen);
  }
  socket_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(socket_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(socket_, res->ai_addr, res->ai_addrlen) != 0 || ::listen(socket_, 16) != 0) {
    std::string err = std::strerror(errno);
    ::freeaddrinfo(res);
    ::close(socket_);
    socket_ = -1;
    return Status(ErrorCode::kIoError, "cannot serve metrics on " + listen + ": " + err +
                                           " (is another process using the port?)");
  }
  ::freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(socket_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  running_ = true;
  thread_ = std::thread([this] { Serve(); });
  return Status::Ok();
}

void MetricsHttpServer::Stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
  ::close(socket_);
  socket_ = -1;
}

void MetricsHttpServer::Serve() {
  while (running_) {
    pollfd p{socket_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    int client = ::accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Answer(client);
    ::close(client);
  }
}

void MetricsHttpServer::Answer(int client) {
  // The request line is all we need; a scraper's request fits in one read.
  timeval timeout{2, 0};
  ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char buf[4096];
  ssize_t n = ::recv(client, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return;
  buf[n] = '\0';
  std::string request(buf);
  std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8", body;
  if (request.rfind("GET /metrics ", 0) == 0 || request.rfind("GET /metrics?", 0) == 0) {
    body = render_();
  } else {
    status = "404 Not Found";
    type = "text/plain";
    body = "ctscreen serves only GET /metrics here\n";
  }
  std::string response = "HTTP/1.0 " + status + "\r\nContent-Type: " + type +
                         "\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < response.size()) {
    ssize_t w = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) return;
    sent += static_cast<size_t>(w);
  }
}

}  // namespace ctscreen::api
