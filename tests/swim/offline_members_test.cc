// Offline members: pinged rarely with the news, then forgotten.
#include <variant>
#include <vector>

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
using ::swim::testing::kStart;
using ::swim::testing::Sent;
using ::swim::testing::TestConfig;

TEST(NodeTest, OfflineMembersArePingedRarelyThenForgotten) {
  Config config = TestConfig("me");
  config.offline_retention = absl::Minutes(2);
  Harness h(config);
  h.Meet({"a", "b"});
  Offline offline;
  offline.member = "b";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  ASSERT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Drain();
  h.Events();
  int offline_pings = 0;
  while (h.now() < kStart + absl::Seconds(100)) {
    h.Advance(absl::Milliseconds(250));
    for (const Sent& s : h.Drain()) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        if (ping->target == "b") {
          ++offline_pings;
          // It leads with the news, so a live "b" would refute.
          EXPECT_NE(FindUpdate<Offline>(s.packet, "b"), nullptr);
        } else {
          Ack ack;
          ack.seq = ping->seq;
          h.Deliver(ping->target, ack);
        }
      }
    }
  }
  EXPECT_GE(offline_pings, 15);  // every 5 s
  EXPECT_LE(offline_pings, 21);
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Advance(absl::Seconds(30));
  EXPECT_EQ(h.StatusOf("b"), Status::kUnknown);
  std::vector<MemberEvent> events = h.Events();
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().forgotten);
  EXPECT_EQ(events.back().member, "b");
  // Ready to be met again.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
}

}  // namespace
}  // namespace swim
