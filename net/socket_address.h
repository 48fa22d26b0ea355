// A resolved UDP endpoint (IPv4 or IPv6) and its conversions to and from
// swim's textual addresses, "host:port" and "[v6addr]:port".
//
// Member addresses travel as text inside the protocol; the adapter turns
// them into sockaddrs to send and formats the sockaddrs it receives from.
//
//   absl::StatusOr<SocketAddress> a = ParseSocketAddress("[::1]:7946");
//   if (a.ok()) sendto(fd, data, size, 0, a->addr(), a->size);
//   std::string text = a->ToString();  // "[::1]:7946"
//
//   // A DNS name stands for every address it resolves to (discovery).
//   absl::StatusOr<std::vector<SocketAddress>> all =
//       ResolveSocketAddresses("swim.service.local:7946");
#ifndef NET_SOCKET_ADDRESS_H_
#define NET_SOCKET_ADDRESS_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace swim::net {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;

  int family() const { return storage.ss_family; }
  uint16_t port() const;
  const struct sockaddr* addr() const {
    return reinterpret_cast<const struct sockaddr*>(&storage);
  }
  // "a.b.c.d:port" or "[v6]:port"; IPv4-mapped IPv6 addresses print as
  // IPv4, so a dual-stack socket reports the same text as an IPv4 one.
  std::string ToString() const;
  // The same endpoint as an IPv6 socket must address it: IPv4 becomes
  // IPv4-mapped IPv6; IPv6 is unchanged.
  SocketAddress AsIpv6() const;
};

// A sockaddr as received (recvmmsg) to text, as SocketAddress::ToString.
std::string FormatSocketAddress(const struct sockaddr* address, socklen_t size);

// Splits "host:port" or "[v6]:port". The port is 0..65535 (0 asks the
// system for a free port when binding). InvalidArgument names the problem.
absl::Status SplitHostPort(absl::string_view host_port, std::string* host,
                           uint16_t* port);

// A numeric address only ("127.0.0.1:2001", "[::1]:2001"); never touches
// DNS.
absl::StatusOr<SocketAddress> ParseSocketAddress(absl::string_view host_port);

// Every address `host_port` stands for: itself if numeric, else all the
// addresses its host name resolves to (getaddrinfo, IPv4 and IPv6), in the
// resolver's order without duplicates. Blocks on DNS.
absl::StatusOr<std::vector<SocketAddress>> ResolveSocketAddresses(
    absl::string_view host_port);

}  // namespace swim::net

#endif  // NET_SOCKET_ADDRESS_H_
