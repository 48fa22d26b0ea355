// One SVG line chart of an HTML report, from plain data: named series (a
// chart can hold several runs on the same axes, say a simulated and a real
// one, the second dashed), shaded bands for fault periods with their labels
// in lanes above the plot, and axes with round ticks (0, 250, 500, ...).
//
//   Chart c;
//   c.title = "Members seen SUSPECT, per live node (mean)";
//   c.x_label = "time (s)";
//   c.y_label = "members";
//   c.series.push_back({"simulated", "#e90", /*step=*/false,
//                       /*dashed=*/false, {{0, 0}, {1, 0.5}}});
//   c.bands.push_back({30, 40, "partition", "partition {0..9} {10..19}"});
//   html += ChartSvg(c);
#ifndef SIM_REPORT_CHART_H_
#define SIM_REPORT_CHART_H_

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace swim::sim {

struct ChartSeries {
  std::string name;  // in the legend: "n5 metadata v2", "real run 2"
  std::string color;
  bool step = false;    // holds its value until the next point
  bool dashed = false;  // tells a second run apart on the same axes
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
};

// A shaded range between two curves (say a simulator's p10 and p90 over
// its seeds), drawn under the series; (x, low, high), x ascending.
struct ChartArea {
  std::string name;  // in the legend, as a filled box: "sim p10-p90"
  std::string color;
  std::vector<std::tuple<double, double, double>> points;
};

// A period in x units: shaded over the plot, and labelled in a lane above
// it. `kind` picks the colour: crash, partition, loss, pause, slow,
// liveness (others are grey). A crash is drawn as a line at `from` (the
// node stays down until `until`, its restart or the end).
struct ChartBand {
  double from = 0;
  double until = 0;
  std::string kind;
  std::string label;
};

struct Chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  std::vector<ChartArea> areas;  // under the series, legend first
  std::vector<ChartBand> bands;
  // The x axis spans [0, x_max]; 0: up to the largest x of the series.
  double x_max = 0;
  // The y axis ends at the round tick at or above y_max; 0: above the
  // largest y. Curves above it are cut at the top (for rare peaks that
  // would flatten the rest).
  double y_max = 0;
  // Shown instead of the chart when no series has a point.
  std::string empty_text = "No data.";
};

// Round tick values from 0 covering [0, max]: steps of 1, 2, 2.5 or 5
// times a power of ten, about `target` intervals, the last tick >= max.
// NiceTicks(998) is {0, 200, 400, 600, 800, 1000}; max <= 0 gives {0, 1}.
std::vector<double> NiceTicks(double max, int target = 5);
// A tick value without float noise: "250", "0.5", "2.5", "1500000".
std::string FormatTick(double v);
// The chart as an <h2> title and an inline <svg>.
std::string ChartSvg(const Chart& chart);
// Text for HTML content and attributes.
std::string EscapeHtml(absl::string_view s);

}  // namespace swim::sim

#endif  // SIM_REPORT_CHART_H_
