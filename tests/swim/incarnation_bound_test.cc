// The incarnation bound at work in a Node (swim/incarnation_bound.h): the
// datagrams of issue #13, correctly sealed, neither pin nor evict a member,
// while the jumps a restart makes are still accepted.
#include "swim/incarnation_bound.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FakeNetwork;
using ::swim::testing::Harness;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

constexpr uint64_t kTop = ~uint64_t{0};

// Accusations by member "a".
Suspect SuspectOf(absl::string_view member, uint64_t incarnation) {
  return Suspect{std::string(member), incarnation, "a"};
}
Offline OfflineOf(absl::string_view member, uint64_t incarnation) {
  return Offline{std::string(member), incarnation, "a"};
}
Left LeftOf(absl::string_view member, uint64_t incarnation) {
  return Left{std::string(member), incarnation};
}

TEST(IncarnationBoundNodeTest, SuspicionOfItselfAtTheTopIsRefusedNotWrapped) {
  Harness h;
  h.Meet({"a"});
  h.Drain();
  h.Deliver("a", Gossip{}, {SuspectOf("me", kTop)});
  h.Deliver("a", Gossip{}, {OfflineOf("me", kTop)});
  h.Deliver("a", Gossip{}, {LeftOf("me", kTop)});
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
  EXPECT_EQ(h.node().counters().refutations, 0u);
  EXPECT_EQ(h.node().counters().updates_refused, 3u);
  // An ordinary accusation is refuted as before.
  h.Deliver("a", Gossip{}, {SuspectOf("me", 0)});
  EXPECT_EQ(h.LocalIncarnation(), 1u);
}

TEST(IncarnationBoundNodeTest, AccusationsWithinTheJumpAreRefutedAboveThem) {
  Harness h;
  h.Meet({"a"});
  h.Drain();
  h.Deliver("a", Gossip{}, {SuspectOf("me", kMaxIncarnationJump)});
  EXPECT_EQ(h.LocalIncarnation(), kMaxIncarnationJump + 1);
  EXPECT_EQ(h.node().counters().refutations, 1u);
  // One past the jump from there moves it one jump only, and again until
  // it is past the accusation (found by the cluster fuzzer: others' records
  // can climb a jump past ours, and refused, their accusation stood).
  const uint64_t far = 2 * kMaxIncarnationJump + 2;
  h.Deliver("a", Gossip{}, {SuspectOf("me", far)});
  EXPECT_EQ(h.LocalIncarnation(), 2 * kMaxIncarnationJump + 1);
  EXPECT_EQ(h.node().counters().accusations_clamped, 1u);
  h.Deliver("a", Gossip{}, {SuspectOf("me", far)});
  EXPECT_EQ(h.LocalIncarnation(), far + 1);
  EXPECT_EQ(h.node().counters().updates_refused, 0u);
}

TEST(IncarnationBoundNodeTest, APreviousLifeAtTheTopIsNotAdopted) {
  Harness h;
  h.Meet({"a"});
  h.Drain();
  h.Deliver("a", Gossip{}, {Harness::AliveOf("me", kTop - 1)});
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().counters().updates_refused, 1u);
  // A previous life within the jump is out-incarnated, metadata included.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("me", 1000)});
  EXPECT_EQ(h.LocalIncarnation(), 1001u);
  EXPECT_EQ(h.node().members().local().metadata_version, 1002u);
}

