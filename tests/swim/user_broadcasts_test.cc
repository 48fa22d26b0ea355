// User broadcasts, direct messages and the explicit join, over the
// deterministic FakeNetwork, and the bounds of what the wire can make a
// node hold.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/delivery.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "swim/user_broadcast_queue.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FakeNetwork;
using ::swim::testing::TestAddress;

// User traffic is part of protocol version 2 (swim/wire_format.md); the
// harness's TestConfig speaks version 1 only.
Config TestConfig(absl::string_view name,
                  std::vector<std::string> seed_peers = {}) {
  Config config = ::swim::testing::TestConfig(name, std::move(seed_peers));
  config.protocol_version_max = 2;
  return config;
}

std::string Name(int i) { return absl::StrCat("node-", i); }

void StartCluster(FakeNetwork& net, int n) {
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  for (int i = 1; i < n; ++i) {
    net.RunFor(absl::Milliseconds(10));
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i), {TestAddress(Name(0))})).ok());
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
}

std::vector<Delivery> Drain(Node* node) {
  std::vector<Delivery> out;
  while (std::optional<Delivery> d = node->PollDelivery()) out.push_back(*d);
  return out;
}

TEST(UserBroadcastsTest, ReachesEveryMemberOnceAndNotTheOrigin) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 30);
  for (const std::string& name : net.node_names()) Drain(net.node(name));
  ASSERT_TRUE(
      net.node(Name(3))->Broadcast(net.now(), "silence/42", "created").ok());
  net.RunFor(absl::Seconds(20));
  for (const std::string& name : net.node_names()) {
    std::vector<Delivery> got = Drain(net.node(name));
    if (name == Name(3)) {
      EXPECT_TRUE(got.empty());
      continue;
    }
    ASSERT_EQ(got.size(), 1u) << name;
    EXPECT_EQ(got[0].kind, Delivery::Kind::kBroadcast);
    EXPECT_EQ(got[0].from, Name(3));
    EXPECT_EQ(got[0].key, "silence/42");
    EXPECT_EQ(got[0].payload, "created");
    EXPECT_EQ(net.node(name)->counters().user.broadcasts_delivered, 1u);
  }
  // The budget is spent: nothing stays in flight.
  for (const std::string& name : net.node_names()) {
    EXPECT_EQ(net.node(name)->pending_broadcasts(), 0u) << name;
  }
}

TEST(UserBroadcastsTest, SpreadsAtTenPercentLoss) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 30);
  net.SetLoss(1, 10);
  ASSERT_TRUE(net.node(Name(0))->Broadcast(net.now(), "k", "v").ok());
  net.RunFor(absl::Seconds(20));
  for (const std::string& name : net.node_names()) {
    if (name == Name(0)) continue;
    EXPECT_EQ(net.node(name)->counters().user.broadcasts_delivered, 1u) << name;
  }
}

TEST(UserBroadcastsTest, ZeroRetransmitsSpreadNothing) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 5);
  // The canary's premise: with no retransmit budget a broadcast stays put.
  Config config = TestConfig("loner", {TestAddress(Name(0))});
  config.testing.zero_retransmits = true;
  ASSERT_TRUE(net.AddNode(config).ok());
  net.RunFor(absl::Seconds(10));
  ASSERT_TRUE(net.node("loner")->Broadcast(net.now(), "k", "v").ok());
  net.RunFor(absl::Seconds(20));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(net.node(Name(i))->counters().user.broadcasts_delivered, 0u);
  }
}

TEST(UserBroadcastsTest, ANewerVersionOfAKeyReplacesTheOlderInFlight) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 10);
  for (const std::string& name : net.node_names()) Drain(net.node(name));
  Node* origin = net.node(Name(1));
  // Both before any datagram leaves: only the second is ever sent.
  ASSERT_TRUE(origin->Broadcast(net.now(), "ring", "v1").ok());
  ASSERT_TRUE(origin->Broadcast(net.now(), "ring", "v2").ok());
  ASSERT_TRUE(origin->Broadcast(net.now(), "other", "x").ok());
  net.RunFor(absl::Seconds(20));
  for (const std::string& name : net.node_names()) {
    if (name == Name(1)) continue;
    std::map<std::string, std::string> by_key;
    for (const Delivery& d : Drain(net.node(name))) {
      EXPECT_TRUE(by_key.emplace(d.key, d.payload).second) << d.key;
    }
    EXPECT_EQ(by_key["ring"], "v2") << name;
    EXPECT_EQ(by_key["other"], "x") << name;
  }
}

