// Tests of net/udp_node.h: several UdpNodes in one process on 127.0.0.1
// (and [::1] when available), the thread-safe handle and subscriptions. A
// live node fed garbage in bulk: udp_node_garbage_test.cc.
#include "net/udp_node.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "net/subscription.h"
#include "net/tsan_mutex_lock.h"
#include "swim/message.h"
#include "swim/status.h"
#include "tests/testing/udp_node_waits.h"

namespace swim::net {
namespace {

using ::swim::testing::FastUdpOptions;
using ::swim::testing::Lookup;
using ::swim::testing::Sees;
using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

constexpr absl::string_view kSecret = "udp node test secret";
constexpr absl::string_view kCluster = "udp-test";
UdpNodeOptions FastOptions(absl::string_view address,
                           std::vector<std::string> peers = {}) {
  UdpNodeOptions options = FastUdpOptions();
  options.config.address = std::string(address);
  options.config.keys = {DeriveKeyFromSecret(kSecret)};
  options.config.cluster_name = std::string(kCluster);
  options.config.seed_peers = std::move(peers);
  options.config.sync_interval = absl::Seconds(2);
  options.leave_linger = absl::Milliseconds(300);
  return options;
}

bool AllSeeAllOnline(const std::vector<std::unique_ptr<UdpNode>>& nodes) {
  for (const auto& observer : nodes) {
    if (observer->Members()->Count(Status::kOnline) != nodes.size()) {
      return false;
    }
  }
  return true;
}

std::vector<std::unique_ptr<UdpNode>> StartCluster(size_t size) {
  std::vector<std::unique_ptr<UdpNode>> nodes;
  nodes.push_back(StartNode(FastOptions("127.0.0.1:0")));
  for (size_t i = 1; i < size && nodes[0] != nullptr; ++i) {
    nodes.push_back(
        StartNode(FastOptions("127.0.0.1:0", {nodes[0]->address()})));
  }
  return nodes;
}

TEST(UdpNodeTest, PortZeroTakesTheBoundPortAsNameAndAddress) {
  std::unique_ptr<UdpNode> node = StartNode(FastOptions("127.0.0.1:0"));
  ASSERT_NE(node, nullptr);
  EXPECT_NE(node->address(), "127.0.0.1:0");
  EXPECT_EQ(node->name(), node->address());
  std::shared_ptr<const MembersSnapshot> view = node->Members();
  ASSERT_EQ(view->members.size(), 1u);
  EXPECT_TRUE(view->local().is_local);
  EXPECT_EQ(view->local().name, node->name());
  EXPECT_EQ(view->local().status, Status::kOnline);
}

TEST(UdpNodeTest, StartFailsWithAClearErrorOnABadAddress) {
  absl::StatusOr<std::unique_ptr<UdpNode>> node =
      UdpNode::Start(FastOptions("127.0.0.1:99999"));
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.status().message().find("99999"), std::string::npos)
      << node.status();
  UdpNodeOptions no_keys = FastOptions("127.0.0.1:0");
  no_keys.config.keys.clear();
  EXPECT_FALSE(UdpNode::Start(std::move(no_keys)).ok());
}

TEST(UdpNodeTest, ThreeNodesSeeEachOtherOnline) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(3);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
}

// A member whose address is a host name: the others reach it through the
// resolver's workers (net/resolver.h), not a lookup on their loop thread.
TEST(UdpNodeTest, MemberNamedByAHostNameIsReachedThroughTheResolver) {
  std::vector<std::unique_ptr<UdpNode>> nodes;
  nodes.push_back(StartNode(FastOptions("127.0.0.1:0")));
  ASSERT_NE(nodes[0], nullptr);
  nodes.push_back(StartNode(FastOptions("localhost:0", {nodes[0]->address()})));
  ASSERT_NE(nodes[1], nullptr);
  EXPECT_EQ(nodes[1]->address().rfind("localhost:", 0), 0u)
      << nodes[1]->address();
  EXPECT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
  const UdpNodeStats stats = nodes[0]->Stats();
  EXPECT_GE(stats.resolver.lookups, 1u);
  EXPECT_EQ(stats.resolver.resolve_failures, 0u);
  EXPECT_EQ(stats.resolver.names, 1u);
  // The loop measured its work: sends and receives take microseconds.
  EXPECT_GT(stats.loop_stall_us_max, 0u);
}

