// The cluster fuzzer's checks can fail: each is fed a state that violates
// it (and one that does not), so that a fuzzer run that finds nothing
// means something.
#include "tests/swim/cluster_fuzz_checks.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/envelope.h"
#include "swim/incarnation_bound.h"
#include "swim/keyring.h"
#include "swim/members.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"

namespace swim::testing {
namespace {

const absl::Time kNow = absl::UnixEpoch() + absl::Hours(1);

TEST(ClusterFuzzChecksTest, DeadlineInThePastFails) {
  EXPECT_TRUE(
      CheckDeadlineAfterTick("n0", kNow + absl::Milliseconds(1), kNow).ok());
  EXPECT_FALSE(CheckDeadlineAfterTick("n0", kNow, kNow).ok());
  EXPECT_FALSE(
      CheckDeadlineAfterTick("n0", kNow - absl::Seconds(1), kNow).ok());
}

TEST(ClusterFuzzChecksTest, DatagramsThatDoNotOpenOrFitFail) {
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("test", {"0123456789abcdef0123456789abcdef"});
  ASSERT_TRUE(keyring.ok());
  absl::StatusOr<Keyring> other =
      Keyring::Create("test", {"another-key-another-key-another!"});
  ASSERT_TRUE(other.ok());
  Prng nonces(1);
  // An empty Gossip packet: sender "a", message type Gossip, no updates.
  absl::StatusOr<std::string> body =
      EncodePacket(Packet{"a", Gossip{}, {}, {}});
  ASSERT_TRUE(body.ok());
  std::string datagram;
  ASSERT_TRUE(
      SealDatagram(*keyring, EnvelopeOptions(), *body, nonces, &datagram).ok());
  EXPECT_TRUE(CheckDatagram(*keyring, datagram, 1400).ok());
  EXPECT_FALSE(CheckDatagram(*keyring, datagram, datagram.size() - 1).ok());
  EXPECT_FALSE(CheckDatagram(*other, datagram, 1400).ok());  // wrong key
  std::string garbage;
  ASSERT_TRUE(
      SealDatagram(*keyring, EnvelopeOptions(), "\xff\xff", nonces, &garbage)
          .ok());
  EXPECT_FALSE(CheckDatagram(*keyring, garbage, 1400).ok());  // no packet
}

TEST(ClusterFuzzChecksTest, EveryTableOverItsBoundFails) {
  Config config = TestConfig("n0");
  config.max_members = 8;
  const StateSizes bounds = StateBounds(config);
  EXPECT_EQ(bounds.members, 8u);
  EXPECT_EQ(bounds.gossip_backlog, 16u);
  EXPECT_TRUE(CheckStateBounds("n0", bounds, bounds).ok());
  for (size_t StateSizes::*table :
       {&StateSizes::members, &StateSizes::suspicions, &StateSizes::out_of_turn,
        &StateSizes::relays, &StateSizes::fetches, &StateSizes::offline,
        &StateSizes::gossip_queue, &StateSizes::gossip_backlog,
        &StateSizes::state_fetches, &StateSizes::state_merges}) {
    StateSizes sizes = bounds;
    ++(sizes.*table);
    EXPECT_FALSE(CheckStateBounds("n0", sizes, bounds).ok());
  }
}

TEST(ClusterFuzzChecksTest, MembersThatNeverMetFailAllSeeAllOnline) {
  FakeNetwork net(kNow);
  ASSERT_TRUE(net.AddNode(TestConfig("a")).ok());
  ASSERT_TRUE(net.AddNode(TestConfig("b")).ok());  // no seed: never meets a
  net.RunFor(absl::Seconds(5));
  const absl::Status apart =
      CheckAllSeeAllOnline({net.node("a"), net.node("b")});
  EXPECT_FALSE(apart.ok());
  EXPECT_NE(apart.message().find("unknown"), std::string::npos) << apart;
  ASSERT_TRUE(net.AddNode(TestConfig("c", {TestAddress("a")})).ok());
  net.RunFor(absl::Seconds(10));
  EXPECT_TRUE(CheckAllSeeAllOnline({net.node("a"), net.node("c")}).ok());
  // c cut off: a holds it SUSPECT, then OFFLINE, never ONLINE.
  net.Partition({"c"});
  ASSERT_TRUE(
      net.RunUntil([&] { return net.StatusAt("a", "c") != Status::kOnline; },
                   absl::Minutes(1)));
  const absl::Status cut = CheckAllSeeAllOnline({net.node("a"), net.node("c")});
  EXPECT_FALSE(cut.ok());
}

TEST(ClusterFuzzChecksTest, IncarnationsPastTheCeilingFail) {
  FakeNetwork net(kNow);
  ASSERT_TRUE(net.AddNode(TestConfig("a")).ok());
  EXPECT_TRUE(CheckIncarnations(*net.node("a")).ok());
  MemberView member;
  member.name = "b";
  member.incarnation = kMaxAliveIncarnation;
  member.metadata_version = kMaxAliveIncarnation + 1;
  EXPECT_TRUE(CheckIncarnation("a", member).ok());
  member.metadata_version = 2;
  member.incarnation = kMaxAliveIncarnation + 1;  // 2^64 - 1
  EXPECT_FALSE(CheckIncarnation("a", member).ok());
  member.incarnation = 0;
  EXPECT_FALSE(CheckIncarnation("a", member).ok());  // version 2 > 0 + 1
}

}  // namespace
}  // namespace swim::testing
