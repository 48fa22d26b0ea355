// The name policy (swim/name_policy.h): a claim of a live member's name
// from another address is a conflict, kept by the holder or taken over by
// a newer incarnation (config.name_takeover); a member back at a new
// address after it went OFFLINE moves, with an event saying so; a claim of
// the local member's name is reported and, under takeover, refuted.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/config_knobs.h"
#include "swim/member_event.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

constexpr absl::string_view kOtherAddress = "10.9.9.9:7946";

Alive ClaimOf(absl::string_view name, uint64_t incarnation) {
  Alive alive = Harness::AliveOf(name, incarnation);
  alive.address = std::string(kOtherAddress);
  return alive;
}

std::vector<MemberEvent> EventsOf(Harness& h, absl::string_view member) {
  std::vector<MemberEvent> out;
  for (MemberEvent& e : h.Events()) {
    if (e.member == member) out.push_back(std::move(e));
  }
  return out;
}

Config TakeoverConfig() {
  Config config = TestConfig("me");
  config.name_takeover = true;
  return config;
}

// Whether any datagram in `sent` carries an Alive of `member` at
// `address`.
bool Gossips(const std::vector<Sent>& sent, absl::string_view member,
             absl::string_view address) {
  for (const Sent& s : sent) {
    const Alive* alive = FindUpdate<Alive>(s.packet, member);
    if (alive != nullptr && alive->address == address) return true;
  }
  return false;
}

TEST(NamePolicyTest, ALiveHolderKeepsItsNameByDefault) {
  Harness h;
  h.Meet({"a", "b"});
  h.Events();
  // Newer, equal and older incarnations alike: none displaces the holder.
  h.Deliver("a", Gossip{}, {ClaimOf("b", 5)});
  h.Deliver("a", Gossip{}, {ClaimOf("b", 0)});
  EXPECT_EQ(h.node().members().Find("b")->address, TestAddress("b"));
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  EXPECT_EQ(h.node().members().Find("b")->incarnation, 0u);
  EXPECT_EQ(h.node().counters().name_conflicts, 2u);
  EXPECT_EQ(h.node().counters().address_changes, 0u);

  std::vector<MemberEvent> events = EventsOf(h, "b");
  ASSERT_EQ(events.size(), 2u);
  const MemberEvent& e = events[0];
  EXPECT_EQ(e.kind, MemberEvent::Kind::kNameConflict);
  EXPECT_EQ(e.address, TestAddress("b"));
  EXPECT_EQ(e.claimant_address, kOtherAddress);
  EXPECT_EQ(e.claimant_incarnation, 5u);
  EXPECT_EQ(e.previous, Status::kOnline);
  EXPECT_EQ(e.current, Status::kOnline);
  EXPECT_FALSE(e.address_changed);
  EXPECT_EQ(events[1].claimant_incarnation, 0u);

  // The refused claim is not passed on.
  h.Advance(absl::Seconds(5));
  EXPECT_FALSE(Gossips(h.Drain(), "b", kOtherAddress));
}

TEST(NamePolicyTest, ASuspectHolderKeepsItsNameToo) {
  Harness h;
  h.Meet({"a", "b"});
  Suspect suspect;
  suspect.member = "b";
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  ASSERT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Events();
  h.Deliver("a", Gossip{}, {ClaimOf("b", 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  EXPECT_EQ(h.node().members().Find("b")->address, TestAddress("b"));
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
  std::vector<MemberEvent> events = EventsOf(h, "b");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, MemberEvent::Kind::kNameConflict);
  EXPECT_EQ(events[0].current, Status::kSuspect);
}

TEST(NamePolicyTest, RelayedNewsOfAnOlderLifeIsNoConflict) {
  Harness h;
  h.Meet({"a"});
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 4)});
  h.Events();
  // A member that missed b's move still syncs b's older address.
  h.Deliver("a", Sync{}, {ClaimOf("b", 2)});
  EXPECT_EQ(h.node().counters().name_conflicts, 0u);
  EXPECT_TRUE(EventsOf(h, "b").empty());
  // From the claimant itself, even an older incarnation is a conflict.
  h.Deliver("b", Gossip{}, {ClaimOf("b", 2)});
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
  EXPECT_EQ(h.node().members().Find("b")->address, TestAddress("b"));
}

TEST(NamePolicyTest, UnderTakeoverANewerIncarnationTakesTheName) {
  Harness h(TakeoverConfig());
  h.Meet({"a", "b"});
  h.Events();
  h.Deliver("a", Gossip{}, {ClaimOf("b", 0)});  // not newer: refused
  EXPECT_EQ(h.node().members().Find("b")->address, TestAddress("b"));
  h.Deliver("a", Gossip{}, {ClaimOf("b", 3)});
  std::optional<MemberView> b = h.node().members().Find("b");
  EXPECT_EQ(b->address, kOtherAddress);
  EXPECT_EQ(b->incarnation, 3u);
  EXPECT_EQ(b->status, Status::kOnline);
  EXPECT_EQ(h.node().counters().name_conflicts, 2u);
  EXPECT_EQ(h.node().counters().address_changes, 1u);

  std::vector<MemberEvent> events = EventsOf(h, "b");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, MemberEvent::Kind::kNameConflict);
  EXPECT_EQ(events[1].kind, MemberEvent::Kind::kNameConflict);
  EXPECT_EQ(events[1].claimant_incarnation, 3u);
  const MemberEvent& moved = events[2];
  EXPECT_EQ(moved.kind, MemberEvent::Kind::kChange);
  EXPECT_TRUE(moved.address_changed);
  EXPECT_EQ(moved.previous_address, TestAddress("b"));
  EXPECT_EQ(moved.address, kOtherAddress);
  EXPECT_EQ(moved.previous, Status::kOnline);
  EXPECT_EQ(moved.current, Status::kOnline);

  // The new holder's Alive is news, gossiped on.
  h.Advance(absl::Seconds(1));
  EXPECT_TRUE(Gossips(h.Drain(), "b", kOtherAddress));
}

