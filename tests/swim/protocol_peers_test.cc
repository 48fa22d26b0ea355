// The protocol-version table (swim/protocol_peers.h) on its own: ranges
// learned by gossip stay right for every address while the table grows
// (rehashing) and after it starts over at max_members, whatever address
// was looked up last (the table remembers its last lookup).
#include "swim/protocol_peers.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/protocol_version.h"
#include "tests/testing/fake_network.h"

namespace swim {
namespace {

std::string AddressOf(int i) { return absl::StrCat("10.0.0.", i, ":7946"); }

Alive AliveAt(int i, ProtocolRange range) {
  Alive alive;
  alive.member = absl::StrCat("m", i);
  alive.address = AddressOf(i);
  alive.protocol = range;
  return alive;
}

constexpr ProtocolRange kBoth{1, 2};
constexpr ProtocolRange kOnlyTwo{2, 2};

TEST(ProtocolPeersTest, RangesStayRightWhileTheTableGrows) {
  NodeContext ctx(::swim::testing::TestConfig("me", {}));
  ProtocolPeers peers(ctx);
  peers.OnKnown(AliveAt(0, kOnlyTwo));
  EXPECT_EQ(peers.RangeOf(AddressOf(0)), kOnlyTwo);  // remembered last
  for (int i = 1; i < 200; ++i) peers.OnKnown(AliveAt(i, kBoth));
  EXPECT_EQ(peers.RangeOf(AddressOf(0)), kOnlyTwo);
  EXPECT_EQ(peers.RangeOf(AddressOf(199)), kBoth);
  EXPECT_EQ(peers.RangeOf(AddressOf(0)), kOnlyTwo);
  EXPECT_EQ(peers.RangeOf(AddressOf(200)), ProtocolRange{});
}

TEST(ProtocolPeersTest, ATableThatStartsOverForgetsItsLastLookup) {
  Config config = ::swim::testing::TestConfig("me", {});
  config.max_members = 4;
  NodeContext ctx(config);
  ProtocolPeers peers(ctx);
  for (int i = 0; i < 4; ++i) peers.OnKnown(AliveAt(i, kBoth));
  EXPECT_EQ(peers.RangeOf(AddressOf(3)), kBoth);
  peers.OnKnown(AliveAt(4, kOnlyTwo));  // full: starts over
  EXPECT_EQ(ctx.counters.versions.table_resets, 1u);
  EXPECT_EQ(peers.RangeOf(AddressOf(3)), ProtocolRange{});
  // Full again, the first address stored (4) looked up last; the next
  // start-over stores 8 in its place, so a lookup remembered across it
  // would answer for 8 with 4's range.
  for (int i = 5; i < 8; ++i) peers.OnKnown(AliveAt(i, kBoth));
  EXPECT_EQ(peers.RangeOf(AddressOf(4)), kOnlyTwo);
  peers.OnKnown(AliveAt(8, kBoth));
  EXPECT_EQ(ctx.counters.versions.table_resets, 2u);
  EXPECT_EQ(peers.RangeOf(AddressOf(8)), kBoth);
  EXPECT_EQ(peers.RangeOf(AddressOf(4)), ProtocolRange{});
}

}  // namespace
}  // namespace swim
