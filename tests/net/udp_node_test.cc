// Tests of net/udp_node.h: several UdpNodes in one process on 127.0.0.1
// (and [::1] when available), the thread-safe handle, subscriptions, and a
// live node fed garbage in bulk.
#include "net/udp_node.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "net/subscription.h"
#include "net/tsan_mutex_lock.h"
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

using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

constexpr absl::string_view kSecret = "udp node test secret";
constexpr absl::string_view kCluster = "udp-test";
UdpNodeOptions FastOptions(absl::string_view address,
                           std::vector<std::string> peers = {}) {
  UdpNodeOptions options;
  options.config.address = std::string(address);
  options.config.keys = {DeriveKeyFromSecret(kSecret)};
  options.config.cluster_name = std::string(kCluster);
  options.config.seed_peers = std::move(peers);
  options.config.probe_interval = absl::Milliseconds(200);
  options.config.probe_timeout = absl::Milliseconds(100);
  options.config.join_retry_initial = absl::Milliseconds(100);
  options.config.join_retry_max = absl::Milliseconds(500);
  options.config.sync_interval = absl::Seconds(2);
  options.leave_linger = absl::Milliseconds(300);
  return options;
}

// A copy: a snapshot's members live only as long as the snapshot.
std::optional<MemberInfo> Lookup(const UdpNode& node, absl::string_view name) {
  std::shared_ptr<const MembersSnapshot> view = node.Members();
  const MemberInfo* m = view->Find(name);
  if (m == nullptr) return std::nullopt;
  return *m;
}

bool Sees(const UdpNode& observer, absl::string_view member, Status status) {
  std::shared_ptr<const MembersSnapshot> view = observer.Members();
  const MemberInfo* m = view->Find(member);
  return m != nullptr && m->status == status;
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

// ---- Garbage. ----

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
  // Slower probes: this test is about garbage, not about a loaded machine
  // suspecting its peers.
  UdpNodeOptions b_options = FastOptions("127.0.0.1:0");
  b_options.config.probe_interval = absl::Milliseconds(500);
  b_options.config.probe_timeout = absl::Milliseconds(250);
  std::unique_ptr<UdpNode> b = StartNode(b_options);
  ASSERT_NE(b, nullptr);
  RawSocket raw;
  // A's join sync also goes to `raw`, which keeps it for replaying.
  UdpNodeOptions a_options =
      FastOptions("127.0.0.1:0", {b->address(), raw.address()});
  a_options.config.probe_interval = absl::Milliseconds(500);
  a_options.config.probe_timeout = absl::Milliseconds(250);
  std::unique_ptr<UdpNode> a = StartNode(a_options);
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
