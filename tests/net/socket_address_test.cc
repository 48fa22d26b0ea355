// Tests of net/socket_address.h: host:port and [v6]:port in and out.
#include "net/socket_address.h"

#include <netinet/in.h>

#include <string>

#include "gtest/gtest.h"

namespace swim::net {
namespace {

TEST(SocketAddressTest, SplitsHostAndPort) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(SplitHostPort("10.0.0.1:7946", &host, &port).ok());
  EXPECT_EQ(host, "10.0.0.1");
  EXPECT_EQ(port, 7946);
  ASSERT_TRUE(SplitHostPort("[fe80::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "fe80::1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(SplitHostPort("example.com:65535", &host, &port).ok());
  EXPECT_EQ(host, "example.com");
  for (const char* bad : {"", "host", ":1", "host:", "host:65536", "host:-1",
                          "host:1x", "::1:80", "[::1]80", "[::1", "h:123456"}) {
    EXPECT_FALSE(SplitHostPort(bad, &host, &port).ok()) << bad;
  }
}

TEST(SocketAddressTest, ParsesAndFormatsBothFamilies) {
  absl::StatusOr<SocketAddress> v4 = ParseSocketAddress("127.0.0.1:2001");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->port(), 2001);
  EXPECT_EQ(v4->ToString(), "127.0.0.1:2001");
  absl::StatusOr<SocketAddress> v6 = ParseSocketAddress("[::1]:2001");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->ToString(), "[::1]:2001");
  EXPECT_FALSE(ParseSocketAddress("localhost:1").ok());
  EXPECT_FALSE(ParseSocketAddress("300.0.0.1:1").ok());
}

TEST(SocketAddressTest, MappedIpv4PrintsAsIpv4) {
  absl::StatusOr<SocketAddress> v4 = ParseSocketAddress("10.1.2.3:99");
  ASSERT_TRUE(v4.ok());
  SocketAddress mapped = v4->AsIpv6();
  EXPECT_EQ(mapped.family(), AF_INET6);
  EXPECT_EQ(mapped.port(), 99);
  EXPECT_EQ(mapped.ToString(), "10.1.2.3:99");
}

TEST(SocketAddressTest, ResolvesNumericWithoutDns) {
  absl::StatusOr<std::vector<SocketAddress>> all =
      ResolveSocketAddresses("[::1]:5");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().ToString(), "[::1]:5");
}

}  // namespace
}  // namespace swim::net
