// What peers can make a node hold is bounded: members (Config::max_members)
// and metadata fetches under way (kMaxMetadataFetches).
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

}  // namespace
}  // namespace swim
