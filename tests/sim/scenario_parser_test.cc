// Tests of ParseScenario (sim/scenario.h): each statement and action family
// parses to what it says, and every mistake is reported with its line
// number and what is wrong.
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/scenario.h"
#include "swim/config.h"
#include "swim/config_knobs.h"

namespace swim::sim {
namespace {

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  if (sc.ok()) return "parsed";
  return std::string(sc.status().message());
}

TEST(ScenarioParserTest, Settings) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "name demo  # a comment\n"
      "nodes 40\nseed 7\nduration 3m\nspread 2s\nseeds 3\nformed\n"
      "completeness-bound 30s\naccuracy-grace 45s\naccuracy strict\n"
      "accuracy max-suspicions 12\ndatagram-limit 1200\nsteady 1m 2m\n"
      "latency 2ms\nloss 1.5%\nduplicate 2%\nreorder 3% 10ms\n"
      "config probe_interval 500ms\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  EXPECT_EQ(sc->name, "demo");
  EXPECT_EQ(sc->nodes, 40);
  EXPECT_EQ(sc->seed, 7u);
  EXPECT_EQ(sc->duration, Seconds(180));
  EXPECT_EQ(sc->start_spread, Seconds(2));
  EXPECT_EQ(sc->seed_peers, 3);
  EXPECT_TRUE(sc->formed);
  EXPECT_EQ(sc->completeness_bound, Seconds(30));
  EXPECT_EQ(sc->accuracy_grace, Seconds(45));
  EXPECT_TRUE(sc->accuracy_strict);
  EXPECT_EQ(sc->max_false_suspicions, 12u);
  EXPECT_EQ(sc->datagram_limit_bytes, 1200u);
  EXPECT_EQ(sc->steady_from, Seconds(60));
  EXPECT_EQ(sc->steady_until, Seconds(120));
  EXPECT_EQ(sc->network.latency_min, Milliseconds(2));
  EXPECT_EQ(sc->network.latency_jitter, 0);  // no JITTER given
  EXPECT_EQ(sc->network.loss_ppm, 15000u);
  EXPECT_EQ(sc->network.duplicate_ppm, 20000u);
  EXPECT_EQ(sc->network.reorder_ppm, 30000u);
  EXPECT_EQ(sc->network.reorder_delay, Milliseconds(10));
  ASSERT_EQ(sc->config.size(), 1u);
  EXPECT_EQ(sc->config[0].first, "probe_interval");
  EXPECT_TRUE(sc->actions.empty());
}

TEST(ScenarioParserTest, ActionsWithForAreUndone) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "at 10s isolate 3 for 5s\n"
      "at 1s clog {0..1} -> 2 for 4s\n"
      "at 2s drift 4 -20% for 1s\n"
      "at 3s pause {1,3} for 2s drop\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->actions.size(), 6u);  // sorted by time
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kClog);
  EXPECT_EQ(sc->actions[0].duration, Seconds(4));  // a clog ends by itself
  EXPECT_EQ(sc->actions[1].kind, ActionKind::kDrift);
  EXPECT_EQ(sc->actions[1].signed_ppm, -200000);
  // Its undo at 3s comes before the pause of the same time: same-time
  // actions keep the order they were written in.
  EXPECT_EQ(sc->actions[2].kind, ActionKind::kDrift);
  EXPECT_EQ(sc->actions[2].signed_ppm, 0);
  EXPECT_EQ(sc->actions[2].text, "end of: drift 4 -20% for 1s");
  EXPECT_EQ(sc->actions[3].kind, ActionKind::kPause);
  EXPECT_TRUE(sc->actions[3].flag);
  EXPECT_EQ(sc->actions[4].kind, ActionKind::kIsolate);
  EXPECT_EQ(sc->actions[5].kind, ActionKind::kRejoin);
  EXPECT_EQ(sc->actions[5].at, Seconds(15));
  EXPECT_EQ(sc->actions[5].line, 1);
}

TEST(ScenarioParserTest, EveryRepeatsWithinTheDuration) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "duration 1m\nevery 20s from 5s loss link 1 -> 2 10% for 5s\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->actions.size(), 6u);  // at 5s, 25s, 45s, each undone
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kLossLink);
  EXPECT_EQ(sc->actions[0].ppm, 100000u);
  EXPECT_EQ(sc->actions[4].at, Seconds(45));
  EXPECT_EQ(sc->actions[5].ppm, 0u);
}

TEST(ScenarioParserTest, EveryKnobIsAConfigKey) {
  const Config defaults;
  for (const ConfigKnob& knob : ConfigKnobs()) {
    const std::string line =
        absl::StrCat("config ", knob.name, " ", knob.get(defaults), "\n");
    EXPECT_EQ(ErrorOf(line), "parsed") << line;
  }
}

TEST(ScenarioParserTest, UserTrafficActions) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "at 10s broadcast {1,3}\n"
      "at 11s broadcast one {0..9} bytes 100\n"
      "at 12s send 2 -> {4..6} bytes 7\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->actions.size(), 3u);
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kBroadcast);
  EXPECT_FALSE(sc->actions[0].flag);
  EXPECT_EQ(sc->actions[0].value, 32);  // the default payload
  EXPECT_EQ(sc->actions[0].sets[0].ToString(), "{1,3}");
  EXPECT_TRUE(sc->actions[1].flag);
  EXPECT_EQ(sc->actions[1].value, 100);
  EXPECT_EQ(sc->actions[2].kind, ActionKind::kSendTo);
  ASSERT_EQ(sc->actions[2].sets.size(), 2u);
  EXPECT_EQ(sc->actions[2].value, 7);
  EXPECT_TRUE(absl::StrContains(ErrorOf("at 1s broadcast 1 bytes x"),
                                "bad byte count \"x\""));
  EXPECT_TRUE(absl::StrContains(ErrorOf("at 1s broadcast 1 bytes 70000"),
                                "bad byte count"));
  EXPECT_TRUE(absl::StrContains(ErrorOf("at 1s send 1 {2}"), "line 1"));
}

