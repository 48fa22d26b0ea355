// Tests of the restart wave (sim/restart_wave.h): the statement parses to
// what it says, mistakes name their line, and the expansion crashes every
// node of the set once, evenly spaced, in a seeded random order, and
// restarts each within its down time.
#include "sim/restart_wave.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "sim/scenario.h"

namespace swim::sim {
namespace {

constexpr char kWave[] =
    "nodes 10\nduration 1m\nat 30s restart-wave {0..9} over 10s down 2s..4s\n";

std::vector<uint32_t> CrashOrder(const std::vector<Action>& actions) {
  std::vector<uint32_t> order;
  for (const Action& a : actions) {
    if (a.kind == ActionKind::kCrash) {
      order.push_back(a.sets[0].ranges[0].first);
    }
  }
  return order;
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  if (sc.ok()) return "parsed";
  return std::string(sc.status().message());
}

TEST(RestartWaveTest, Parses) {
  absl::StatusOr<Scenario> sc = ParseScenario(kWave);
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->actions.size(), 1u);
  const Action& a = sc->actions[0];
  EXPECT_EQ(a.kind, ActionKind::kRestartWave);
  EXPECT_EQ(a.at, Seconds(30));
  EXPECT_EQ(a.value, Seconds(10));
  EXPECT_EQ(a.value2, Seconds(2));
  EXPECT_EQ(a.duration, Seconds(4));
}

TEST(RestartWaveTest, MistakesNameTheLine) {
  EXPECT_TRUE(absl::StrContains(
      ErrorOf("nodes 3\nat 1s restart-wave 1 down 2s\n"), "line 2"));
  EXPECT_TRUE(absl::StrContains(
      ErrorOf("at 1s restart-wave 1 over 1s down 5s..2s\n"), "MIN <= MAX"));
  EXPECT_TRUE(absl::StrContains(
      ErrorOf("at 1s restart-wave 1 over 1s down soon\n"), "line 1"));
  EXPECT_TRUE(absl::StrContains(
      ErrorOf("duration 10s\nat 5s restart-wave 1 over 3s down 3s\n"),
      "after the end"));
}

TEST(RestartWaveTest, EveryNodeOnceEvenlySpacedThenBackWithinItsDownTime) {
  absl::StatusOr<Scenario> sc = ParseScenario(kWave);
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<std::vector<Action>> actions = ExpandRestartWaves(*sc, 10);
  ASSERT_TRUE(actions.ok()) << actions.status();
  ASSERT_EQ(actions->size(), 20u);
  absl::flat_hash_map<uint32_t, SimTime> crashed_at;
  std::vector<SimTime> crash_times;
  for (const Action& a : *actions) {
    ASSERT_EQ(a.sets.size(), 1u);
    const uint32_t node = a.sets[0].ranges[0].first;
    if (a.kind == ActionKind::kCrash) {
      EXPECT_TRUE(crashed_at.emplace(node, a.at).second) << node;
      crash_times.push_back(a.at);
    } else {
      ASSERT_EQ(a.kind, ActionKind::kRestart);
      ASSERT_TRUE(crashed_at.contains(node)) << node;
      EXPECT_GE(a.at - crashed_at[node], Seconds(2));
      EXPECT_LE(a.at - crashed_at[node], Seconds(4));
    }
  }
  EXPECT_EQ(crashed_at.size(), 10u);
  std::sort(crash_times.begin(), crash_times.end());
  for (size_t i = 0; i < crash_times.size(); ++i) {
    EXPECT_EQ(crash_times[i], Seconds(30) + Seconds(static_cast<int64_t>(i)));
  }
  for (size_t i = 1; i < actions->size(); ++i) {
    EXPECT_LE((*actions)[i - 1].at, (*actions)[i].at);
  }
}

TEST(RestartWaveTest, TheOrderIsShuffledByTheSeed) {
  absl::StatusOr<Scenario> sc = ParseScenario(kWave);
  ASSERT_TRUE(sc.ok()) << sc.status();
  const std::vector<uint32_t> first = CrashOrder(*ExpandRestartWaves(*sc, 10));
  EXPECT_EQ(CrashOrder(*ExpandRestartWaves(*sc, 10)), first);
  std::vector<uint32_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(first, sorted);
  sc->seed = 2;
  EXPECT_NE(CrashOrder(*ExpandRestartWaves(*sc, 10)), first);
}

TEST(RestartWaveTest, OtherActionsStayInTimeOrder) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "nodes 4\nduration 1m\nat 10s restart-wave {0..3} over 4s down 1s\n"
      "at 12s crash 3\nat 40s liveness\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<std::vector<Action>> actions = ExpandRestartWaves(*sc, 4);
  ASSERT_TRUE(actions.ok()) << actions.status();
  ASSERT_EQ(actions->size(), 10u);
  EXPECT_EQ(actions->back().kind, ActionKind::kLiveness);
  for (size_t i = 1; i < actions->size(); ++i) {
    EXPECT_LE((*actions)[i - 1].at, (*actions)[i].at);
  }
  EXPECT_FALSE(ExpandRestartWaves(*sc, 3).ok());  // node 3 of 3
}

}  // namespace
}  // namespace swim::sim
