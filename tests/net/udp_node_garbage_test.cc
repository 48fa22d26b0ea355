// A live net/udp_node.h node fed garbage in bulk from a raw socket:
// truncated, oversized, wrong version, key or cluster, tampered, random
// and replayed datagrams, each counted under its drop reason, none
// changing the node's view or stopping its loop.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "net/udp_node.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "swim/status.h"
#include "tests/testing/udp_node_waits.h"

namespace swim::net {
namespace {

using ::swim::testing::FastUdpOptions;
using ::swim::testing::Lookup;
using ::swim::testing::Sees;
using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

constexpr absl::string_view kSecret = "udp node garbage test secret";
constexpr absl::string_view kCluster = "udp-garbage-test";

// Slower probes than FastUdpOptions': this test is about garbage, not
// about a loaded machine suspecting its peers.
UdpNodeOptions SlowerProbes(std::vector<std::string> peers = {}) {
  UdpNodeOptions options = FastUdpOptions();
  options.config.keys = {DeriveKeyFromSecret(kSecret)};
  options.config.cluster_name = std::string(kCluster);
  options.config.seed_peers = std::move(peers);
  options.config.probe_interval = absl::Milliseconds(500);
  options.config.probe_timeout = absl::Milliseconds(250);
  options.config.sync_interval = absl::Seconds(2);
  options.leave_linger = absl::Milliseconds(300);
  return options;
}

class RawSocket {
 public:
  RawSocket() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    absl::StatusOr<SocketAddress> any = ParseSocketAddress("127.0.0.1:0");
    EXPECT_EQ(bind(fd_, any->addr(), any->size), 0);
    SocketAddress local;
    local.size = sizeof(local.storage);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&local.storage), &local.size);
    address_ = local.ToString();
  }
  ~RawSocket() { close(fd_); }
  const std::string& address() const { return address_; }
  void SendTo(const std::string& to, absl::string_view data) {
    absl::StatusOr<SocketAddress> a = ParseSocketAddress(to);
    ASSERT_TRUE(a.ok());
    sendto(fd_, data.data(), data.size(), 0, a->addr(), a->size);
  }
  // The next datagram, or "" after `timeout`.
  std::string Receive(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) <=
        0) {
      return "";
    }
    std::string buffer(65536, '\0');
    ssize_t n = recv(fd_, &buffer[0], buffer.size(), 0);
    buffer.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return buffer;
  }

 private:
  int fd_ = -1;
  std::string address_;
};

std::string Seal(absl::string_view cluster, std::string key,
                 absl::string_view body) {
  absl::StatusOr<Keyring> keyring = Keyring::Create(cluster, {std::move(key)});
  EXPECT_TRUE(keyring.ok());
  Prng random(7);
  std::string datagram;
  EXPECT_TRUE(
      SealDatagram(*keyring, EnvelopeOptions(), body, random, &datagram).ok());
  return datagram;
}

uint64_t Drops(const UdpNode& node, DropReason reason) {
  return node.Stats().node.drops[static_cast<size_t>(reason)];
}

