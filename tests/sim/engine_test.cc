// The simulator's building blocks: the agenda, the network model, the
// scenario format and node faults.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/scenario.h"
#include "sim/sim_time.h"
#include "sim/simulator.h"
#include "sim/swarm.h"

namespace swim::sim {
namespace {

TEST(EventQueueTest, OrdersByTimeThenBySchedulingOrder) {
  EventQueue q;
  q.Push(Seconds(2), EventKind::kTick, 1, 0);
  q.Push(Seconds(1), EventKind::kTick, 2, 0);
  q.Push(Seconds(1), EventKind::kTick, 3, 0);
  q.Push(Seconds(1), EventKind::kTick, 4, 0);
  std::vector<uint32_t> order;
  while (!q.empty()) order.push_back(q.Pop().node);
  EXPECT_EQ(order, (std::vector<uint32_t>{2, 3, 4, 1}));
}

TEST(NetworkModelTest, LossRateIsRoughlyRightAndReproducible) {
  NetworkParams p;
  p.loss_ppm = 100000;  // 10%
  NetworkModel a(2, 7, p);
  NetworkModel b(2, 7, p);
  int lost = 0;
  for (int i = 0; i < 20000; ++i) {
    const Fate fa = a.Decide(0, 0, 1);
    const Fate fb = b.Decide(0, 0, 1);
    EXPECT_EQ(fa.drop, fb.drop);
    EXPECT_EQ(fa.arrival[0], fb.arrival[0]);
    if (fa.drop == DropCause::kLoss) ++lost;
  }
  EXPECT_GT(lost, 1700);
  EXPECT_LT(lost, 2300);
}

TEST(NetworkModelTest, ChangingTheLossRateDoesNotShiftLatencies) {
  NetworkModel calm(2, 9, NetworkParams());
  NetworkParams lossy_params;
  lossy_params.loss_ppm = 500000;
  NetworkModel lossy(2, 9, lossy_params);
  for (int i = 0; i < 1000; ++i) {
    const Fate c = calm.Decide(0, 0, 1);
    const Fate l = lossy.Decide(0, 0, 1);
    if (l.drop == DropCause::kNone) {
      EXPECT_EQ(c.arrival[0], l.arrival[0]);
    }
  }
}

TEST(NetworkModelTest, LatencyIsMinimumPlusJitter) {
  NetworkParams p;
  p.latency_min = Milliseconds(2);
  p.latency_jitter = Milliseconds(3);
  NetworkModel net(2, 1, p);
  for (int i = 0; i < 1000; ++i) {
    const Fate f = net.Decide(Seconds(1), 0, 1);
    ASSERT_EQ(f.copies, 1);
    EXPECT_GE(f.arrival[0], Seconds(1) + Milliseconds(2));
    EXPECT_LT(f.arrival[0], Seconds(1) + Milliseconds(5));
  }
}

TEST(NetworkModelTest, PartitionsCutsAndClogs) {
  NetworkModel net(4, 1, NetworkParams());
  net.Partition({{0, 1}});
  EXPECT_EQ(net.Decide(0, 0, 2).drop, DropCause::kPartition);
  EXPECT_EQ(net.Decide(0, 0, 1).drop, DropCause::kNone);
  EXPECT_EQ(net.Decide(0, 2, 3).drop, DropCause::kNone);
  net.Heal();
  net.Cut(0, 1);
  EXPECT_EQ(net.Decide(0, 0, 1).drop, DropCause::kCut);
  EXPECT_EQ(net.Decide(0, 1, 0).drop, DropCause::kNone);
  net.Heal();
  net.Clog(2, 3, Seconds(5));
  const Fate held = net.Decide(Seconds(1), 2, 3);
  EXPECT_EQ(held.drop, DropCause::kNone);
  EXPECT_GE(held.arrival[0], Seconds(5));
  EXPECT_LT(net.Decide(Seconds(1), 3, 2).arrival[0], Seconds(2));
  net.SetInboundCut(1, true);
  EXPECT_EQ(net.Decide(0, 0, 1).drop, DropCause::kCut);
  EXPECT_EQ(net.Decide(0, 1, 0).drop, DropCause::kNone);
}

TEST(NetworkModelTest, DuplicatesWhenAsked) {
  NetworkParams p;
  p.duplicate_ppm = 1000000;
  NetworkModel net(2, 1, p);
  EXPECT_EQ(net.Decide(0, 0, 1).copies, 2);
}

TEST(ScenarioTest, ParsesSetsPercentagesAndUndoActions) {
  absl::StatusOr<Scenario> sc = ParseScenario(R"(
    name t
    nodes 10
    duration 1m
    loss 2.5%
    formed
    at 10s partition {0%..50%} {50%..100%} for 5s
    at 20s crash {1,3..4}
    every 10s from 30s until 50s cut-inbound 7 for 2s
    at 40s liveness
  )");
  ASSERT_TRUE(sc.ok()) << sc.status();
  EXPECT_EQ(sc->nodes, 10);
  EXPECT_EQ(sc->network.loss_ppm, 25000u);
  EXPECT_TRUE(sc->formed);
  EXPECT_EQ(sc->liveness_at(), Seconds(40));
  ASSERT_EQ(sc->actions.size(), 8u);
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kPartition);
  EXPECT_EQ(sc->actions[1].kind, ActionKind::kHeal);
  EXPECT_EQ(sc->actions[1].at, Seconds(15));
  absl::StatusOr<std::vector<uint32_t>> half =
      sc->actions[0].sets[1].Resolve(10);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(*half, (std::vector<uint32_t>{5, 6, 7, 8, 9}));
  absl::StatusOr<std::vector<uint32_t>> crashed =
      sc->actions[2].sets[0].Resolve(10);
  ASSERT_TRUE(crashed.ok());
  EXPECT_EQ(*crashed, (std::vector<uint32_t>{1, 3, 4}));
  EXPECT_FALSE(sc->actions[2].sets[0].Resolve(4).ok());
}

TEST(ScenarioTest, RejectsMistakesWithTheLineNumber) {
  for (const char* bad : {"nodes x", "at 10s explode 3", "at 10s crash {1..}",
                          "loss 120%", "at 10s pause 3", "config nope 1",
                          "at soon heal", "at 10s clog 1 -> 2", "formed yes"}) {
    absl::StatusOr<Scenario> sc = ParseScenario(absl::StrCat("\n", bad));
    EXPECT_FALSE(sc.ok()) << bad;
    if (!sc.ok()) {
      EXPECT_NE(sc.status().message().find("line 2"), std::string::npos);
    }
  }
}

TEST(ScenarioTest, SwarmPlansParseAndDependOnlyOnTheSeed) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const std::string text = SwarmScenarioText(seed, 40);
    EXPECT_EQ(text, SwarmScenarioText(seed, 40));
    absl::StatusOr<Scenario> sc = ParseScenario(text);
    ASSERT_TRUE(sc.ok()) << sc.status() << "\n" << text;
    EXPECT_LE(sc->nodes, 40);
    EXPECT_NE(sc->liveness_at(), kNever);
  }
}

