#include "net/metrics_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/node_metrics.h"
#include "net/prometheus_text.h"
#include "net/socket_address.h"
#include "net/stream_io.h"
#include "net/udp_node.h"
#include "swim/keyring.h"

namespace swim::net {
namespace {

constexpr size_t kMaxRequestBytes = 8192;

bool IsLoopback(const SocketAddress& address) {
  if (address.family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address.storage);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (address.family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address.storage);
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  return false;
}

std::string Response(absl::string_view status, absl::string_view type,
                     absl::string_view body) {
  return absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", type,
                      "\r\nContent-Length: ", body.size(),
                      "\r\nConnection: close\r\n\r\n", body);
}

}  // namespace

absl::Status CheckLoopbackAddress(absl::string_view address) {
  absl::StatusOr<SocketAddress> parsed = ParseSocketAddress(address);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_address=", address, ": ", parsed.status().message()));
  }
  if (!IsLoopback(*parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_address=", address,
                     ": not a loopback address; the metrics endpoint binds to "
                     "127.0.0.1 or [::1] only"));
  }
  return absl::OkStatus();
}

std::string MetricsHttpResponse(absl::string_view request,
                                absl::string_view metrics_text) {
  const absl::string_view first = request.substr(0, request.find("\r\n"));
  const std::vector<absl::string_view> words = absl::StrSplit(first, ' ');
  if (words.size() != 3 || !absl::StartsWith(words[2], "HTTP/1.")) {
    return Response("400 Bad Request", "text/plain", "bad request\n");
  }
  const absl::string_view path = words[1].substr(0, words[1].find('?'));
  if (path != "/metrics") {
    return Response("404 Not Found", "text/plain", "try /metrics\n");
  }
  if (words[0] != "GET") {
    return Response("405 Method Not Allowed", "text/plain", "GET only\n");
  }
  return Response("200 OK", kPrometheusContentType, metrics_text);
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    UdpNode& node, absl::string_view address, absl::Duration io_timeout) {
  std::unique_ptr<MetricsHttpServer> server(
      new MetricsHttpServer(node, io_timeout));
  if (absl::Status s = server->Listen(address); !s.ok()) return s;
  server->thread_ = std::thread([s = server.get()] { s->Loop(); });
  return server;
}

absl::Status MetricsHttpServer::Listen(absl::string_view address) {
  if (absl::Status s = CheckLoopbackAddress(address); !s.ok()) return s;
  SocketAddress bind_to = *ParseSocketAddress(address);
  auto failed = [&](absl::string_view call) {
    return absl::UnavailableError(absl::StrCat(
        "--metrics_address=", address, ": ", call, ": ", std::strerror(errno)));
  };
  listen_fd_ = socket(bind_to.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return failed("socket");
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(listen_fd_, bind_to.addr(), bind_to.size) != 0) {
    return failed("bind");
  }
  if (listen(listen_fd_, 16) != 0) return failed("listen");
  SocketAddress bound;
  bound.size = sizeof(bound.storage);
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound.storage),
                  &bound.size) != 0) {
    return failed("getsockname");
  }
  address_ = bound.ToString();
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return failed("eventfd");
  return absl::OkStatus();
}

MetricsHttpServer::~MetricsHttpServer() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

void MetricsHttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (stop_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
}

void MetricsHttpServer::Loop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (stopping_ || (fds[0].revents & POLLIN) == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    SetStreamTimeouts(fd, io_timeout_);
    absl::StatusOr<std::string> head =
        ReadUntil(fd, "\r\n\r\n", kMaxRequestBytes);
    if (head.ok()) {
      std::string metrics;
      if (absl::StartsWith(*head, "GET /metrics")) {
        absl::StatusOr<std::vector<KeyId>> ids = node_.KeyIds();
        metrics = FormatPrometheusText(NodeMetrics(
            node_.Stats(), *node_.Members(), ids.ok() ? ids->size() : 0));
      }
      SendAll(fd, MetricsHttpResponse(*head, metrics)).IgnoreError();
    } else if (head.status().code() == absl::StatusCode::kOutOfRange) {
      SendAll(fd, Response("431 Request Header Fields Too Large", "text/plain",
                           "request too large\n"))
          .IgnoreError();
    }
    close(fd);
  }
}

}  // namespace swim::net
