// What peers can make a node hold is bounded (swim/protocol.md, "Bounded
// state"): members (Config::max_members), metadata fetches under way
// (kMaxMetadataFetches), relays (kMaxRelays), the out-of-turn probe queue
// and the gossip backlog; each refusal is counted, and Node::state_sizes()
// reports every table within StateBounds(config).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/metadata_fetch.h"
#include "swim/node.h"
#include "swim/relays.h"
#include "swim/state_sizes.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::TestConfig;

std::vector<std::string> Names(int n) {
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) names.push_back(absl::StrCat("m", i));
  return names;
}

TEST(BoundedStateTest, MaxMembersIsValidated) {
  Config config = TestConfig("me");
  EXPECT_EQ(config.max_members, 16384);
  config.max_members = 2;
  EXPECT_TRUE(config.Validate().ok());
  config.max_members = 1;
  EXPECT_FALSE(config.Validate().ok());
  config.max_members = (1 << 24) + 1;
  EXPECT_FALSE(config.Validate().ok());
}

TEST(BoundedStateTest, NewMembersBeyondMaxMembersAreRefusedAndCounted) {
  Config config = TestConfig("me");
  config.max_members = 5;
  config.offline_retention = absl::Seconds(30);
  Harness h(config);
  h.Meet(Names(10));  // a flood of members in one exchange
  EXPECT_EQ(h.node().members().size(), 5u);
  EXPECT_EQ(h.node().counters().members_refused, 6u);
  EXPECT_EQ(h.StatusOf("m3"), Status::kOnline);
  EXPECT_EQ(h.StatusOf("m4"), Status::kUnknown);
  // Known members still update: the bound is on new ones only.
  h.Deliver("m0", Gossip{}, {Harness::AliveOf("m0", 3)});
  EXPECT_EQ(h.node().members().Find("m0")->incarnation, 3u);
  // A member forgotten makes room for a new one.
  Left left;
  left.member = "m1";
  left.incarnation = 0;
  h.Deliver("m1", Gossip{}, {left});
  for (int i = 0; i < 400; ++i) {
    h.Advance(absl::Milliseconds(100));
    testing::AnswerAllBut(h, "m1");
  }
  ASSERT_EQ(h.StatusOf("m1"), Status::kUnknown);
  h.Deliver("m5", Gossip{}, {Harness::AliveOf("m5", 0)});
  EXPECT_EQ(h.StatusOf("m5"), Status::kOnline);
  EXPECT_EQ(h.node().members().size(), 5u);
}

TEST(BoundedStateTest, AddKnownMembersRespectsMaxMembersToo) {
  Config config = TestConfig("me");
  config.max_members = 3;
  Harness h(config);
  std::vector<Alive> known;
  for (const std::string& name : Names(4)) {
    known.push_back(Harness::AliveOf(name, 0));
  }
  ASSERT_TRUE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 3u);
  EXPECT_EQ(h.node().counters().members_refused, 2u);
}

TEST(BoundedStateTest, MetadataFetchesUnderWayAreBounded) {
  Harness h;
  const int n = static_cast<int>(kMaxMetadataFetches) + 20;
  const std::vector<std::string> names = Names(n);
  for (size_t i = 0; i < names.size(); i += 20) {  // a datagram's worth
    std::vector<Update> alives;
    for (size_t j = i; j < std::min(names.size(), i + 20); ++j) {
      alives.push_back(Harness::AliveOf(names[j], 0));
    }
    h.Deliver(names[i], Sync{}, alives);
  }
  ASSERT_EQ(h.node().members().size(), names.size() + 1);
  h.Drain();
  // Every member announces a map too large to ride inline.
  const Metadata big = {{"blob", std::string(2000, 'z')}};
  const uint32_t size =
      static_cast<uint32_t>(EncodeMetadata(big).value().size());
  for (const std::string& name : names) {
    Alive alive = Harness::AliveOf(name, 1);
    alive.metadata_size = size;
    alive.metadata.reset();
    h.Deliver(name, Gossip{}, {alive});
  }
  EXPECT_EQ(OfType<MetaRequest>(h.Drain()).size(), kMaxMetadataFetches);
  EXPECT_EQ(h.node().counters().fetches_refused, 20u);
}

