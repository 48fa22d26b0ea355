// The local member: refutation, its incarnation and SetMetadata.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::MeetThreeAndRunThreeSeconds;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestConfig;
using ::swim::testing::WithoutPeriodicSync;

TEST(NodeTest, StaleSuspicionOfItselfIsIgnored) {
  // Seed defect: stale gossip made the local member mark itself suspect.
  Harness h;
  ASSERT_TRUE(h.node().SetMetadata(h.now(), {{"k", "v"}}).ok());
  ASSERT_EQ(h.LocalIncarnation(), 1u);
  h.Events();
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", 0), suspect});
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
  EXPECT_EQ(h.node().counters().refutations, 0u);
  Offline offline;
  offline.member = "me";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
}

TEST(NodeTest, RefutationRaisesTheIncarnationPastTheAccusation) {
  // Seed defect: a refutation did not raise the clock past the suspicion's.
  Harness h;
  h.Meet({"a"});
  h.Drain();
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 5;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.LocalIncarnation(), 6u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
  EXPECT_EQ(h.node().counters().refutations, 1u);
  EXPECT_EQ(h.node().counters().health_score, 1);
  // The next packet carries the refutation.
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("a", ping);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "me");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 6u);

  Offline offline;
  offline.member = "me";
  offline.incarnation = 6;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.LocalIncarnation(), 7u);
  // A leave from a previous life (same name) is refuted too.
  Left left;
  left.member = "me";
  left.incarnation = 9;
  h.Deliver("a", Gossip{}, {left});
  EXPECT_EQ(h.LocalIncarnation(), 10u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
}

TEST(NodeTest, RefutationCanBeSwitchedOffForTests) {
  Config config = TestConfig("me");
  config.testing.disable_refutation = true;
  Harness h(config);
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", 0), suspect});
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().counters().refutations, 0u);
}

TEST(NodeTest, StaleAccusationOfItselfReSpreadsItsAliveWithoutANewLife) {
  Harness h;
  h.Meet({"a"});
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 3;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  ASSERT_EQ(h.LocalIncarnation(), 4u);
  // Drain the refutation's retransmissions.
  for (int i = 0; i < 20; ++i) {
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("a", ping);
  }
  h.Drain();
  // Someone who missed the refutation probes us with the old suspicion
  // (buddy system): the ack carries our current Alive, same incarnation.
  Ping ping;
  ping.seq = 99;
  ping.target = "me";
  h.Deliver("a", ping, {suspect});
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "me");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 4u);
  EXPECT_EQ(h.LocalIncarnation(), 4u);
  EXPECT_EQ(h.node().counters().refutations, 1u);
}

TEST(NodeTest, DeclaredOfflineItRefutesThenExchangesStateAtOnce) {
  // While the cluster held it OFFLINE nobody gossiped to it: news of that
  // time (refutations, say) must come some other way.
  Harness h(WithoutPeriodicSync());
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  Suspect suspect;  // a mere suspicion is only refuted
  suspect.member = "me";
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.node().counters().digests_sent, digests);
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  h.Drain();
  Offline offline;
  offline.member = "me";
  offline.incarnation = 1;
  offline.accuser = "b";
  h.Deliver("b", Gossip{}, {offline});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.LocalIncarnation(), 2u);
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_EQ(OfType<SyncDigest>(h.Drain()).size(), 1u);
  // An old declaration, already refuted, starts nothing.
  offline.incarnation = 0;
  h.Deliver("c", Gossip{}, {offline});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
}

TEST(NodeTest, ANodeThatNeverRefutesNeverCatchesUpOnEachDeclaration) {
  // Every copy of the declaration stays current for it: exchanging state
  // at each would flood the cluster (the refutation-off canary did).
  Config config = WithoutPeriodicSync();
  config.testing.disable_refutation = true;
  Harness h(config);
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  Offline offline;
  offline.member = "me";
  offline.accuser = "b";
  for (int i = 0; i < 5; ++i) {
    h.Deliver("b", Gossip{}, {offline});
    h.Advance(absl::Milliseconds(10));
  }
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().counters().digests_sent, digests);
}

TEST(NodeTest, SetMetadataRejectsMapsOverTheLimits) {
  Harness h;
  absl::Status s = h.node().SetMetadata(
      h.now(), {{"blob", std::string(size_t{200} * 1024, 'x')}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "max_metadata_bytes")) << s;
  s = h.node().SetMetadata(h.now(), {{std::string(256, 'k'), "v"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  ASSERT_TRUE(
      h.node()
          .SetMetadata(h.now(), {{"blob", std::string(size_t{64} * 1024, 'x')}})
          .ok());
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().metadata->at("blob").size(), 64u * 1024);
}

}  // namespace
}  // namespace swim
