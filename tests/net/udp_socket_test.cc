// Tests of net/udp_socket.h: datagrams the kernel drops for want of
// receive buffer are counted (SO_RXQ_OVFL).
#include "net/udp_socket.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"

namespace swim::net {
namespace {

TEST(UdpSocketTest, KernelReceiveBufferDropsAreCounted) {
  absl::StatusOr<SocketAddress> any = ParseSocketAddress("127.0.0.1:0");
  ASSERT_TRUE(any.ok()) << any.status();
  // The smallest receive buffer the kernel grants (it doubles and floors
  // the request): a few datagrams fill it.
  absl::StatusOr<UdpSocket> receiver = UdpSocket::Bind(*any, 1);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  absl::StatusOr<UdpSocket> sender = UdpSocket::Bind(*any);
  ASSERT_TRUE(sender.ok()) << sender.status();
  absl::StatusOr<SocketAddress> to = receiver->LocalAddress();
  ASSERT_TRUE(to.ok()) << to.status();

  SocketCounters counters;
  const std::string datagram(1200, 'x');
  const std::vector<Outgoing> burst(64, Outgoing{&*to, datagram});
  for (int i = 0; i < 4; ++i) sender->Send(burst, counters);
  ASSERT_EQ(counters.datagrams_sent, 256u);

  ReceiveBatch batch(/*capacity=*/32, /*datagram_bytes=*/1500);
  size_t received = 0;
  while (size_t n = receiver->Receive(batch, counters)) received += n;
  ASSERT_GT(received, 0u);
  EXPECT_LT(received, 256u);
  // The kernel tells its running total with each datagram it queues, so
  // the drops behind the burst show with the next datagram.
  sender->Send({Outgoing{&*to, datagram}}, counters);
  size_t last = 0;
  for (int tries = 0; last == 0 && tries < 1000; ++tries) {
    last = receiver->Receive(batch, counters);
  }
  ASSERT_EQ(last, 1u);
  // Loopback loses nothing else: every datagram not received was dropped
  // by the full buffer, and the count says so.
  EXPECT_EQ(counters.kernel_receive_drops, 256u - received);
}

TEST(UdpSocketTest, NoDropsNoCount) {
  absl::StatusOr<SocketAddress> any = ParseSocketAddress("127.0.0.1:0");
  ASSERT_TRUE(any.ok());
  absl::StatusOr<UdpSocket> receiver = UdpSocket::Bind(*any);
  absl::StatusOr<UdpSocket> sender = UdpSocket::Bind(*any);
  ASSERT_TRUE(receiver.ok() && sender.ok());
  absl::StatusOr<SocketAddress> to = receiver->LocalAddress();
  ASSERT_TRUE(to.ok());
  SocketCounters counters;
  const std::string datagram(100, 'x');
  sender->Send({Outgoing{&*to, datagram}}, counters);
  ReceiveBatch batch(4, 1500);
  size_t received = 0;
  for (int tries = 0; received == 0 && tries < 1000; ++tries) {
    received = receiver->Receive(batch, counters);
  }
  EXPECT_EQ(received, 1u);
  EXPECT_EQ(counters.kernel_receive_drops, 0u);
}

}  // namespace
}  // namespace swim::net
