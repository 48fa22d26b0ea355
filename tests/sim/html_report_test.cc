// The HTML report and the text summary of a small run: what people read.
#include "sim/html_report.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"

namespace swim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenario[] =
    "name report-test\n"
    "nodes 12\n"
    "duration 90s\n"
    "at 10s metadata 5\n"
    "at 20s partition {0%..50%} {50%..100%} for 15s\n"
    "at 44s crash 7\n"
    "at 50s pause 3 for 5s\n"
    "at 60s liveness\n";

class HtmlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Scenario> sc = ParseScenario(kScenario);
    ASSERT_TRUE(sc.ok()) << sc.status();
    absl::StatusOr<RunResult> r = RunScenario(*sc, RunOptions{});
    ASSERT_TRUE(r.ok()) << r.status();
    result_ = *std::move(r);
    html_ = HtmlReport(result_.summary, *result_.metrics, result_.faults);
  }
  RunResult result_;
  std::string html_;
};

TEST_F(HtmlReportTest, FaultPeriodsAreLabelledBands) {
  EXPECT_THAT(html_, HasSubstr(">partition {0%..50%} {50%..100%}</text>"));
  EXPECT_THAT(html_, HasSubstr(">crash 7</text>"));
  EXPECT_THAT(html_, HasSubstr(">pause 3</text>"));
  EXPECT_THAT(html_, HasSubstr(">liveness</text>"));
}

TEST_F(HtmlReportTest, ChartsPeopleAskedFor) {
  EXPECT_THAT(html_, HasSubstr("Members seen in each status, per live node"));
  EXPECT_THAT(html_, HasSubstr("Partition side {0%..50%} (6 nodes)"));
  EXPECT_THAT(html_, HasSubstr("Partition side {50%..100%} (6 nodes)"));
  EXPECT_THAT(html_, HasSubstr("<h2>Traffic by message type"));
  EXPECT_THAT(html_, HasSubstr(">ping</text>"));
  EXPECT_THAT(html_, HasSubstr(">all messages</text>"));
  EXPECT_THAT(html_, HasSubstr(">n5 metadata v"));
  EXPECT_THAT(html_, HasSubstr("CDF of detection times"));
}

TEST_F(HtmlReportTest, PerSideViewsDifferDuringThePartition) {
  // The sides' counts add up to the cluster's; during the partition each
  // side sees most of the other (6 nodes) as not ONLINE, after the heal
  // (35s) and before the crash (44s) all 11 others ONLINE again: members
  // declared OFFLINE are probed every offline_probe_interval (5 s), so the
  // last may take that long to come back.
  ASSERT_EQ(result_.metrics->groups().size(), 2u);
  bool split = false;
  bool healed = false;
  for (const Metrics::StatusSample& s : result_.metrics->samples()) {
    ASSERT_EQ(s.groups.size(), 2u);
    EXPECT_EQ(s.groups[0].live + s.groups[1].live, s.live);
    EXPECT_EQ(s.groups[0].online + s.groups[1].online, s.online);
    EXPECT_EQ(s.groups[0].suspect + s.groups[1].suspect, s.suspect);
    EXPECT_EQ(s.groups[0].offline + s.groups[1].offline, s.offline);
    const Metrics::StatusSample::Group& g = s.groups[0];
    if (s.at > Seconds(25) && s.at < Seconds(35)) {
      split |= g.suspect + g.offline >= uint64_t{4} * g.live && g.live == 6;
    }
    if (s.at > Seconds(37) && s.at < Seconds(44)) {
      healed = g.online == uint64_t{11} * g.live && g.live == 6;
    }
  }
  EXPECT_TRUE(split);
  EXPECT_TRUE(healed);
}

TEST_F(HtmlReportTest, SummaryIsATableNotAScrollingBlock) {
  EXPECT_THAT(html_, HasSubstr("<table class=\"summary\">"));
  EXPECT_THAT(html_, Not(HasSubstr("overflow-x")));
  EXPECT_THAT(html_, HasSubstr("<th class=\"sub\">OFFLINE everywhere</th>"));
  EXPECT_THAT(html_, HasSubstr("<th>false positives</th>"));
}

TEST_F(HtmlReportTest, SummaryWording) {
  const std::string text = FormatSummaryText(result_.summary);
  EXPECT_THAT(text, HasSubstr("1 crash, "));
  EXPECT_THAT(text, HasSubstr("  OFFLINE everywhere  "));
  EXPECT_THAT(text, Not(HasSubstr("everywh ")));
  EXPECT_THAT(text, HasSubstr("SUSPECT shown to observers about healthy"));
  EXPECT_THAT(text, HasSubstr("suspicions raised by nodes"));
  EXPECT_THAT(text, HasSubstr("12 nodes, seed 1"));
  EXPECT_THAT(text, HasSubstr("1 update, "));
  // Every row has its label, then at least two spaces (the HTML splits
  // there).
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "  VIOLATION")) continue;
    EXPECT_THAT(std::string(line), HasSubstr("  ")) << line;
  }
}

TEST(RenderReportPageTest, TwoRunsOnTheSameAxes) {
  // A compare run: one chart, a simulated and a real series.
  ReportPage page;
  page.title = "compare: crash";
  page.summary_text = "scenario      crash\n";
  Chart c;
  c.title = "Members seen OFFLINE";
  c.series.push_back({"simulated p50", "#c33", true, false, {{0, 0}, {5, 19}}});
  c.series.push_back({"real median", "#c33", true, true, {{0, 0}, {4, 19}}});
  page.charts.push_back(c);
  const std::string html = RenderReportPage(page);
  EXPECT_THAT(html, HasSubstr(">simulated p50</text>"));
  EXPECT_THAT(html, HasSubstr(">real median</text>"));
  EXPECT_THAT(html, HasSubstr("<th>scenario</th><td>crash</td>"));
}

}  // namespace
}  // namespace swim::sim
