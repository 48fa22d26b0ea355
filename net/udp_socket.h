// A non-blocking UDP socket that receives and sends in batches (recvmmsg,
// sendmmsg) and counts every error instead of failing on it.
//
// The adapter's loop owns one; it is not thread-safe. A batch amortises the
// system call over up to `capacity` datagrams, which is most of the cost of
// a small datagram on loopback.
//
//   absl::StatusOr<UdpSocket> socket = UdpSocket::Bind(address);
//   ReceiveBatch batch(/*capacity=*/32, /*datagram_bytes=*/1401);
//   while (size_t n = socket->Receive(batch, counters)) {
//     for (size_t i = 0; i < n; ++i) Handle(batch.from(i), batch.data(i));
//   }
//   socket->Send({{&to, datagram}}, counters);
#ifndef NET_UDP_SOCKET_H_
#define NET_UDP_SOCKET_H_

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"

struct mmsghdr;
struct iovec;

namespace swim::net {

// Buffers for one recvmmsg call.
class ReceiveBatch {
 public:
  // Room for `capacity` datagrams of up to `datagram_bytes` each; longer
  // ones are cut to that size (and counted as truncated).
  ReceiveBatch(size_t capacity, size_t datagram_bytes);
  ~ReceiveBatch();
  ReceiveBatch(const ReceiveBatch&) = delete;
  ReceiveBatch& operator=(const ReceiveBatch&) = delete;

  size_t capacity() const { return capacity_; }
  // The i-th datagram of the last Receive and its sender.
  absl::string_view data(size_t i) const;
  const sockaddr* from(size_t i) const;
  socklen_t from_size(size_t i) const;

 private:
  friend class UdpSocket;
  size_t capacity_;
  size_t datagram_bytes_;
  std::string buffer_;
  std::vector<sockaddr_storage> from_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> headers_;
  // Each datagram's ancillary data (the kernel's drop count,
  // SO_RXQ_OVFL), in words for cmsg alignment.
  std::vector<uint64_t> control_;
};

// One datagram to send; both pointers must stay valid during Send.
struct Outgoing {
  const SocketAddress* to;
  absl::string_view data;
};

class UdpSocket {
 public:
  // A non-blocking socket bound to `address` (port 0: any free port). An
  // IPv6 socket bound to the unspecified address [::] also receives IPv4.
  // `buffer_bytes` > 0 asks for that much kernel send and receive buffer.
  static absl::StatusOr<UdpSocket> Bind(const SocketAddress& address,
                                        int buffer_bytes = 0);

  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  ~UdpSocket();

  int fd() const { return fd_; }
  int family() const { return family_; }
  // The bound address, with the port the system chose.
  absl::StatusOr<SocketAddress> LocalAddress() const;

  // Receives up to batch.capacity() datagrams without blocking; returns how
  // many (0 when none is waiting or the call failed; failures are counted).
  size_t Receive(ReceiveBatch& batch, SocketCounters& counters);

  // Sends every datagram it can without blocking, in sendmmsg batches. A
  // datagram that fails is counted and skipped; the rest still go. IPv4
  // destinations of an IPv6 socket are sent IPv4-mapped.
  void Send(absl::Span<const Outgoing> datagrams, SocketCounters& counters);

 private:
  UdpSocket(int fd, int family) : fd_(fd), family_(family) {}

  int fd_ = -1;
  int family_ = 0;
};

}  // namespace swim::net

#endif  // NET_UDP_SOCKET_H_
