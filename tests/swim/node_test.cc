// swim::Node, the facade: inputs, ticks, known members, leave, determinism.
#include "swim/node.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::kKey;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;
using ::swim::testing::WithoutPeriodicSync;

TEST(NodeTest, NoSeedPeersWaitsQuietlyWithoutCrashing) {
  // Seed defect: with no peers its failure detector crashed.
  Harness h;
  EXPECT_TRUE(h.Drain().empty());
  h.Advance(absl::Minutes(5));
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_EQ(h.node().members().size(), 1u);
  EXPECT_LT(h.node().NextDeadline(), absl::InfiniteFuture());
  // And it can still be contacted.
  h.Meet({"a"});
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
}

TEST(NodeTest, EarlyOrRepeatedTicksAreHarmless) {
  Config config = TestConfig("me");
  config.gossip_fanout = 0;  // only the probe is due
  Harness h(config);
  h.Meet({"a", "b"});
  h.Drain();
  const absl::Time deadline = h.node().NextDeadline();
  h.node().Tick(deadline - absl::Milliseconds(1));
  EXPECT_TRUE(h.Drain().empty());
  h.node().Tick(deadline);
  const size_t once = h.Drain().size();
  EXPECT_EQ(once, 1u);  // one probe
  h.node().Tick(deadline);
  h.node().Tick(deadline);
  EXPECT_TRUE(h.Drain().empty());
}

TEST(NodeTest, AnswersPingsMeantForItOnly) {
  Harness h;
  Ping ping;
  ping.seq = 41;
  ping.target = "me";
  h.Deliver("a", ping, {Harness::AliveOf("a", 0)});
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, TestAddress("a"));
  ASSERT_TRUE(std::holds_alternative<Ack>(sent[0].packet.message));
  EXPECT_EQ(std::get<Ack>(sent[0].packet.message).seq, 41u);
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);

  ping.target = "someone-else";  // who used to live at this address
  h.Deliver("a", ping);
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_EQ(h.node().counters().ignored, 1u);
}

TEST(NodeTest, BadDatagramsAreCountedAndNothingInThemIsActedOn) {
  Harness h;
  h.node().HandleDatagram(h.now(), "x:1", "short");
  h.node().HandleDatagram(h.now(), "x:1", std::string(200, '\x01'));
  // Authentic envelope, wrong cluster: the tag does not verify.
  Keyring other = Keyring::Create("other", {kKey}).value();
  Prng rng(1);
  Packet packet;
  packet.sender = "evil";
  packet.message = Gossip{};
  packet.updates.push_back(Harness::AliveOf("evil", 9));
  std::string body = EncodePacket(packet).value();
  std::string datagram;
  ASSERT_TRUE(
      SealDatagram(other, EnvelopeOptions(), body, rng, &datagram).ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);
  // A key we do not hold.
  Keyring stranger = Keyring::Create("test", {std::string(32, 's')}).value();
  ASSERT_TRUE(
      SealDatagram(stranger, EnvelopeOptions(), body, rng, &datagram).ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);
  // Authentic, but the body is not a packet.
  ASSERT_TRUE(SealDatagram(Keyring::Create("test", {kKey}).value(),
                           EnvelopeOptions(), "\x01garbage", rng, &datagram)
                  .ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);

  const Counters& c = h.node().counters();
  // "short", and the garbage body (a ping cut short).
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kTruncated)], 2u);
  // 200 bytes of 0x01 parse as version 1 with key id 0x01010101.
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kUnknownKey)], 2u);
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kAuthFailed)], 1u);
  uint64_t total = 0;
  for (uint64_t d : c.drops) total += d;
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(h.node().members().size(), 1u);
  EXPECT_TRUE(h.Drain().empty());
}

TEST(NodeTest, KnownMembersAreAddedAsOldNewsAndProbed) {
  Harness h(WithoutPeriodicSync());
  h.Events();
  std::vector<Alive> known;
  for (int i = 0; i < 10; ++i) {  // 10 >= churn_sync_threshold
    Config other = TestConfig(absl::StrCat("k", i));
    if (i == 3) other.metadata = {{"role", "db"}};
    known.push_back(Node::Announcement(other).value());
  }
  known.push_back(Node::Announcement(TestConfig("me")).value());  // ignored
  ASSERT_TRUE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 11u);
  EXPECT_EQ(h.Events().size(), 10u);  // one per new member, ONLINE
  EXPECT_EQ(h.node().members().Find("k3")->metadata->at("role"), "db");
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  // Old news: nothing to gossip, no churn exchange; but each is probed.
  EXPECT_EQ(h.node().pending_gossip(), 0u);
  std::set<std::string> probed;
  const absl::Time start = h.now();
  while (h.now() < start + absl::Seconds(12)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      EXPECT_FALSE(std::holds_alternative<Sync>(s.packet.message));
      EXPECT_TRUE(s.packet.updates.empty());
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        probed.insert(ping->target);
        h.Deliver(ping->target, Ack{ping->seq});
      }
    }
  }
  EXPECT_EQ(probed.size(), 10u);
  EXPECT_EQ(h.node().counters().churn_syncs, 0u);
}

