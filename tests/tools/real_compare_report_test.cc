// swim_real --compare's HTML page, fed simulator runs on both sides (a
// real run's curves have the same shape): the simulator's band and median
// with every other run on the same axes, the fault bands, and the same
// page for the same seeds.
#include "tools/real_compare_report.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tools/run_curves.h"

namespace swim::tools {
namespace {

using ::testing::HasSubstr;

constexpr char kCrash[] =
    "nodes 8\nduration 20s\nat 5s crash 3\nat 15s liveness\n";

// Seeds [first, first + count) of a small scenario.
void RunSeeds(int first, int count, std::vector<sim::RunSummary>* summaries,
              std::vector<RunCurves>* curves,
              std::vector<sim::FaultBand>* faults, const char* text = kCrash) {
  absl::StatusOr<sim::Scenario> sc = sim::ParseScenario(text);
  ASSERT_TRUE(sc.ok()) << sc.status();
  for (int i = 0; i < count; ++i) {
    sc->seed = static_cast<uint64_t>(first) + static_cast<uint64_t>(i);
    absl::StatusOr<sim::RunResult> r = sim::RunScenario(*sc, {});
    ASSERT_TRUE(r.ok()) << r.status();
    summaries->push_back(r->summary);
    curves->push_back(CurvesOf(*r->metrics, sc->nodes));
    if (faults != nullptr) *faults = r->faults;
  }
}

CompareRuns Runs() {
  CompareRuns runs;
  runs.title = "crash (8 nodes)";
  runs.duration_s = 20;
  RunSeeds(1, 5, &runs.simulated, &runs.sim_curves, &runs.faults);
  RunSeeds(100, 2, &runs.real, &runs.real_curves, nullptr);
  return runs;
}

TEST(CompareReportTest, TheSimulatorsBandAndEveryRealRunOnTheSameAxes) {
  const CompareRuns runs = Runs();
  ASSERT_FALSE(HasFatalFailure());
  const sim::ReportPage page = ComparePage(runs);
  ASSERT_EQ(page.charts.size(), 5u);
  for (size_t i = 0; i < 4; ++i) {
    const sim::Chart& c = page.charts[i];
    ASSERT_EQ(c.areas.size(), 1u) << c.title;
    EXPECT_EQ(c.areas[0].name, "simulator p10-p90 (5 seeds)");
    ASSERT_EQ(c.series.size(), 3u) << c.title;
    EXPECT_EQ(c.series[0].name, "simulator median");
    EXPECT_EQ(c.series[1].name, "real run 1");
    EXPECT_TRUE(c.series[2].dashed);
    EXPECT_FALSE(c.bands.empty()) << c.title;  // the crash, the liveness
    // The median lies within the band, sample by sample.
    ASSERT_EQ(c.areas[0].points.size(), c.series[0].points.size());
    for (size_t k = 0; k < c.series[0].points.size(); ++k) {
      const auto& [x, low, high] = c.areas[0].points[k];
      EXPECT_EQ(x, c.series[0].points[k].first);
      EXPECT_LE(low, c.series[0].points[k].second) << c.title << " " << x;
      EXPECT_GE(high, c.series[0].points[k].second) << c.title << " " << x;
    }
  }
  // Traffic: something was sent by both sides.
  EXPECT_GT(page.charts[3].series[0].points.back().second, 0);
  EXPECT_GT(page.charts[3].series[1].points.back().second, 0);
  // OFFLINE: after the crash, every live node sees the crashed one.
  EXPECT_DOUBLE_EQ(page.charts[2].series[0].points.back().second, 1);
  // The CDF of both sides, each over its pooled pairs (7 observers).
  ASSERT_EQ(page.charts[4].series.size(), 2u);
  EXPECT_EQ(page.charts[4].series[0].name, "simulator (35 pairs)");
  EXPECT_EQ(page.charts[4].series[1].name, "real (14 pairs)");

  const std::string html = CompareReportHtml(runs);
  EXPECT_THAT(html, HasSubstr("swim_real --compare: crash (8 nodes)"));
  // The table as cells, its numbers in their own columns.
  EXPECT_THAT(html, HasSubstr("<th>figure</th><th class=\"n\">sim p10</th>"));
  EXPECT_THAT(html, HasSubstr("<td>OFFLINE at observer p50 (ms)</td>"));
  EXPECT_THAT(html,
              HasSubstr("<td colspan=\"7\">(5 simulated seeds, 2 real runs)"));
  EXPECT_THAT(html, HasSubstr("<polygon"));
  EXPECT_THAT(html, HasSubstr(">real run 2</text>"));
}

TEST(CompareReportTest, EachPartitionSideHasItsChart) {
  constexpr char kPartition[] =
      "nodes 8\nduration 45s\nat 5s partition {0..2} {3..7}\n"
      "at 30s heal\nat 40s liveness\n";
  CompareRuns runs;
  runs.title = "partition (8 nodes)";
  runs.duration_s = 45;
  RunSeeds(1, 3, &runs.simulated, &runs.sim_curves, &runs.faults, kPartition);
  RunSeeds(100, 1, &runs.real, &runs.real_curves, nullptr, kPartition);
  ASSERT_FALSE(HasFatalFailure());
  const sim::ReportPage page = ComparePage(runs);
  ASSERT_EQ(page.charts.size(), 7u);
  EXPECT_EQ(page.charts[3].title,
            "Partition side {0..2} (3 nodes): members its live nodes see "
            "OFFLINE (mean)");
  EXPECT_EQ(page.charts[4].title,
            "Partition side {3..7} (5 nodes): members its live nodes see "
            "OFFLINE (mean)");
  // Side {0..2} sees most of the other side's 5 OFFLINE before the heal.
  double most = 0;
  for (const auto& [x, y] : page.charts[3].series[1].points) {
    most = std::max(most, y);
  }
  EXPECT_GE(most, 3);
  EXPECT_LE(most, 5);
  ASSERT_EQ(page.charts[4].series.size(), 2u);
  EXPECT_EQ(page.charts[4].series[1].name, "real run 1");
}

TEST(CompareReportTest, TheSamePageForTheSameRuns) {
  EXPECT_EQ(CompareReportHtml(Runs()), CompareReportHtml(Runs()));
}

}  // namespace
}  // namespace swim::tools
