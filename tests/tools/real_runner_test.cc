// tools/swim_real's parts without processes: the node log format, the
// nftables rules of network faults, the refusal of statements that cannot
// be done for real, and the replay of logged events into the simulator's
// metrics and oracles (which must both pass a good run and fail a bad one).
#include "tools/real_runner.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/scenario.h"
#include "sim/summary.h"
#include "tools/real_log.h"
#include "tools/real_net.h"
#include "tools/real_replay.h"
#include "tools/run_curves.h"

namespace swim::tools {
namespace {

using sim::Seconds;

TEST(RealLogTest, RecordsRoundTrip) {
  RealRecord e;
  e.mono_ns = 123456789;
  e.kind = RealRecord::Kind::kEvent;
  e.member = "n3";
  e.previous = Status::kSuspect;
  e.current = Status::kOffline;
  e.offline_reason = OfflineReason::kFailed;
  e.incarnation = 4;
  e.metadata_version = 2;
  std::string line = FormatRealRecord(e);
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  absl::StatusOr<RealRecord> back = ParseRealRecord(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->mono_ns, e.mono_ns);
  EXPECT_EQ(back->member, "n3");
  EXPECT_EQ(back->previous, Status::kSuspect);
  EXPECT_EQ(back->current, Status::kOffline);
  EXPECT_EQ(back->offline_reason, OfflineReason::kFailed);
  EXPECT_EQ(back->incarnation, 4u);
  EXPECT_EQ(back->metadata_version, 2u);

  RealRecord s;
  s.kind = RealRecord::Kind::kStats;
  s.mono_ns = 5;
  s.datagrams_sent = 7;
  s.bytes_sent = 900;
  line = FormatRealRecord(s);
  line.pop_back();
  back = ParseRealRecord(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->kind, RealRecord::Kind::kStats);
  EXPECT_EQ(back->bytes_sent, 900u);
}

TEST(RealLogTest, MalformedLinesAreErrors) {
  for (const char* bad :
       {"", "x start 1", "-5 start 1", "12 start", "12 bogus", "12 left extra",
        "12 event n1 1 3 0 0 0", "12 event n1 1 2 9 0 0", "12 event n1 1 2",
        "12 stats 1", "12 metadata v2", "99999999999999999999 left"}) {
    EXPECT_FALSE(ParseRealRecord(bad).ok()) << "'" << bad << "'";
  }
}

TEST(RealNetTest, RulesFollowTheFaults) {
  RealNet net(4);
  std::string rules = net.NftRuleset("127.0.1.", 7946);
  EXPECT_NE(rules.find("flush table inet swimreal"), std::string::npos);
  EXPECT_EQ(rules.find("drop"), std::string::npos) << rules;
  EXPECT_FALSE(net.Disturbs(0));

  net.Partition({{0, 1}, {2, 3}});
  rules = net.NftRuleset("127.0.1.", 7946);
  EXPECT_NE(rules.find("127.0.1.1 . 127.0.1.3"), std::string::npos) << rules;
  EXPECT_EQ(rules.find("127.0.1.1 . 127.0.1.2"), std::string::npos) << rules;
  EXPECT_TRUE(net.Disturbs(0));
  net.Heal();
  EXPECT_FALSE(net.Disturbs(0));

  net.Cut(0, 1);
  rules = net.NftRuleset("127.0.1.", 7946);
  EXPECT_NE(rules.find("127.0.1.1 . 127.0.1.2"), std::string::npos) << rules;
  EXPECT_EQ(rules.find("127.0.1.2 . 127.0.1.1"), std::string::npos) << rules;
  net.Heal();

  net.set_loss_ppm(100000);
  net.SetInboundLoss(2, 250000);
  rules = net.NftRuleset("127.0.1.", 7946);
  EXPECT_NE(rules.find("numgen random mod 1000000 < 100000 drop"),
            std::string::npos)
      << rules;
  EXPECT_NE(rules.find("ip daddr { 127.0.1.3 } udp dport 7946 numgen random "
                       "mod 1000000 < 250000 drop"),
            std::string::npos)
      << rules;
  EXPECT_TRUE(net.Disturbs(2));
  EXPECT_FALSE(net.Disturbs(1));  // global loss disturbs nobody
  net.ClearFaults();
  EXPECT_EQ(net.NftRuleset("127.0.1.", 7946).find("drop"), std::string::npos);
}

absl::StatusOr<sim::Scenario> Parse(const std::string& text) {
  return sim::ParseScenario(text);
}

TEST(RealRunnerTest, RefusesWhatCannotBeDoneForReal) {
  const std::string text =
      "nodes 4\nduration 20s\nat 5s crash 1\nat 6s drift 2 +1%\n";
  absl::StatusOr<sim::Scenario> sc = Parse(text);
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::Status s = CheckRealScenario(*sc, text);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("scenario line 4"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("drift"), std::string::npos) << s.message();

  const std::string ok_text =
      "nodes 4\nduration 20s\nloss 5%\nat 2s partition {0,1} {2,3}\n"
      "at 4s heal\nat 5s pause 1 for 2s\nat 8s crash 2\nat 9s restart 2\n"
      "at 10s leave 3\nat 11s metadata 0\nat 12s cut-inbound 1 for 1s\n"
      "at 14s loss in 1 10%\nat 15s liveness\n";
  sc = Parse(ok_text);
  ASSERT_TRUE(sc.ok()) << sc.status();
  EXPECT_TRUE(CheckRealScenario(*sc, ok_text).ok());
  sc->nodes = kMaxRealNodes + 1;
  EXPECT_FALSE(CheckRealScenario(*sc, ok_text).ok());
}

RealRecord Event(const std::string& member, Status previous, Status current) {
  RealRecord r;
  r.kind = RealRecord::Kind::kEvent;
  r.member = member;
  r.previous = previous;
  r.current = current;
  if (current == Status::kOffline) r.offline_reason = OfflineReason::kFailed;
  r.metadata_version = 1;
  return r;
}

// Three nodes meet; n2 crashes at 5 s; n0 (and, if `both`, n1) declare it
// OFFLINE at 8 s; liveness from 9 s.
std::vector<ReplayEntry> CrashRun(const sim::Scenario& sc, bool both) {
  std::vector<ReplayEntry> entries;
  auto record = [&](sim::SimTime at, uint32_t node, RealRecord r) {
    ReplayEntry e;
    e.at = at;
    e.kind = ReplayEntry::Kind::kRecord;
    e.node = node;
    e.record = std::move(r);
    entries.push_back(std::move(e));
  };
  for (uint32_t n = 0; n < 3; ++n) {
    ReplayEntry boot;
    boot.at = n;
    boot.node = n;
    entries.push_back(boot);
    RealRecord start;
    start.kind = RealRecord::Kind::kStart;
    start.metadata_version = 1;
    record(n + 1, n, start);
  }
  for (uint32_t o = 0; o < 3; ++o) {
    for (uint32_t m = 0; m < 3; ++m) {
      if (o == m) continue;
      record(Seconds(1), o,
             Event(absl::StrCat("n", m), Status::kUnknown, Status::kOnline));
    }
  }
  for (const sim::Action& a : sc.actions) {
    ReplayEntry e;
    e.at = a.at;
    e.kind = ReplayEntry::Kind::kAction;
    e.action = &a;
    for (const sim::NodeSet& set : a.sets) e.sets.push_back(*set.Resolve(3));
    entries.push_back(std::move(e));
  }
  record(Seconds(6), 0, Event("n2", Status::kOnline, Status::kSuspect));
  record(Seconds(8), 0, Event("n2", Status::kSuspect, Status::kOffline));
  if (both) {
    record(Seconds(8), 1, Event("n2", Status::kOnline, Status::kOffline));
  }
  return entries;
}

TEST(RealReplayTest, TheSimulatorsOraclesJudgeRealEvents) {
  absl::StatusOr<sim::Scenario> sc =
      Parse("nodes 3\nduration 10s\nat 5s crash 2\nat 9s liveness\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  sim::RunSummary good = ReplayRun(*sc, CrashRun(*sc, true), 10, 1000);
  EXPECT_TRUE(good.ok()) << sim::FormatSummaryText(good);
  EXPECT_EQ(good.crashes, 1);
  EXPECT_EQ(good.crashes_detected, 1);
  EXPECT_EQ(good.first_suspicion.p50, Seconds(1));
  EXPECT_EQ(good.offline_everywhere.max, Seconds(3));
  EXPECT_EQ(good.false_suspicions, 0u);
  EXPECT_EQ(good.convergence, 0);
  EXPECT_EQ(good.bytes_sent, 1000u);

  // n1 never notices: not detected, and the convergence oracle fails.
  sim::RunSummary bad = ReplayRun(*sc, CrashRun(*sc, false), 10, 1000);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.crashes_detected, 0);
  ASSERT_FALSE(bad.violations.empty());
  EXPECT_EQ(bad.violations[0].oracle, "convergence");
}

TEST(RealReplayTest, SuspectingAHealthyNodeIsAFalsePositive) {
  absl::StatusOr<sim::Scenario> sc =
      Parse("nodes 3\nduration 10s\nat 5s crash 2\nat 9s liveness\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  std::vector<ReplayEntry> entries = CrashRun(*sc, true);
  ReplayEntry e;
  e.at = Seconds(7);
  e.kind = ReplayEntry::Kind::kRecord;
  e.node = 1;
  e.record = Event("n0", Status::kOnline, Status::kSuspect);
  entries.push_back(e);
  e.at = Seconds(7) + 1;
  e.record = Event("n0", Status::kSuspect, Status::kOnline);
  entries.push_back(e);
  sim::RunSummary s = ReplayRun(*sc, std::move(entries), 0, 0);
  EXPECT_EQ(s.false_suspicions, 1u);
}

TEST(RealReplayTest, CurvesCountEveryLifesBytesFromItsStatsLines) {
  absl::StatusOr<sim::Scenario> sc =
      Parse("nodes 3\nduration 10s\nat 5s crash 2\nat 9s liveness\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  std::vector<ReplayEntry> entries = CrashRun(*sc, true);
  auto stats = [&](sim::SimTime at, uint32_t node, uint64_t bytes) {
    ReplayEntry e;
    e.at = at;
    e.kind = ReplayEntry::Kind::kRecord;
    e.node = node;
    e.record.kind = RealRecord::Kind::kStats;
    e.record.bytes_sent = bytes;
    entries.push_back(e);
  };
  stats(Seconds(1), 0, 300);  // a life's running totals
  stats(Seconds(2), 0, 900);
  stats(Seconds(2), 1, 300);
  RunCurves curves;
  sim::RunSummary s = ReplayRun(*sc, std::move(entries), 0, 0, &curves);
  EXPECT_TRUE(s.ok()) << sim::FormatSummaryText(s);
  ASSERT_GE(curves.samples.size(), 4u);
  EXPECT_EQ(curves.samples[3].at_s, 3);
  // n0's bytes land in the second before each of its lines; n1's 300
  // spread over the 2 s since its start: 300 + 150 by 1 s, 600 + 150 more
  // by 2 s, nothing after; over 3 nodes.
  EXPECT_DOUBLE_EQ(curves.samples[1].bytes_per_node_s, 150);
  EXPECT_DOUBLE_EQ(curves.samples[2].bytes_per_node_s, 250);
  EXPECT_DOUBLE_EQ(curves.samples[3].bytes_per_node_s, 0);
  // Both observers saw n2 OFFLINE 3 s after its crash.
  EXPECT_EQ(curves.offline_latencies_s, (std::vector<double>{3, 3}));
  // Before the crash every node sees the other two ONLINE.
  EXPECT_DOUBLE_EQ(curves.samples[4].online, 2);
  EXPECT_TRUE(curves.sides.empty());  // no partition

  absl::StatusOr<sim::Scenario> split = Parse(
      "nodes 3\nduration 10s\nat 5s partition {0} {1..2}\nat 9s liveness\n");
  ASSERT_TRUE(split.ok()) << split.status();
  RunCurves sides;
  ReplayRun(*split, {}, 0, 0, &sides);
  ASSERT_EQ(sides.sides.size(), 2u);
  EXPECT_EQ(sides.sides[1].name, "{1..2}");
  EXPECT_EQ(sides.sides[1].nodes, 2u);
  EXPECT_EQ(sides.sides[1].samples.size(), sides.samples.size());
}

}  // namespace
}  // namespace swim::tools
