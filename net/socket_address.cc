#include "net/socket_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace swim::net {

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  }
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

std::string SocketAddress::ToString() const {
  return FormatSocketAddress(addr(), size);
}

SocketAddress SocketAddress::AsIpv6() const {
  if (family() != AF_INET) return *this;
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
  SocketAddress mapped;
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&mapped.storage);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = v4->sin_port;
  v6->sin6_addr.s6_addr[10] = 0xff;
  v6->sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(&v6->sin6_addr.s6_addr[12], &v4->sin_addr, 4);
  mapped.size = sizeof(sockaddr_in6);
  return mapped;
}

std::string FormatSocketAddress(const struct sockaddr* address,
                                socklen_t size) {
  char text[INET6_ADDRSTRLEN];
  if (address->sa_family == AF_INET &&
      size >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return absl::StrCat(text, ":", ntohs(v4->sin_port));
  }
  if (address->sa_family == AF_INET6 &&
      size >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text, sizeof(text));
      return absl::StrCat(text, ":", ntohs(v6->sin6_port));
    }
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    return absl::StrCat("[", text, "]:", ntohs(v6->sin6_port));
  }
  return "?";
}

absl::Status SplitHostPort(absl::string_view host_port, std::string* host,
                           uint16_t* port) {
  absl::string_view host_part;
  absl::string_view port_part;
  if (!host_port.empty() && host_port.front() == '[') {
    size_t close = host_port.find(']');
    if (close == absl::string_view::npos || close + 1 >= host_port.size() ||
        host_port[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", host_port, "\" is not [v6addr]:port (missing \"]:port\")"));
    }
    host_part = host_port.substr(1, close - 1);
    port_part = host_port.substr(close + 2);
  } else {
    size_t colon = host_port.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", host_port, "\" is not host:port (no port)"));
    }
    host_part = host_port.substr(0, colon);
    port_part = host_port.substr(colon + 1);
    if (host_part.find(':') != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", host_port, "\": write IPv6 addresses as [v6addr]:port"));
    }
  }
  if (host_part.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", host_port, "\" has an empty host"));
  }
  uint32_t value = 0;
  bool digits = !port_part.empty() && port_part.size() <= 5;
  for (char c : port_part) digits = digits && absl::ascii_isdigit(c);
  if (!digits || !absl::SimpleAtoi(port_part, &value) || value > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", host_port, "\" has a bad port \"", port_part,
                     "\" (want 0..65535)"));
  }
  *host = std::string(host_part);
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

namespace {

// Fills `out` if `host` is a numeric IPv4 or IPv6 address.
bool ParseNumericHost(const std::string& host, uint16_t port,
                      SocketAddress* out) {
  *out = SocketAddress();
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out->size = sizeof(sockaddr_in);
    return true;
  }
  *out = SocketAddress();
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out->size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<SocketAddress> ParseSocketAddress(absl::string_view host_port) {
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitHostPort(host_port, &host, &port); !s.ok()) {
    return s;
  }
  SocketAddress address;
  if (!ParseNumericHost(host, port, &address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", host_port, "\": \"", host, "\" is not a numeric IP address"));
  }
  return address;
}

absl::StatusOr<std::vector<SocketAddress>> ResolveSocketAddresses(
    absl::string_view host_port) {
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitHostPort(host_port, &host, &port); !s.ok()) {
    return s;
  }
  SocketAddress numeric;
  if (ParseNumericHost(host, port, &numeric)) return std::vector{numeric};

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* results = nullptr;
  int error = getaddrinfo(host.c_str(), nullptr, &hints, &results);
  if (error != 0) {
    return absl::NotFoundError(absl::StrCat("\"", host_port,
                                            "\": cannot resolve \"", host,
                                            "\": ", gai_strerror(error)));
  }
  std::vector<SocketAddress> addresses;
  for (const addrinfo* r = results; r != nullptr; r = r->ai_next) {
    if (r->ai_family != AF_INET && r->ai_family != AF_INET6) continue;
    SocketAddress address;
    std::memcpy(&address.storage, r->ai_addr, r->ai_addrlen);
    address.size = r->ai_addrlen;
    if (r->ai_family == AF_INET) {
      reinterpret_cast<sockaddr_in*>(&address.storage)->sin_port = htons(port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&address.storage)->sin6_port =
          htons(port);
    }
    bool seen = false;
    for (const SocketAddress& a : addresses) {
      seen = seen || (a.size == address.size &&
                      std::memcmp(&a.storage, &address.storage, a.size) == 0);
    }
    if (!seen) addresses.push_back(address);
  }
  freeaddrinfo(results);
  if (addresses.empty()) {
    return absl::NotFoundError(absl::StrCat("\"", host_port, "\": \"", host,
                                            "\" has no IPv4 or IPv6 address"));
  }
  return addresses;
}

}  // namespace swim::net