SimOptions Small(int nodes) {
  SimOptions o;
  o.nodes = nodes;
  o.seed = 3;
  return o;
}

TEST(SimulatorTest, ClusterFormsAndDetectsACrash) {
  absl::StatusOr<std::unique_ptr<Simulator>> sim = Simulator::Create(Small(10));
  ASSERT_TRUE(sim.ok()) << sim.status();
  Simulator& s = **sim;
  s.RunUntil(Seconds(20));
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_NE(s.node(i), nullptr);
    EXPECT_EQ(s.node(i)->members().Count(Status::kOnline), 10u) << i;
  }
  s.Crash(4);
  EXPECT_EQ(s.node(4), nullptr);
  s.RunUntil(Seconds(80));
  for (uint32_t i = 0; i < 10; ++i) {
    if (i == 4) continue;
    EXPECT_EQ(s.node(i)->members().Find("n4")->status, Status::kOffline) << i;
  }
  ASSERT_TRUE(s.Restart(4).ok());
  s.RunUntil(Seconds(120));
  for (uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(s.node(i)->members().Count(Status::kOnline), 10u) << i;
  }
}

TEST(SimulatorTest, FormedClusterStartsWithFullViewsAndNoExchange) {
  SimOptions options = Small(20);
  options.formed = true;
  options.start_spread = Milliseconds(500);
  absl::StatusOr<std::unique_ptr<Simulator>> sim = Simulator::Create(options);
  ASSERT_TRUE(sim.ok()) << sim.status();
  Simulator& s = **sim;
  s.RunUntil(Milliseconds(500));
  for (uint32_t i = 0; i < 20; ++i) {
    ASSERT_NE(s.node(i), nullptr);
    EXPECT_EQ(s.node(i)->members().Count(Status::kOnline), 20u) << i;
  }
  s.Crash(4);
  s.RunUntil(Seconds(30));
  const Counters total = s.TotalCounters();
  // Nobody joined (a join is a full-state exchange) and the crash was
  // found as in any cluster.
  EXPECT_EQ(total.datagrams_out[MessageTypeIndex<Sync>()], 0u);
  for (uint32_t i = 0; i < 20; ++i) {
    if (i == 4) continue;
    EXPECT_EQ(s.node(i)->members().Find("n4")->status, Status::kOffline) << i;
  }
  // A restarted node joins as usual.
  ASSERT_TRUE(s.Restart(4).ok());
  s.RunUntil(Seconds(40));
  EXPECT_EQ(s.node(4)->members().Count(Status::kOnline), 20u);
}

TEST(SimulatorTest, PausedNodeQueuesOrDropsItsInput) {
  for (bool drop : {false, true}) {
    absl::StatusOr<std::unique_ptr<Simulator>> sim =
        Simulator::Create(Small(5));
    ASSERT_TRUE(sim.ok());
    Simulator& s = **sim;
    s.RunUntil(Seconds(10));
    const uint64_t paused_drops_before =
        s.stats().dropped[static_cast<size_t>(DropCause::kNodePaused)];
    s.Pause(2, Seconds(3), drop);
    EXPECT_TRUE(s.IsPaused(2));
    s.RunUntil(Seconds(13) + 1);
    EXPECT_FALSE(s.IsPaused(2));
    const uint64_t paused_drops =
        s.stats().dropped[static_cast<size_t>(DropCause::kNodePaused)] -
        paused_drops_before;
    if (drop) {
      EXPECT_GT(paused_drops, 0u);
    } else {
      EXPECT_EQ(paused_drops, 0u);
    }
  }
}

TEST(SimulatorTest, DriftScalesTheLocalClockContinuously) {
  absl::StatusOr<std::unique_ptr<Simulator>> sim = Simulator::Create(Small(2));
  ASSERT_TRUE(sim.ok());
  Simulator& s = **sim;
  s.RunUntil(Seconds(10));
  EXPECT_EQ(s.LocalTime(1, Seconds(10)), Seconds(10));
  s.SetDrift(1, 100000);  // +10%
  EXPECT_EQ(s.LocalTime(1, Seconds(10)), Seconds(10));
  EXPECT_EQ(s.LocalTime(1, Seconds(20)), Seconds(21));
  s.RunUntil(Seconds(20));
  s.SetDrift(1, 0);
  EXPECT_EQ(s.LocalTime(1, Seconds(30)), Seconds(31));
}

}  // namespace
}  // namespace swim::sim