TEST(IncarnationBoundNodeTest, AnAliveAtTheTopLeavesTheMemberAccusable) {
  Harness h;
  h.Meet({"a", "b"});
  h.Drain();
  // Each is taken one jump up, no further: what an Alive at the jump does.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", kTop - 1)});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, kMaxIncarnationJump);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", kTop - 1 - 5)});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, 2 * kMaxIncarnationJump);
  EXPECT_EQ(h.node().members().Find("b")->metadata_version,
            2 * kMaxIncarnationJump + 1);
  EXPECT_EQ(h.node().counters().alives_clamped, 2u);
  EXPECT_EQ(h.node().counters().updates_refused, 0u);
  // b is still suspected, and refutes, well below the ceilings.
  h.Deliver("a", Gossip{}, {SuspectOf("b", 2 * kMaxIncarnationJump)});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Deliver("b", Gossip{},
            {Harness::AliveOf("b", 2 * kMaxIncarnationJump + 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
}

TEST(IncarnationBoundNodeTest, AMemberPushedPastTheJumpIsLearntOneJumpAtATime) {
  // Found by the cluster fuzzer: one accepted accusation takes a member to
  // 2^44 + 1, past what a node that never held it (0) accepted in one
  // update; it refused the member's every Alive, and never learnt it.
  Harness h;
  h.Meet({"a"});
  h.Drain();
  const uint64_t pushed = kMaxIncarnationJump + 1;
  h.Deliver("b", Gossip{}, {Harness::AliveOf("b", pushed)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  EXPECT_EQ(h.node().members().Find("b")->incarnation, kMaxIncarnationJump);
  h.Deliver("b", Gossip{}, {Harness::AliveOf("b", pushed)});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, pushed);
  EXPECT_EQ(h.node().counters().alives_clamped, 1u);
  // Likewise a record that missed the accusation: a holds 0, b is at
  // 2^45 + 1 after two pushes.
  const uint64_t far = 2 * kMaxIncarnationJump + 1;
  for (int i = 0; i < 2; ++i) {
    h.Deliver("a", Gossip{}, {Harness::AliveOf("a", far)});
  }
  EXPECT_EQ(h.node().members().Find("a")->incarnation, 2 * kMaxIncarnationJump);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", far)});
  EXPECT_EQ(h.node().members().Find("a")->incarnation, far);
  EXPECT_EQ(h.node().counters().updates_refused, 0u);
}

TEST(IncarnationBoundNodeTest, AccusationsOfOthersAtTheTopAreRefused) {
  Harness h;
  h.Meet({"a", "b"});
  h.Drain();
  h.Deliver("a", Gossip{}, {SuspectOf("b", kTop)});
  h.Deliver("a", Gossip{}, {OfflineOf("b", kTop)});
  h.Deliver("a", Gossip{}, {LeftOf("b", kTop)});
  h.Deliver("a", Gossip{}, {SuspectOf("b", kMaxAccusedIncarnation)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  EXPECT_EQ(h.node().members().Find("b")->incarnation, 0u);
  EXPECT_EQ(h.node().counters().updates_refused, 4u);
}

TEST(IncarnationBoundNodeTest, ARestartAtUnixTimeIsAccepted) {
  Harness h;
  h.Meet({"a", "b"});
  h.Drain();
  const uint64_t unix_seconds = 1'800'000'000;
  const uint64_t unix_millis = 1'800'000'000'000;
  h.Deliver("b", Gossip{}, {Harness::AliveOf("b", unix_seconds)});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, unix_seconds);
  h.Deliver("b", Gossip{}, {Harness::AliveOf("b", unix_millis)});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, unix_millis);
  // A member never seen before may start anywhere up to the jump.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("new", unix_millis)});
  EXPECT_EQ(h.StatusOf("new"), Status::kOnline);
  // Further, it is taken at the jump (and climbs as it announces itself).
  h.Deliver("a", Gossip{},
            {Harness::AliveOf("too-far", kMaxIncarnationJump + 1)});
  EXPECT_EQ(h.node().members().Find("too-far")->incarnation,
            kMaxIncarnationJump);
  EXPECT_EQ(h.node().counters().alives_clamped, 1u);
  EXPECT_EQ(h.node().counters().updates_refused, 0u);
}

TEST(IncarnationBoundNodeTest, MetadataVersionsBeyondTheLifeAreRefused) {
  Harness h;
  h.Meet({"a", "b"});
  h.Drain();
  Alive alive = Harness::AliveOf("b", 3, {{"k", "v"}});
  alive.metadata_version = kTop;  // would pin b's map: no newer version
  h.Deliver("b", Gossip{}, {alive});
  EXPECT_EQ(h.node().members().Find("b")->incarnation, 0u);
  EXPECT_EQ(h.node().counters().updates_refused, 1u);
  alive.metadata_version = 4;  // incarnation + 1: what owners send
  h.Deliver("b", Gossip{}, {alive});
  EXPECT_EQ(h.node().members().Find("b")->metadata_version, 4u);
}

TEST(IncarnationBoundNodeTest, InitialIncarnationIsValidatedAgainstTheJump) {
  Config config = TestConfig("me");
  config.initial_incarnation = kMaxIncarnationJump;
  EXPECT_TRUE(config.Validate().ok());
  config.initial_incarnation = kMaxIncarnationJump + 1;
  EXPECT_FALSE(config.Validate().ok());
}

TEST(IncarnationBoundNodeTest, AMemberPushedHighGetsANewLifeOnceForgotten) {
  // The way back: a member whose incarnation an insider pushed up (here by
  // one accepted step) leaves; once the cluster has forgotten it
  // (offline_retention), it restarts at a low incarnation as a new member.
  Config config = TestConfig("me");
  config.offline_retention = absl::Minutes(1);
  Harness h(config);
  h.Meet({"a", "b"});
  h.Drain();
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", kMaxIncarnationJump)});
  ASSERT_EQ(h.node().members().Find("b")->incarnation, kMaxIncarnationJump);
  h.Deliver("b", Gossip{}, {LeftOf("b", kMaxIncarnationJump)});
  ASSERT_EQ(h.StatusOf("b"), Status::kOffline);
  for (int i = 0; i < 700; ++i) {
    h.Advance(absl::Milliseconds(100));
    testing::AnswerAllBut(h, "b");
  }
  ASSERT_EQ(h.StatusOf("b"), Status::kUnknown);
  h.Deliver("b", Gossip{}, {Harness::AliveOf("b", 0)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  EXPECT_EQ(h.node().members().Find("b")->incarnation, 0u);
}

// ---- An insider against a small cluster. ----

std::string Name(int i) { return absl::StrCat("node-", i); }

// Seals `packet` with the cluster's key, as an insider can.
std::string SealAsInsider(const Packet& packet, Prng& rng) {
  Keyring keyring = Keyring::Create("test", {testing::kKey}).value();
  std::string datagram;
  EXPECT_TRUE(SealDatagram(keyring, EnvelopeOptions(),
                           EncodePacket(packet).value(), rng, &datagram)
                  .ok());
  return datagram;
}

TEST(IncarnationBoundClusterTest, InsiderDatagramsAtTheTopPinNobody) {
  FakeNetwork net(absl::UnixEpoch());
  constexpr int kNodes = 6;
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  for (int i = 1; i < kNodes; ++i) {
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i), {TestAddress(Name(0))})).ok());
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
  const std::string victim = Name(2);
  Prng rng(99);
  // The insider speaks as node-5 (it holds the key) to every node, the
  // victim included: Suspect, Alive, Offline and Left at 2^64 - 1.
  std::vector<Update> updates = {SuspectOf(victim, kTop),
                                 Harness::AliveOf(victim, kTop),
                                 OfflineOf(victim, kTop), LeftOf(victim, kTop)};
  for (const Update& update : updates) {
    Packet packet;
    packet.sender = Name(5);
    packet.message = Gossip{};
    packet.updates = {update};
    for (int i = 0; i < kNodes - 1; ++i) {
      net.node(Name(i))->HandleDatagram(net.now(), TestAddress(Name(5)),
                                        SealAsInsider(packet, rng));
    }
  }
  // The victim stays ONLINE at every node, at every step, for a minute.
  bool evicted = net.RunUntil(
      [&] {
        for (int i = 0; i < kNodes; ++i) {
          if (i != 2 && net.StatusAt(Name(i), victim) != Status::kOnline) {
            return true;
          }
        }
        return false;
      },
      absl::Minutes(1));
  EXPECT_FALSE(evicted);
  for (int i = 0; i < kNodes - 1; ++i) {
    EXPECT_EQ(net.node(Name(i))->counters().updates_refused, 4u) << Name(i);
    std::optional<MemberView> seen =
        i == 2 ? net.node(victim)->members().local()
               : net.node(Name(i))->members().Find(victim);
    ASSERT_TRUE(seen.has_value());
    EXPECT_LT(seen->incarnation, 10u) << Name(i);
  }
  EXPECT_TRUE(net.AllSeeAllOnline());
}

TEST(IncarnationBoundClusterTest, AMemberPushedAJumpStillJoinsNewNodes) {
  // The cluster fuzzer's finding, in a cluster: the insider's one Suspect
  // at the jump takes node-1 to 2^44 + 1 at every node; a node that joins
  // afterwards (holding 0) refused every Alive of node-1 and never saw it.
  FakeNetwork net(absl::UnixEpoch());
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  ASSERT_TRUE(net.AddNode(TestConfig(Name(1), {TestAddress(Name(0))})).ok());
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
  Prng rng(99);
  Packet packet;
  packet.sender = Name(0);
  packet.message = Gossip{};
  packet.updates = {SuspectOf(Name(1), kMaxIncarnationJump)};
  for (int i = 0; i < 2; ++i) {
    net.node(Name(i))->HandleDatagram(net.now(), TestAddress(Name(0)),
                                      SealAsInsider(packet, rng));
  }
  const uint64_t pushed = kMaxIncarnationJump + 1;
  ASSERT_TRUE(net.RunUntil(
      [&] {
        return net.AllSeeAllOnline() &&
               net.node(Name(0))->members().Find(Name(1))->incarnation ==
                   pushed;
      },
      absl::Seconds(30)));
  ASSERT_TRUE(net.AddNode(TestConfig(Name(2), {TestAddress(Name(0))})).ok());
  EXPECT_TRUE(net.RunUntil(
      [&] {
        const std::optional<MemberView> seen =
            net.node(Name(2))->members().Find(Name(1));
        return net.AllSeeAllOnline() && seen.has_value() &&
               seen->incarnation == pushed;
      },
      absl::Minutes(1)));
  EXPECT_GE(net.node(Name(2))->counters().alives_clamped, 1u);
}

}  // namespace
}  // namespace swim