TEST(ScenarioParserTest, StateAction) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "at 5s state {0..9} bytes 4000\n"
      "at 20s state 3\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->actions.size(), 2u);
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kState);
  EXPECT_EQ(sc->actions[0].value, 4000);
  EXPECT_EQ(sc->actions[0].sets[0].ToString(), "{0..9}");
  EXPECT_EQ(sc->actions[1].kind, ActionKind::kState);
  EXPECT_EQ(sc->actions[1].value, 32);
  EXPECT_TRUE(
      absl::StrContains(ErrorOf("at 1s state 1 bytes -3"), "bad byte count"));
  EXPECT_TRUE(absl::StrContains(ErrorOf("at 1s state"), "line 1"));
}

TEST(ScenarioParserTest, ErrorsNameTheLineAndTheMistake) {
  struct Case {
    const char* line;
    const char* message;
  };
  const Case cases[] = {
      {"bogus 1", "unknown statement \"bogus\""},
      {"nodes", "nodes takes one argument"},
      {"nodes 0", "nodes must be a positive integer"},
      {"formed yes", "formed takes no argument"},
      {"duration 5", "\"5\" is not a duration like 30s or 1m30s"},
      {"accuracy lax", "accuracy strict | accuracy max-suspicions N"},
      {"steady", "steady FROM [UNTIL]"},
      {"config probe_interval", "config [SET] KEY VALUE"},
      {"config {0..1} probe_interval fast",
       "probe_interval: \"fast\" is not a duration like 30s or 1m30s"},
      {"config {1..0} probe_interval 1s", "empty range \"1..0\""},
      {"at 1s restart 1 with", "with needs KEY=VALUE"},
      {"at 1s restart 1 with probe_interval",
       "\"probe_interval\" is not KEY=VALUE"},
      {"at 1s restart 1 with protocol_version_max=x",
       "protocol_version_max: \"x\" is not an integer"},
      {"config probe_interval fast",
       "probe_interval: \"fast\" is not a duration like 30s or 1m30s"},
      {"loss in 3 1%", "only global network settings outside \"at\""},
      {"at 1s", "at TIME ACTION"},
      {"at 1s fly 1", "unknown action \"fly\""},
      {"at 1s crash", "expected a node set"},
      {"at 1s crash {3..1}", "empty range \"3..1\""},
      {"at 1s crash {0%..50}",
       "a percentage range needs two percentages: \"0%..50\""},
      {"at 1s crash 1 2", "unexpected \"2\""},
      {"at 1s partition", "partition needs node sets"},
      {"at 1s cut 1 2", "expected ->"},
      {"at 1s clog 1 -> 2", "clog needs \"for D\""},
      {"at 1s loss", "expected a percentage or in/out/link"},
      {"at 1s loss 200%", "\"200%\" is not a percentage in [0%, 100%]"},
      {"at 1s pause 1", "pause needs \"for D\""},
      {"at 1s drift 1", "expected a drift like +5% or -10%"},
      {"at 1s drift 1 -95%", "a clock can slow down by less than 90%"},
      {"every 0s crash 1", "period must be positive"},
      {"every 10s", "every PERIOD ... ACTION"},
      {"every 10s heal now", "unexpected \"now\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ErrorOf(absl::StrCat("nodes 10\n\n", c.line, "\n")),
              absl::StrCat("scenario line 3: ", c.message))
        << c.line;
  }
  EXPECT_TRUE(absl::StartsWith(
      ErrorOf("config probe_intervl 1s"),
      "scenario line 1: unknown config key \"probe_intervl\"; valid keys: "
      "probe_interval, "));
}

TEST(ScenarioParserTest, ActionsAfterTheEndAreErrors) {
  // They used to be dropped silently, the run exiting 0.
  EXPECT_EQ(ErrorOf("duration 10s\nat 5s crash 1\nat 11s heal\n"),
            "scenario line 3: \"heal\" is at 11s, after the end of the "
            "scenario (duration 10s)");
  EXPECT_EQ(ErrorOf("duration 0s\n"), "duration must be positive, is 0");
  // At the end itself, and a timed fault that outlasts the run, are fine.
  EXPECT_TRUE(ParseScenario("duration 10s\nat 10s heal\n").ok());
  EXPECT_TRUE(ParseScenario("duration 10s\nat 5s pause 1 for 1m\n").ok());
  // Shortened afterwards (swim_sim --duration), it is checked again.
  absl::StatusOr<Scenario> sc = ParseScenario("at 30s crash 1\n");
  ASSERT_TRUE(sc.ok());
  EXPECT_TRUE(CheckScenarioTimes(*sc).ok());
  sc->duration = Seconds(10);
  EXPECT_FALSE(CheckScenarioTimes(*sc).ok());
  sc->duration = -Seconds(1);
  EXPECT_FALSE(CheckScenarioTimes(*sc).ok());
}

}  // namespace
}  // namespace swim::sim