TEST(UserBroadcastsTest, BadArgumentsGiveClearErrors) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 2);
  Node* node = net.node(Name(0));
  EXPECT_EQ(node->Broadcast(net.now(), "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(node->Broadcast(net.now(), std::string(256, 'k'), "x").code(),
            absl::StatusCode::kInvalidArgument);
  const size_t max = node->MaxBroadcastBytes();
  ASSERT_GT(max, 500u);  // the default datagram leaves real room
  EXPECT_TRUE(node->Broadcast(net.now(), "k", std::string(max - 1, 'p')).ok());
  absl::Status big = node->Broadcast(net.now(), "k", std::string(max, 'p'));
  EXPECT_EQ(big.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(big.message().find("fit a datagram"), absl::string_view::npos);
  EXPECT_EQ(node->SendTo(net.now(), "nobody", "x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(node->SendTo(net.now(), Name(0), "x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(node->SendTo(net.now(), Name(1),
                         std::string(node->MaxMessageBytes() + 1, 'p'))
                .code(),
            absl::StatusCode::kInvalidArgument);
  // The largest of each still goes out and arrives whole.
  ASSERT_TRUE(node->SendTo(net.now(), Name(1),
                           std::string(node->MaxMessageBytes(), 'm'))
                  .ok());
  net.RunFor(absl::Seconds(5));
  std::vector<Delivery> got = Drain(net.node(Name(1)));
  size_t direct = 0;
  for (const Delivery& d : got) {
    if (d.kind == Delivery::Kind::kDirect) {
      ++direct;
      EXPECT_EQ(d.payload.size(), node->MaxMessageBytes());
    } else {
      EXPECT_EQ(d.payload.size(), max - 1);
    }
  }
  EXPECT_EQ(direct, 1u);
  EXPECT_EQ(got.size(), 2u);
  node->Leave(net.now());
  EXPECT_EQ(node->Broadcast(net.now(), "k", "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(node->SendTo(net.now(), Name(1), "x").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(UserBroadcastsTest, DirectMessageArrivesWithItsSender) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 3);
  for (const std::string& name : net.node_names()) Drain(net.node(name));
  // Once node 2 has learnt that node 1 speaks version 2.
  ASSERT_TRUE(net.RunUntil(
      [&] {
        return net.node(Name(2))->SendTo(net.now(), Name(1), "hello").ok();
      },
      absl::Seconds(10)));
  net.RunFor(absl::Seconds(1));
  std::vector<Delivery> got = Drain(net.node(Name(1)));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Delivery::Kind::kDirect);
  EXPECT_EQ(got[0].from, Name(2));
  EXPECT_EQ(got[0].payload, "hello");
  EXPECT_TRUE(Drain(net.node(Name(0))).empty());
  EXPECT_EQ(net.node(Name(2))->counters().user.messages_sent, 1u);
  EXPECT_EQ(net.node(Name(1))->counters().user.messages_received, 1u);
}

TEST(UserBroadcastsTest, ExplicitJoinContactsPeersAndCountsAnswers) {
  FakeNetwork net(absl::UnixEpoch());
  ASSERT_TRUE(net.AddNode(TestConfig("a")).ok());
  ASSERT_TRUE(net.AddNode(TestConfig("b")).ok());
  ASSERT_TRUE(net.AddNode(TestConfig("c")).ok());
  net.RunFor(absl::Seconds(5));
  // Created without seeds: nobody was contacted.
  EXPECT_EQ(net.node("c")->members().size(), 1u);
  EXPECT_EQ(net.node("c")->join_answers(), 0u);
  EXPECT_EQ(net.node("c")->Join(net.now(), {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(net.node("c")->Join(net.now(), {"no-port"}).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      net.node("c")
          ->Join(net.now(), {TestAddress("a"), TestAddress("b"), "nobody:7946"})
          .ok());
  net.Flush();
  net.RunFor(absl::Seconds(1));
  EXPECT_EQ(net.node("c")->join_answers(), 2u);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
}

// A hostile member floods distinct broadcasts: the in-flight queue and the
// table of delivered pairs stay bounded, the excess is counted.
TEST(UserBroadcastsTest, AFloodFromTheWireIsBoundedAndCounted) {
  ::swim::testing::Harness h;
  h.Meet({"a", "b"});
  Node* victim = &h.node();
  const size_t total = UserBroadcasts::kMaxRememberedBroadcasts + 500;
  size_t sent = 0;
  uint64_t version = 1;
  while (sent < total) {
    Packet packet;
    packet.sender = "a";
    packet.message = Gossip{};
    for (int i = 0; i < 40 && sent < total; ++i, ++sent) {
      packet.broadcasts.push_back(
          UserBroadcast{absl::StrCat("forged-", sent % 97),
                        absl::StrCat("k", sent), version++, "x"});
    }
    h.Deliver(packet);
  }
  const UserCounters& c = victim->counters().user;
  EXPECT_EQ(c.broadcasts_delivered, UserBroadcasts::kMaxRememberedBroadcasts);
  EXPECT_EQ(c.broadcasts_refused, 500u);
  EXPECT_LE(victim->pending_broadcasts(),
            UserBroadcastQueue::kMaxQueuedBroadcasts);
  EXPECT_GT(c.broadcasts_evicted, 0u);
  EXPECT_LE(Drain(victim).size(), UserBroadcasts::kMaxPendingDeliveries);
  EXPECT_GT(c.deliveries_dropped, 0u);
  // They are forgotten in time, and new ones are accepted again.
  EXPECT_EQ(victim->remembered_broadcasts(),
            UserBroadcasts::kMaxRememberedBroadcasts);
  h.Advance(UserBroadcasts::kRememberFor + absl::Seconds(5));
  EXPECT_EQ(victim->remembered_broadcasts(), 0u);
  EXPECT_EQ(c.broadcasts_forgotten, UserBroadcasts::kMaxRememberedBroadcasts);
}

TEST(UserBroadcastQueueTest, FewestSentFirstAndNewerVersionsReplace) {
  UserBroadcastQueue queue;
  EXPECT_EQ(queue.Enqueue({"a", "k", 2, "x"}),
            UserBroadcastQueue::Result::kQueued);
  EXPECT_EQ(queue.Enqueue({"a", "k", 1, "old"}),
            UserBroadcastQueue::Result::kStale);
  EXPECT_EQ(queue.Enqueue({"a", "k", 2, "same"}),
            UserBroadcastQueue::Result::kStale);
  EXPECT_EQ(queue.Enqueue({"b", "k", 1, "y"}),
            UserBroadcastQueue::Result::kQueued);
  std::vector<uint64_t> order = queue.InSendOrder(10);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(queue.Get(order[0]).origin, "b");  // newest first among equals
  queue.MarkSent(order[0], 2);
  order = queue.InSendOrder(10);
  EXPECT_EQ(queue.Get(order[0]).origin, "a");  // now the fewest sent
  EXPECT_EQ(queue.TransmitsOf("b", "k"), 1);
  queue.MarkSent(order[1], 2);
  EXPECT_EQ(queue.TransmitsOf("b", "k"), -1);  // budget spent
  EXPECT_EQ(queue.Enqueue({"a", "k", 3, "new"}),
            UserBroadcastQueue::Result::kReplaced);
  EXPECT_EQ(queue.Get(queue.InSendOrder(1)[0]).payload, "new");
  uint64_t evicted = 0;
  for (uint64_t i = 0; i < UserBroadcastQueue::kMaxQueuedBroadcasts + 3; ++i) {
    queue.Enqueue({"c", absl::StrCat(i), 1, ""}, &evicted);
  }
  EXPECT_EQ(queue.size(), UserBroadcastQueue::kMaxQueuedBroadcasts);
  EXPECT_EQ(evicted, 4u);
}

TEST(UserBroadcastsCodecTest, RoundTripsAndRejectsMalformedSections) {
  Packet packet;
  packet.sender = "a";
  packet.message = Ack{3};
  packet.updates.push_back(Left{"c", 2});
  packet.broadcasts.push_back({"a", "key", 99, "payload"});
  packet.broadcasts.push_back({"b", "k2", 1, ""});
  absl::StatusOr<std::string> body = EncodePacket(packet);
  ASSERT_TRUE(body.ok()) << body.status();
  absl::StatusOr<Packet> back = DecodePacket(*body);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, packet);
  // Without broadcasts, the bytes are version 1's.
  Packet plain = packet;
  plain.broadcasts.clear();
  absl::StatusOr<std::string> plain_body = EncodePacket(plain);
  ASSERT_TRUE(plain_body.ok());
  EXPECT_EQ(body->substr(0, plain_body->size()), *plain_body);
  // An empty section, a truncated one, an empty key: dropped.
  EXPECT_FALSE(DecodePacket(*plain_body + std::string(1, '\0')).ok());
  EXPECT_FALSE(DecodePacket(body->substr(0, body->size() - 1)).ok());
  Packet empty_key = plain;
  empty_key.broadcasts.push_back({"a", "", 1, "x"});
  EXPECT_FALSE(EncodePacket(empty_key).ok());
  // A UserMessage round-trips.
  Packet direct;
  direct.sender = "a";
  direct.message = UserMessage{"hi"};
  absl::StatusOr<std::string> direct_body = EncodePacket(direct);
  ASSERT_TRUE(direct_body.ok());
  absl::StatusOr<Packet> direct_back = DecodePacket(*direct_body);
  ASSERT_TRUE(direct_back.ok());
  EXPECT_EQ(*direct_back, direct);
}

}  // namespace
}  // namespace swim