TEST(BoundedStateTest, RelaysInFlightAreBoundedAndRefusalsCounted) {
  Harness h;
  h.Meet({"a"});
  h.Drain();
  const int extra = 7;
  for (int i = 0; i < static_cast<int>(kMaxRelays) + extra; ++i) {
    const std::string target = absl::StrCat("t", i);
    h.Deliver("a", PingReq{static_cast<uint32_t>(i), target,
                           testing::TestAddress(target)});
  }
  EXPECT_EQ(OfType<Ping>(h.Drain()).size(), kMaxRelays);
  EXPECT_EQ(h.node().state_sizes().relays, kMaxRelays);
  EXPECT_EQ(h.node().counters().relays_refused, static_cast<uint64_t>(extra));
  // Their nacks free the table.
  h.Advance(h.node().config().probe_timeout);
  EXPECT_EQ(h.node().state_sizes().relays, 0u);
}

TEST(BoundedStateTest, TheOutOfTurnQueueIsBoundedAndRefusalsCounted) {
  Config config = TestConfig("me");
  config.max_members = 4;
  Harness h(config);
  h.Meet({"a", "b"});
  h.Drain();
  // Each newer suspicion of b queues it again (no probe runs meanwhile).
  for (uint64_t i = 1; i <= 10; ++i) {
    h.Deliver("a", Gossip{}, {Suspect{"b", i, "a"}});
  }
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  EXPECT_LE(h.node().state_sizes().out_of_turn, 4u);
  EXPECT_GT(h.node().counters().out_of_turn_refused, 0u);
}

TEST(BoundedStateTest, TheGossipBacklogIsBoundedAndRefusalsCounted) {
  Config config = TestConfig("me");
  config.max_members = 4;
  config.offline_retention = absl::Seconds(1);
  config.testing.zero_retransmits = true;  // nothing drains the backlog
  Harness h(config);
  h.Meet({"a"});
  h.Drain();
  // Members learnt in a full-state exchange, then left and forgotten: each
  // comes back as new, and goes to the backlog again.
  for (int i = 0; i < 20; ++i) {
    const std::string name = absl::StrCat("m", i);
    h.Deliver("a", Sync{}, {Harness::AliveOf(name, 0)});
    ASSERT_EQ(h.StatusOf(name), Status::kOnline) << i;
    h.Deliver(name, Gossip{}, {Left{name, 0}});
    h.Advance(absl::Seconds(2));
    ASSERT_EQ(h.StatusOf(name), Status::kUnknown) << i;
    EXPECT_LE(h.node().state_sizes().gossip_backlog, 8u) << i;
  }
  EXPECT_EQ(h.node().state_sizes().gossip_backlog, 8u);
  EXPECT_EQ(h.node().counters().backlog_refused, 12u);
}

TEST(BoundedStateTest, StateSizesStayWithinTheirBounds) {
  Config config = TestConfig("me");
  config.max_members = 8;
  Harness h(config);
  h.Meet(Names(20));
  const StateSizes sizes = h.node().state_sizes();
  const StateSizes bounds = StateBounds(h.node().config());
  EXPECT_EQ(sizes.members, 8u);
  EXPECT_EQ(bounds.members, 8u);
  EXPECT_EQ(bounds.relays, kMaxRelays);
  EXPECT_EQ(bounds.fetches, kMaxMetadataFetches);
  EXPECT_EQ(bounds.gossip_backlog, 16u);
  EXPECT_LE(sizes.gossip_queue, bounds.gossip_queue);
  EXPECT_LE(sizes.gossip_backlog, bounds.gossip_backlog);
}

}  // namespace
}  // namespace swim
