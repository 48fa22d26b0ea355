// Round trips per member (swim/round_trips.h) through swim::Node: probes
// timed by Karn's rule, coordinates on version 2 pings and acks, hostile
// coordinates counted and kept away from the local one.
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/vivaldi.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestConfig;

// Advances until the node's next probe and returns its ping.
Ping NextProbe(Harness& h) {
  for (int i = 0; i < 1000; ++i) {
    h.Advance(absl::Milliseconds(10));
    std::vector<Sent> pings = OfType<Ping>(h.Drain());
    if (!pings.empty()) return std::get<Ping>(pings.front().packet.message);
  }
  ADD_FAILURE() << "no probe";
  return Ping{};
}

Config CoordinatesConfig() {
  Config config = TestConfig("me");
  config.protocol_version_max = 2;
  config.coordinates = true;
  return config;
}

Coordinate Somewhere() {
  Coordinate c;
  c.vec[0] = 0.02;
  c.height = 0.001;
  c.error = 0.4;
  return c;
}

TEST(RoundTripsTest, AnAckedProbeIsTimed) {
  Harness h;
  h.Meet({"a", "b", "c"});
  h.Drain();
  const Ping first = NextProbe(h);
  EXPECT_FALSE(first.coordinate.has_value());  // coordinates are off
  EXPECT_FALSE(h.node().Rtt(first.target).has_value());
  h.Advance(absl::Milliseconds(30));
  h.Deliver(first.target, Ack{first.seq});
  std::optional<RttEstimate> rtt = h.node().Rtt(first.target);
  ASSERT_TRUE(rtt.has_value());
  // Whole 10 ms steps of the harness, then 30 ms: the ping left at a tick.
  EXPECT_EQ(rtt->srtt, absl::Milliseconds(30));
  EXPECT_EQ(rtt->rttvar, absl::Milliseconds(15));
  EXPECT_EQ(rtt->samples, 1u);
  EXPECT_EQ(h.node().counters().rtt_samples, 1u);
  // A second ack of the same probe is not a second sample.
  h.Deliver(first.target, Ack{first.seq});
  EXPECT_EQ(h.node().Rtt(first.target)->samples, 1u);
  EXPECT_FALSE(h.node().Rtt("nobody").has_value());
  EXPECT_FALSE(h.node().EstimatedRtt(first.target).has_value());
  EXPECT_FALSE(h.node().coordinate().has_value());
}

TEST(RoundTripsTest, AnAckAfterTheSecondPingIsNotTimed) {
  Harness h;
  h.Meet({"a", "b", "c"});
  h.Drain();
  const Ping ping = NextProbe(h);
  // The timeout sends ping requests and a second direct ping: whose ack
  // comes back is ambiguous (Karn's rule).
  h.Advance(h.node().config().probe_timeout + absl::Milliseconds(10));
  ASSERT_FALSE(OfType<PingReq>(h.Drain()).empty());
  h.Deliver(ping.target, Ack{ping.seq});
  EXPECT_FALSE(h.node().Rtt(ping.target).has_value());
  EXPECT_EQ(h.node().counters().rtt_samples, 0u);
  EXPECT_EQ(h.node().members().Find(ping.target)->status, Status::kOnline);
}

TEST(RoundTripsTest, CoordinatesTravelOnPingsAndAcksAndMoveTheLocalOne) {
  Harness h(CoordinatesConfig());
  h.Meet({"a", "b", "c"});
  h.Drain();
  ASSERT_TRUE(h.node().coordinate().has_value());
  const Coordinate origin = *h.node().coordinate();
  EXPECT_EQ(origin, Coordinate());
  // A version 2 ping from "a" with its coordinate: the ack (version 2, the
  // node has now heard a's range) carries the node's.
  Ping ping{77, "me"};
  ping.coordinate = Somewhere();
  h.Deliver("a", ping);
  std::vector<Sent> acks = OfType<Ack>(h.Drain());
  ASSERT_EQ(acks.size(), 1u);
  ASSERT_TRUE(std::get<Ack>(acks[0].packet.message).coordinate.has_value());
  EXPECT_EQ(*std::get<Ack>(acks[0].packet.message).coordinate, origin);
  // a's coordinate is known, so its distance can be estimated; no round
  // trip to a was measured, so the local coordinate has not moved.
  ASSERT_TRUE(h.node().EstimatedRtt("a").has_value());
  EXPECT_EQ(*h.node().coordinate(), origin);

  const Ping probe = NextProbe(h);
  h.Advance(absl::Milliseconds(40));
  Ack ack{probe.seq};
  ack.coordinate = Somewhere();
  ack.coordinate->vec[1] = 0.01;
  h.Deliver(probe.target, ack);
  ASSERT_TRUE(h.node().Rtt(probe.target).has_value());
  const Coordinate moved = *h.node().coordinate();
  EXPECT_NE(moved, origin);
  EXPECT_TRUE(IsUsableCoordinate(moved));
  EXPECT_LT(moved.error, origin.error);  // learnt something
  const std::optional<absl::Duration> estimate =
      h.node().EstimatedRtt(probe.target);
  ASSERT_TRUE(estimate.has_value());
  EXPECT_GT(*estimate, absl::ZeroDuration());
  EXPECT_EQ(h.node().EstimatedRtt("me"), absl::ZeroDuration());
  EXPECT_EQ(h.node().counters().coordinates_rejected, 0u);
}

TEST(RoundTripsTest, HostileCoordinatesAreCountedAndNeverUsed) {
  Harness h(CoordinatesConfig());
  h.Meet({"a", "b", "c"});
  h.Drain();
  const Coordinate origin = *h.node().coordinate();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  uint64_t rejected = 0;
  for (double poison : {nan, inf, -inf, 1e300}) {
    SCOPED_TRACE(poison);
    const Ping probe = NextProbe(h);
    h.Advance(absl::Milliseconds(20));
    Ack ack{probe.seq};
    ack.coordinate = Somewhere();
    ack.coordinate->vec[2] = poison;
    h.Deliver(probe.target, ack);
    // The ack still counts (the member is alive, the round trip timed);
    // only its coordinate is refused.
    EXPECT_EQ(h.node().counters().coordinates_rejected, ++rejected);
    EXPECT_TRUE(h.node().Rtt(probe.target).has_value());
    EXPECT_EQ(*h.node().coordinate(), origin);
    EXPECT_FALSE(h.node().EstimatedRtt(probe.target).has_value());
    Ping ping{900, "me"};
    ping.coordinate = Somewhere();
    ping.coordinate->error = poison;
    h.Deliver("b", ping);
    EXPECT_EQ(h.node().counters().coordinates_rejected, ++rejected);
    EXPECT_EQ(OfType<Ack>(h.Drain()).size(), 1u);  // answered all the same
  }
  EXPECT_EQ(*h.node().coordinate(), origin);
  EXPECT_EQ(h.node().counters().coordinate_resets, 0u);
}

TEST(RoundTripsTest, Version1CarriesNoCoordinate) {
  // A node limited to version 1 sends the exact bytes of before: its
  // pings have no coordinate even with coordinates on.
  Config config = CoordinatesConfig();
  config.protocol_version_max = 1;
  Harness h(config);
  h.Meet({"a", "b", "c"});
  h.Drain();
  const Ping probe = NextProbe(h);
  EXPECT_FALSE(probe.coordinate.has_value());
}

}  // namespace
}  // namespace swim