TEST(UdpNodeTest, MetadataPropagatesAndSubscribersHearOfIt) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(3);
  ASSERT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));

  absl::Mutex mu;
  std::vector<MemberChange> changes;
  Subscription subscription = nodes[2]->Subscribe([&](const MemberChange& c) {
    TsanMutexLock lock(&mu);
    changes.push_back(c);
  });
  ASSERT_TRUE(nodes[0]->SetMetadata({{"role", "db"}}).ok());
  const std::string name0 = nodes[0]->name();
  EXPECT_TRUE(WaitFor([&] {
    TsanMutexLock lock(&mu);
    for (const MemberChange& c : changes) {
      if (c.member.name == name0 && c.event.metadata_changed &&
          c.member.metadata.count("role") == 1 &&
          c.member.metadata.at("role") == "db") {
        return true;
      }
    }
    return false;
  }));
  for (const auto& observer : nodes) {
    EXPECT_TRUE(WaitFor([&] {
      std::optional<MemberInfo> m = Lookup(*observer, name0);
      return m.has_value() && m->metadata == Metadata{{"role", "db"}};
    }));
  }

  // Once cancelled, the callback runs no more.
  subscription.Cancel();
  size_t seen;
  {
    TsanMutexLock lock(&mu);
    seen = changes.size();
  }
  ASSERT_TRUE(nodes[0]->SetMetadata({{"role", "web"}}).ok());
  ASSERT_TRUE(WaitFor([&] {
    std::optional<MemberInfo> m = Lookup(*nodes[2], name0);
    return m.has_value() && m->metadata == Metadata{{"role", "web"}};
  }));
  TsanMutexLock lock(&mu);
  EXPECT_EQ(changes.size(), seen);
}

TEST(UdpNodeTest, MetadataLargerThanADatagramPropagates) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(2);
  ASSERT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
  Metadata big = {{"blob", std::string(20000, 'x')}, {"name", "big"}};
  ASSERT_TRUE(nodes[1]->SetMetadata(big).ok());
  EXPECT_TRUE(WaitFor([&] {
    std::optional<MemberInfo> m = Lookup(*nodes[0], nodes[1]->name());
    return m.has_value() && m->metadata == big;
  }));
}

TEST(UdpNodeTest, CallbacksMayCallTheNodeAndCancelThemselves) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(2);
  UdpNode* node = nodes[1].get();
  std::atomic<int> calls{0};
  // The callback runs on the loop thread: SetMetadata, Members and Stats
  // must not deadlock there.
  Subscription subscription = node->Subscribe([&](const MemberChange& c) {
    if (c.member.is_local && c.member.metadata.count("trigger") == 1 &&
        calls.fetch_add(1) == 0) {
      EXPECT_TRUE(node->SetMetadata({{"seen", "yes"}, {"trigger", "1"}}).ok());
      EXPECT_GE(node->Members()->members.size(), 1u);
      EXPECT_GE(node->Stats().node.health_score, 0);
    }
  });
  // A callback may cancel subscriptions, its own included. A Subscription
  // object is not itself thread-safe: guard it while it is being assigned.
  struct Self {
    absl::Mutex mu;
    Subscription subscription ABSL_GUARDED_BY(mu);
    int calls ABSL_GUARDED_BY(mu) = 0;
  };
  auto self = std::make_shared<Self>();
  {
    TsanMutexLock lock(&self->mu);
    self->subscription = node->Subscribe([s = self.get()](const MemberChange&) {
      TsanMutexLock lock(&s->mu);
      ++s->calls;
      s->subscription.Cancel();
    });
  }
  // A change of our own sets both callbacks off.
  ASSERT_TRUE(node->SetMetadata({{"trigger", "1"}}).ok());
  ASSERT_TRUE(WaitFor([&] {
    TsanMutexLock lock(&self->mu);
    return self->calls >= 1;
  }));
  EXPECT_TRUE(WaitFor([&] {
    std::optional<MemberInfo> m = Lookup(*nodes[0], node->name());
    return m.has_value() && m->metadata.count("seen") == 1;
  }));
  TsanMutexLock lock(&self->mu);
  EXPECT_EQ(self->calls, 1);
  EXPECT_FALSE(self->subscription.active());
}

