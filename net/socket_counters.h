// What the adapter's socket did, next to swim::Counters (what the protocol
// did): datagrams and batches moved, and socket errors by kind.
//
// Socket errors never stop the loop; they are counted here so that an
// operator can tell a firewall (unreachable), a full buffer (no_buffers,
// would_block) or a dead peer (refused) apart.
//
//   SocketCounters c = node->Stats().socket;
//   if (c.send_errors.unreachable > 0) Warn("some peers are unreachable");
#ifndef NET_SOCKET_COUNTERS_H_
#define NET_SOCKET_COUNTERS_H_

#include <cstdint>

namespace swim::net {

// Failed socket calls by errno.
struct SocketErrorCounts {
  uint64_t refused = 0;      // ECONNREFUSED (an ICMP port unreachable)
  uint64_t would_block = 0;  // EAGAIN / EWOULDBLOCK on send
  uint64_t no_buffers = 0;   // ENOBUFS, ENOMEM
  uint64_t unreachable = 0;  // ENETUNREACH, EHOSTUNREACH, EHOSTDOWN,
                             // EADDRNOTAVAIL, EAFNOSUPPORT, EPERM
  uint64_t other = 0;

  uint64_t total() const {
    return refused + would_block + no_buffers + unreachable + other;
  }
  // Counts one failure with `error` (an errno value).
  void Count(int error);
};

struct SocketCounters {
  uint64_t datagrams_received = 0;
  uint64_t bytes_received = 0;
  // Received datagrams longer than the receive buffer (max_datagram_bytes);
  // the node sees them as oversized.
  uint64_t truncated_received = 0;
  uint64_t receive_calls = 0;  // recvmmsg calls that returned datagrams
  // Datagrams the kernel dropped because the socket's receive buffer was
  // full (SO_RXQ_OVFL): a node that cannot keep up, or a flood. The kernel
  // reports its running total with each datagram it queues, so drops show
  // with the next datagram received after them.
  uint64_t kernel_receive_drops = 0;
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t send_calls = 0;  // sendmmsg calls
  // Datagrams not sent because their address has no usable socket address
  // (a name not resolved yet or unresolvable, or IPv6 from an IPv4 socket).
  uint64_t unresolved_addresses = 0;
  SocketErrorCounts receive_errors;
  SocketErrorCounts send_errors;
  uint64_t loop_wakeups = 0;  // epoll_wait returns
};

}  // namespace swim::net

#endif  // NET_SOCKET_COUNTERS_H_