TEST(UdpNodeTest, GarbageIsCountedByReasonAndChangesNothing) {
  std::unique_ptr<UdpNode> b = StartNode(SlowerProbes());
  ASSERT_NE(b, nullptr);
  RawSocket raw;
  // A's join sync also goes to `raw`, which keeps it for replaying.
  std::unique_ptr<UdpNode> a =
      StartNode(SlowerProbes({b->address(), raw.address()}));
  ASSERT_NE(a, nullptr);
  std::string captured = raw.Receive(absl::Seconds(30));
  ASSERT_FALSE(captured.empty());
  ASSERT_TRUE(WaitFor([&] {
    return Sees(*a, b->name(), Status::kOnline) &&
           Sees(*b, a->name(), Status::kOnline);
  }));
  std::shared_ptr<const MembersSnapshot> before = b->Members();

  Packet intruder;
  intruder.sender = "intruder";
  intruder.message = Gossip();
  Alive alive;
  alive.member = "intruder";
  alive.address = "127.0.0.1:9";
  alive.incarnation = 1;
  intruder.updates.push_back(alive);
  absl::StatusOr<std::string> body = EncodePacket(intruder);
  ASSERT_TRUE(body.ok());
  const std::string right_key = DeriveKeyFromSecret(kSecret);

  struct Kind {
    std::string name;
    std::function<std::string(int)> make;
    std::optional<DropReason> reason;
  };
  Prng rng(42);
  const std::vector<Kind> kinds = {
      {"truncated", [](int i) { return std::string(1 + i % 33, '\1'); },
       DropReason::kTruncated},
      {"oversized", [](int) { return std::string(3000, '\1'); },
       DropReason::kOversized},
      {"wrong version",
       [&](int) {
         std::string d = Seal(kCluster, right_key, *body);
         d[0] = 7;  // a version no build speaks yet
         return d;
       },
       DropReason::kBadVersion},
      {"wrong key",
       [&](int) {
         return Seal(kCluster, DeriveKeyFromSecret("another secret"), *body);
       },
       DropReason::kUnknownKey},
      {"wrong cluster",
       [&](int) { return Seal("another-cluster", right_key, *body); },
       DropReason::kAuthFailed},
      {"tampered",
       [&](int) {
         std::string d = Seal(kCluster, right_key, *body);
         d[20] ^= 1;
         return d;
       },
       DropReason::kAuthFailed},
      {"random",
       [&](int) {
         std::string d(34 + rng.Uniform(1300), '\0');
         for (char& c : d) c = static_cast<char>(rng.Uniform(256));
         return d;
       },
       std::nullopt},
      {"replayed", [&](int) { return captured; }, std::nullopt},
  };
  constexpr int kPerKind = 400;
  // Small chunks stay well inside the default receive buffer (which a
  // 3000-byte datagram fills at ~4.5 KB of kernel memory).
  constexpr int kChunk = 20;
  for (const Kind& kind : kinds) {
    SCOPED_TRACE(kind.name);
    // What counts this kind's datagrams as they are handled.
    auto progress = [&kind](const UdpNodeStats& stats) -> uint64_t {
      if (kind.reason.has_value()) {
        return stats.node.drops[static_cast<size_t>(*kind.reason)];
      }
      if (kind.name == "random") {
        uint64_t drops = 0;
        for (uint64_t d : stats.node.drops) drops += d;
        return drops;
      }
      return stats.socket.datagrams_received;
    };
    UdpNodeStats start = b->Stats();
    uint64_t drops_before = 0;
    for (uint64_t d : start.node.drops) drops_before += d;
    for (int sent = 0; sent < kPerKind; sent += kChunk) {
      for (int i = 0; i < kChunk; ++i) {
        raw.SendTo(b->address(), kind.make(sent + i));
      }
      uint64_t want = progress(start) + sent + kChunk;
      ASSERT_TRUE(WaitFor([&] { return progress(b->Stats()) >= want; }));
    }
    UdpNodeStats end = b->Stats();
    if (kind.reason.has_value()) {
      size_t r = static_cast<size_t>(*kind.reason);
      EXPECT_EQ(end.node.drops[r] - start.node.drops[r],
                static_cast<uint64_t>(kPerKind));
    } else if (kind.name == "random") {
      uint64_t drops_after = 0;
      for (uint64_t d : end.node.drops) drops_after += d;
      EXPECT_EQ(drops_after - drops_before, static_cast<uint64_t>(kPerKind));
    }
    EXPECT_EQ(end.socket.receive_errors.total(), 0u);
  }
  EXPECT_GT(Drops(*b, DropReason::kTruncated), 0u);

  // Still alive, and the view is what it was.
  EXPECT_FALSE(b->stopped());
  EXPECT_EQ(b->Members()->Find("intruder"), nullptr);
  ASSERT_TRUE(WaitFor([&] { return Sees(*b, a->name(), Status::kOnline); }));
  std::shared_ptr<const MembersSnapshot> after = b->Members();
  ASSERT_EQ(after->members.size(), before->members.size());
  for (size_t i = 0; i < after->members.size(); ++i) {
    EXPECT_EQ(after->members[i].name, before->members[i].name);
    EXPECT_EQ(after->members[i].address, before->members[i].address);
    EXPECT_EQ(after->members[i].metadata, before->members[i].metadata);
  }
  EXPECT_TRUE(b->SetMetadata({{"still", "here"}}).ok());
  EXPECT_TRUE(WaitFor([&] {
    std::optional<MemberInfo> m = Lookup(*a, b->name());
    return m.has_value() && m->metadata.count("still") == 1;
  }));
}

}  // namespace
}  // namespace swim::net
