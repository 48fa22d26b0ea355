#include "tools/real_compare_report.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/report_chart.h"
#include "tools/real_compare.h"

namespace swim::tools {
namespace {

constexpr const char* kSimColor = "#36c";
// The real runs, dashed: apart from the simulator's blue and from each
// other.
constexpr const char* kRealColors[] = {"#c33", "#e80", "#2a7", "#93c",
                                       "#963", "#333", "#c3c", "#088"};
constexpr size_t kRealColorCount = sizeof(kRealColors) / sizeof(kRealColors[0]);

using Field = double RunCurves::Sample::*;

// The simulator's p10-p90 and median at each sample time the seeds share
// (every seed samples at the same seconds).
// The samples of a run's curves: the whole cluster's, or one side's.
using Samples = const std::vector<RunCurves::Sample>& (*)(const RunCurves&,
                                                          size_t side);
const std::vector<RunCurves::Sample>& AllSamples(const RunCurves& c,
                                                 size_t /*side*/) {
  return c.samples;
}
const std::vector<RunCurves::Sample>& SideSamples(const RunCurves& c,
                                                  size_t side) {
  static const std::vector<RunCurves::Sample>* none =
      new std::vector<RunCurves::Sample>();
  return side < c.sides.size() ? c.sides[side].samples : *none;
}

void AddSimulated(const std::vector<RunCurves>& seeds, Field field, Samples of,
                  size_t side, sim::Chart* chart) {
  if (seeds.empty()) return;
  size_t samples = of(seeds[0], side).size();
  for (const RunCurves& c : seeds) {
    samples = std::min(samples, of(c, side).size());
  }
  if (samples == 0) return;
  sim::ChartArea band{absl::StrCat("simulator p10-p90 (", seeds.size(),
                                   seeds.size() == 1 ? " seed)" : " seeds)"),
                      kSimColor,
                      {}};
  sim::ChartSeries median{"simulator median", kSimColor, false, false, {}};
  band.points.reserve(samples);
  median.points.reserve(samples);
  std::vector<double> values(seeds.size());
  for (size_t i = 0; i < samples; ++i) {
    for (size_t s = 0; s < seeds.size(); ++s) {
      values[s] = of(seeds[s], side)[i].*field;
    }
    const double at = of(seeds[0], side)[i].at_s;
    band.points.emplace_back(at, *PercentileOf(values, 10),
                             *PercentileOf(values, 90));
    median.points.emplace_back(at, *PercentileOf(values, 50));
  }
  chart->areas.push_back(std::move(band));
  chart->series.push_back(std::move(median));
}

void AddReal(const std::vector<RunCurves>& runs, Field field, Samples of,
             size_t side, sim::Chart* chart) {
  for (size_t r = 0; r < runs.size(); ++r) {
    sim::ChartSeries s{absl::StrCat("real run ", r + 1),
                       kRealColors[r % kRealColorCount],
                       false,
                       true,
                       {}};
    s.points.reserve(of(runs[r], side).size());
    for (const RunCurves::Sample& x : of(runs[r], side)) {
      s.points.emplace_back(x.at_s, x.*field);
    }
    chart->series.push_back(std::move(s));
  }
}

sim::Chart TimeChart(const CompareRuns& runs, std::string title,
                     std::string y_label, Field field, Samples of = AllSamples,
                     size_t side = 0) {
  sim::Chart c;
  c.title = std::move(title);
  c.x_label = "time (s): simulated, or since the real run's start";
  c.y_label = std::move(y_label);
  c.bands = sim::ChartBands(runs.faults);
  c.x_max = runs.duration_s;
  AddSimulated(runs.sim_curves, field, of, side, &c);
  AddReal(runs.real_curves, field, of, side, &c);
  return c;
}

// One side's detection times, pooled over its runs, as a step CDF.
std::optional<sim::ChartSeries> PooledCdf(const std::vector<RunCurves>& runs,
                                          const std::string& name,
                                          const char* color, bool dashed) {
  std::vector<double> all;
  for (const RunCurves& c : runs) {
    all.insert(all.end(), c.offline_latencies_s.begin(),
               c.offline_latencies_s.end());
  }
  if (all.empty()) return std::nullopt;
  std::sort(all.begin(), all.end());
  sim::ChartSeries s{absl::StrCat(name, " (", all.size(), " pairs)"),
                     color,
                     true,
                     dashed,
                     {{0, 0}}};
  s.points.reserve(all.size() + 1);
  for (size_t i = 0; i < all.size(); ++i) {
    s.points.emplace_back(
        all[i], static_cast<double>(i + 1) / static_cast<double>(all.size()));
  }
  return s;
}

sim::Chart DetectionCdf(const CompareRuns& runs) {
  sim::Chart c;
  c.title = "CDF of detection times (crash to OFFLINE, per observer)";
  c.x_label = "seconds after the crash";
  c.y_label = "fraction of observers";
  c.empty_text = "No crash was detected.";
  if (auto s = PooledCdf(runs.sim_curves, "simulator", kSimColor, false)) {
    c.series.push_back(*std::move(s));
  }
  if (auto s = PooledCdf(runs.real_curves, "real", kRealColors[0], true)) {
    c.series.push_back(*std::move(s));
  }
  return c;
}

}  // namespace

sim::ReportPage ComparePage(const CompareRuns& runs) {
  sim::ReportPage page;
  page.title = absl::StrCat("swim_real --compare: ", runs.title);
  page.table = ComparisonCells(runs.simulated, runs.real);
  page.charts.push_back(TimeChart(runs,
                                  "Members seen ONLINE, per live node (mean)",
                                  "members", &RunCurves::Sample::online));
  page.charts.push_back(TimeChart(runs,
                                  "Members seen SUSPECT, per live node (mean)",
                                  "members", &RunCurves::Sample::suspect));
  page.charts.push_back(TimeChart(runs,
                                  "Members seen OFFLINE, per live node (mean)",
                                  "members", &RunCurves::Sample::offline));
  // Each partition side's view of the cluster: what it sees OFFLINE.
  const size_t sides =
      runs.sim_curves.empty() ? 0 : runs.sim_curves[0].sides.size();
  for (size_t g = 0; g < sides; ++g) {
    const RunCurves::Side& side = runs.sim_curves[0].sides[g];
    page.charts.push_back(
        TimeChart(runs,
                  absl::StrCat("Partition side ", side.name, " (", side.nodes,
                               side.nodes == 1 ? " node" : " nodes",
                               "): members its live nodes see OFFLINE (mean)"),
                  "members", &RunCurves::Sample::offline, SideSamples, g));
  }
  sim::Chart traffic =
      TimeChart(runs, "Traffic, all messages", "bytes per node per second",
                &RunCurves::Sample::bytes_per_node_s);
  traffic.empty_text = "Not sampled.";
  page.charts.push_back(std::move(traffic));
  page.charts.push_back(DetectionCdf(runs));
  return page;
}

std::string CompareReportHtml(const CompareRuns& runs) {
  return sim::RenderReportPage(ComparePage(runs));
}

}  // namespace swim::tools
