// A node with the default probe ring probes on its slot grid, one member
// per interval, the member ProbeRing names for the slot.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/members.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/probe_ring.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

TEST(NodeProbeRingTest, ProbesTheRingsMemberForEachSlotOnTheGrid) {
  Config config = TestConfig("me");
  config.probe_ring_monitors = 4;
  config.sync_interval = absl::Hours(1);
  Harness h(config);
  std::vector<std::string> names;
  names.reserve(20);
  for (int i = 0; i < 20; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Drain();
  // The same ring, built apart from the node.
  Members members("me", TestAddress("me"), 0);
  ProbeRing ring("me", config.probe_interval, config.probe_ring_monitors);
  for (const std::string& name : names) {
    ring.Add(members, members.Add(name, TestAddress(name), Status::kOnline, 0));
  }
  // Pings go out at the node's deadlines inside each 1 ms step.
  constexpr absl::Duration kStep = absl::Milliseconds(1);
  std::vector<int64_t> slots;
  const absl::Time start = h.now();
  while (h.now() < start + absl::Seconds(40)) {
    h.Advance(kStep);
    for (const Sent& s : h.Drain()) {
      const Ping* ping = std::get_if<Ping>(&s.packet.message);
      if (ping == nullptr) continue;
      const int64_t slot = ring.FirstSlotAtOrAfter(h.now() - kStep);
      ASSERT_LE(ring.ProbeTime(slot), h.now()) << "off the grid";
      std::optional<uint32_t> expected = ring.TargetFor(members, slot);
      ASSERT_TRUE(expected.has_value());
      EXPECT_EQ(ping->target, members.NameOf(*expected)) << "slot " << slot;
      slots.push_back(slot);
      h.Deliver(ping->target, Ack{ping->seq});
    }
  }
  ASSERT_GE(slots.size(), 39u);
  for (size_t i = 1; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i], slots[i - 1] + 1);
  }
}

}  // namespace
}  // namespace swim