TEST(UdpNodeTest, GracefulStopIsSeenAsLeft) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(3);
  ASSERT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
  const std::string leaver = nodes[2]->name();
  nodes[2]->Stop();
  EXPECT_TRUE(nodes[2]->stopped());
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(WaitFor([&] {
      std::optional<MemberInfo> m = Lookup(*nodes[i], leaver);
      return m.has_value() && m->status == Status::kOffline &&
             m->offline_reason == OfflineReason::kLeft;
    }));
  }
  // A stopped node refuses commands but still answers queries.
  EXPECT_EQ(nodes[2]->SetMetadata({}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_GT(nodes[2]->Stats().socket.datagrams_sent, 0u);
}

TEST(UdpNodeTest, StopWithoutLeavingIsSeenAsFailed) {
  std::vector<std::unique_ptr<UdpNode>> nodes = StartCluster(3);
  ASSERT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
  const std::string victim = nodes[2]->name();
  nodes[2]->Stop(UdpNode::StopMode::kNoLeave);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(WaitFor([&] {
      std::optional<MemberInfo> m = Lookup(*nodes[i], victim);
      return m.has_value() && m->status == Status::kOffline &&
             m->offline_reason == OfflineReason::kFailed;
    }));
  }
}

TEST(UdpNodeTest, Ipv6Loopback) {
  {
    absl::StatusOr<SocketAddress> any = ParseSocketAddress("[::1]:0");
    ASSERT_TRUE(any.ok());
    absl::StatusOr<UdpSocket> probe = UdpSocket::Bind(*any);
    if (!probe.ok()) GTEST_SKIP() << "no IPv6 loopback: " << probe.status();
  }
  std::vector<std::unique_ptr<UdpNode>> nodes;
  nodes.push_back(StartNode(FastOptions("[::1]:0")));
  ASSERT_NE(nodes[0], nullptr);
  EXPECT_EQ(nodes[0]->address().rfind("[::1]:", 0), 0u);
  nodes.push_back(StartNode(FastOptions("[::1]:0", {nodes[0]->address()})));
  EXPECT_TRUE(WaitFor([&] { return AllSeeAllOnline(nodes); }));
}

TEST(UdpNodeTest, SocketErrorsAreCountedAndNeverStopTheLoop) {
  // An IPv6 peer for an IPv4 socket: every datagram to it fails, and the
  // node keeps trying to join through it while it is alone.
  UdpNodeOptions options = FastOptions("127.0.0.1:0", {"[::1]:9"});
  std::unique_ptr<UdpNode> a = StartNode(std::move(options));
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(WaitFor([&] {
    UdpNodeStats stats = a->Stats();
    return stats.socket.unresolved_addresses +
               stats.socket.send_errors.total() >=
           2;
  }));
  // The loop is alive: it still joins a real peer.
  std::unique_ptr<UdpNode> b =
      StartNode(FastOptions("127.0.0.1:0", {a->address()}));
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(WaitFor([&] {
    return Sees(*a, b->name(), Status::kOnline) &&
           Sees(*b, a->name(), Status::kOnline);
  }));
  EXPECT_FALSE(a->stopped());
}

}  // namespace
}  // namespace swim::net