TEST(NamePolicyTest, AMemberBackAtANewAddressAfterOfflineMoves) {
  for (const bool left : {false, true}) {
    SCOPED_TRACE(left ? "left" : "failed");
    Harness h;
    h.Meet({"a", "b"});
    if (left) {
      Left l;
      l.member = "b";
      h.Deliver("a", Gossip{}, {l});
    } else {
      Offline offline;
      offline.member = "b";
      offline.accuser = "a";
      h.Deliver("a", Gossip{}, {offline});
    }
    ASSERT_EQ(h.StatusOf("b"), Status::kOffline);
    h.Events();
    h.Deliver("a", Gossip{}, {ClaimOf("b", 1)});
    std::optional<MemberView> b = h.node().members().Find("b");
    EXPECT_EQ(b->status, Status::kOnline);
    EXPECT_EQ(b->address, kOtherAddress);
    EXPECT_EQ(h.node().counters().name_conflicts, 0u);
    EXPECT_EQ(h.node().counters().address_changes, 1u);
    std::vector<MemberEvent> events = EventsOf(h, "b");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, MemberEvent::Kind::kChange);
    EXPECT_TRUE(events[0].address_changed);
    EXPECT_EQ(events[0].previous_address, TestAddress("b"));
    EXPECT_EQ(events[0].address, kOtherAddress);
    EXPECT_EQ(events[0].previous, Status::kOffline);
    EXPECT_EQ(events[0].current, Status::kOnline);
    // Probes go to the new address.
    h.Advance(absl::Seconds(3));
    bool pinged_new = false;
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Ping>(s.packet.message)) {
        EXPECT_NE(s.to, TestAddress("b"));
        pinged_new |= s.to == kOtherAddress;
      }
    }
    EXPECT_TRUE(pinged_new);
  }
}

TEST(NamePolicyTest, ARepeatedAnnouncementAtTheSameAddressIsNoMove) {
  Harness h;
  h.Meet({"a", "b"});
  h.Events();
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 1)});
  EXPECT_EQ(h.node().counters().address_changes, 0u);
  for (const MemberEvent& e : EventsOf(h, "b")) {
    EXPECT_FALSE(e.address_changed);
    EXPECT_EQ(e.address, TestAddress("b"));
  }
}

TEST(NamePolicyTest, OurNameClaimedIsReportedAndKeptByDefault) {
  Harness h;
  h.Meet({"a"});
  h.Events();
  const uint64_t before = h.LocalIncarnation();
  h.Deliver("a", Gossip{}, {ClaimOf("me", before)});
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
  EXPECT_EQ(h.LocalIncarnation(), before);  // no incarnation race
  EXPECT_EQ(h.node().members().local().address, TestAddress("me"));
  std::vector<MemberEvent> events = EventsOf(h, "me");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, MemberEvent::Kind::kNameConflict);
  EXPECT_EQ(events[0].address, TestAddress("me"));
  EXPECT_EQ(events[0].claimant_address, kOtherAddress);
}

TEST(NamePolicyTest, OurNameClaimedUnderTakeoverIsRefuted) {
  Harness h(TakeoverConfig());
  h.Meet({"a"});
  h.Advance(absl::Seconds(2));
  h.Drain();
  h.Events();
  h.Deliver("a", Gossip{}, {ClaimOf("me", 7)});
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
  EXPECT_GT(h.LocalIncarnation(), 7u);
  EXPECT_EQ(h.node().members().local().address, TestAddress("me"));
  std::vector<MemberEvent> events = EventsOf(h, "me");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, MemberEvent::Kind::kNameConflict);
  // Our Alive, at our address and above the claim, goes out.
  h.Advance(absl::Seconds(1));
  bool refuted = false;
  for (const Sent& s : h.Drain()) {
    if (const Alive* me = FindUpdate<Alive>(s.packet, "me")) {
      EXPECT_EQ(me->address, TestAddress("me"));
      refuted |= me->incarnation > 7;
    }
  }
  EXPECT_TRUE(refuted);
  // An older claim is old news: neither reported nor refuted.
  const uint64_t now_at = h.LocalIncarnation();
  h.Deliver("a", Gossip{}, {ClaimOf("me", 1)});
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
  EXPECT_EQ(h.LocalIncarnation(), now_at);
}

TEST(NamePolicyTest, ConflictsReachFullStateExchangesToo) {
  Harness h;
  h.Meet({"a", "b"});
  // A claim that tells nothing new by incarnation and metadata would be
  // skipped unread; another address is news for the policy.
  h.Deliver("a", Sync{}, {Harness::AliveOf("a", 0), ClaimOf("b", 0)});
  EXPECT_EQ(h.node().counters().name_conflicts, 1u);
}

TEST(NamePolicyTest, TheKnobSetsThePolicy) {
  Config config = TestConfig("me");
  EXPECT_FALSE(config.name_takeover);
  ASSERT_TRUE(SetConfigKnob(config, "name_takeover", "true").ok());
  EXPECT_TRUE(config.name_takeover);
}

}  // namespace
}  // namespace swim