TEST(NodeTest, KnownMembersAreCheckedFirstAndAddedWholeOrNotAtAll) {
  Harness h;
  std::vector<Alive> known = {Harness::AliveOf("a", 0),
                              Harness::AliveOf("b", 0)};
  known[1].address = "no port";
  absl::Status bad = h.node().AddKnownMembers(h.now(), known);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.message(), "entry 1")) << bad;
  known[1] = Harness::AliveOf("bad name", 0);
  EXPECT_FALSE(h.node().AddKnownMembers(h.now(), known).ok());
  known[1] = Harness::AliveOf("b", 0);
  known[1].metadata = Metadata{{std::string(300, 'k'), "v"}};  // key too long
  EXPECT_FALSE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 1u);
  // A saved view of a previous life of ours: out-incarnated.
  known[1] = Harness::AliveOf("me", 5);
  ASSERT_TRUE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 2u);
  EXPECT_GT(h.LocalIncarnation(), 5u);
  h.node().Leave(h.now());
  EXPECT_EQ(h.node().AddKnownMembers(h.now(), known).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(NodeTest, AnnouncementIsWhatOthersHoldOfANewNode) {
  Config config = TestConfig("x");
  config.initial_incarnation = 7;
  config.metadata = {{"zone", "b"}};
  const Alive alive = Node::Announcement(config).value();
  Harness h(config);
  const MemberView local = h.node().members().local();
  EXPECT_EQ(alive.member, "x");
  EXPECT_EQ(alive.address, local.address);
  EXPECT_EQ(alive.incarnation, local.incarnation);
  EXPECT_EQ(alive.metadata_version, local.metadata_version);
  EXPECT_EQ(alive.metadata, std::optional<Metadata>(*local.metadata));
  config.name = "";
  EXPECT_EQ(Node::Announcement(config).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NodeTest, LeaveTellsOthersAndGoesInert) {
  Harness h;
  h.Meet({"a", "b", "c", "d", "e"});
  h.Drain();
  h.Events();
  h.node().Leave(h.now());
  std::vector<Sent> sent = h.Drain();
  EXPECT_EQ(sent.size(), 3u);  // leave_fanout
  for (const Sent& s : sent) {
    const Left* left = FindUpdate<Left>(s.packet, "me");
    ASSERT_NE(left, nullptr);
  }
  std::vector<MemberEvent> events = h.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].current, Status::kOffline);
  EXPECT_EQ(events[0].offline_reason, OfflineReason::kLeft);
  EXPECT_EQ(h.node().NextDeadline(), absl::InfiniteFuture());
  // It still answers probes, with the news first, but does nothing else.
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("a", ping);
  sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<Ack>(sent[0].packet.message));
  ASSERT_FALSE(sent[0].packet.updates.empty());
  EXPECT_TRUE(std::holds_alternative<Left>(sent[0].packet.updates[0]));
  h.Deliver("a", Sync{}, {Harness::AliveOf("zz", 0)});
  EXPECT_FALSE(h.node().members().Find("zz").has_value());
  h.Advance(absl::Minutes(1));
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_FALSE(h.node().SetMetadata(h.now(), {}).ok());
}

std::vector<std::string> Script(uint64_t seed) {
  Config config = TestConfig("me", {TestAddress("a")}, seed);
  Harness h(config);
  h.Meet({"a", "b", "c", "d", "e", "f"});
  std::vector<std::string> out;
  for (int i = 0; i < 40; ++i) {
    h.Advance(absl::Milliseconds(300));
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("b", ping);
    while (std::optional<Transmit> t = h.node().PollTransmit()) {
      out.push_back(t->to_address + "|" + t->datagram);
    }
  }
  return out;
}

TEST(NodeTest, SameSeedSameInputsSameBytes) {
  EXPECT_EQ(Script(5), Script(5));
  EXPECT_NE(Script(5), Script(6));
}

}  // namespace
}  // namespace swim
