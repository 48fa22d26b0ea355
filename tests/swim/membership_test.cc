// Membership: merging news of others (precedence, stale and offline news).
#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::RunWhileStatus;
using ::swim::testing::Sent;

TEST(NodeTest, GossipFollowsThePrecedenceRules) {
  Harness h;
  h.Meet({"a", "b"});
  Suspect suspect;
  suspect.member = "b";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  // alive(0) does not beat suspect(0); alive(1) does.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 0)});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  Offline offline;
  offline.member = "b";
  offline.incarnation = 1;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  EXPECT_EQ(h.node().members().Find("b")->offline_reason,
            OfflineReason::kFailed);
  suspect.incarnation = 3;  // a suspicion never revives the offline
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 2)});  // rejoined
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);

  std::vector<MemberEvent> events = h.Events();
  std::vector<std::pair<Status, Status>> b_changes;
  for (const MemberEvent& e : events) {
    if (e.member == "b") b_changes.push_back({e.previous, e.current});
  }
  EXPECT_EQ(b_changes, (std::vector<std::pair<Status, Status>>{
                           {Status::kUnknown, Status::kOnline},
                           {Status::kOnline, Status::kSuspect},
                           {Status::kSuspect, Status::kOnline},
                           {Status::kOnline, Status::kOffline},
                           {Status::kOffline, Status::kOnline}}));
}

TEST(NodeTest, StaleAccusationOfAnotherIsAnsweredWithItsRefutation) {
  Harness h;
  h.Meet({"a", "b"});
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 5)});
  for (int i = 0; i < 20; ++i) {  // let that gossip run its course
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("a", ping);
  }
  h.Drain();
  Suspect suspect;
  suspect.member = "b";
  suspect.incarnation = 4;  // b has refuted this already
  suspect.accuser = "c";
  Ping ping;
  ping.seq = 100;
  ping.target = "me";
  h.Deliver("a", ping, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "b");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 5u);
}

TEST(NodeTest, OfflineNewsInAFullStateExchangeOnlyRaisesASuspicion) {
  Harness h;
  h.Meet({"a", "b"});
  Offline offline;
  offline.member = "b";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Sync{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
}

TEST(NodeTest, OfflineNewsInAFullStateExchangeIsCheckedAtOnce) {
  // The node missed the declaration (it was cut off, say): it probes the
  // member next and, finding it dead, agrees after the minimum timeout.
  Harness h;
  h.Meet({"a", "b", "c", "d", "x"});
  h.Drain();
  Offline offline;
  offline.member = "x";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Sync{}, {offline});
  ASSERT_EQ(h.StatusOf("x"), Status::kSuspect);
  const absl::Time heard = h.now();
  h.AdvanceTo(heard + h.node().config().probe_interval);
  std::vector<Sent> pings = OfType<Ping>(h.Drain());
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(std::get<Ping>(pings[0].packet.message).target, "x");
  RunWhileStatus(h, "x", Status::kSuspect, "x", absl::Seconds(10));
  EXPECT_EQ(h.StatusOf("x"), Status::kOffline);
  // min = 2 intervals; no more than the minimum passed.
  EXPECT_LE(h.now() - heard, absl::Milliseconds(2100));
}

TEST(NodeTest, GossipAboutUnknownMembersWithoutAddressIsIgnored) {
  Harness h;
  h.Meet({"a"});
  Suspect suspect;
  suspect.member = "ghost";
  suspect.incarnation = 1;
  suspect.accuser = "a";
  Offline offline;
  offline.member = "ghost2";
  offline.incarnation = 1;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect, offline});
  EXPECT_EQ(h.node().members().size(), 2u);
}

}  // namespace
}  // namespace swim
