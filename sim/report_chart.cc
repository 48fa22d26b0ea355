#include "sim/report_chart.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace swim::sim {
namespace {

constexpr double kWidth = 1000;
constexpr double kLeft = 64;
constexpr double kPlotWidth = 680;
constexpr double kLegendX = kLeft + kPlotWidth + 16;
constexpr double kPlotHeight = 260;
constexpr double kBottom = 42;
constexpr double kLaneHeight = 14;
constexpr double kLaneTop = 6;
constexpr int kMaxLanes = 8;
// About the width of one character of the 10 px lane labels.
constexpr double kCharWidth = 5.6;
constexpr double kLegendRow = 15;

const char* KindColor(absl::string_view kind) {
  if (kind == "crash") return "#c33";
  if (kind == "partition") return "#36c";
  if (kind == "loss") return "#e80";
  if (kind == "pause") return "#93c";
  if (kind == "slow") return "#888";
  if (kind == "liveness") return "#2a7";
  return "#999";
}

// A band placed in a lane; label_shown is false where it would overlap.
struct PlacedBand {
  const ChartBand* band;
  int lane;
  bool label_shown;
};

// Greedy interval colouring: each band in the first lane free at its
// start, counting its label's width as part of it.
std::vector<PlacedBand> PlaceBands(const std::vector<ChartBand>& bands,
                                   double scale, int* lanes) {
  std::vector<const ChartBand*> sorted;
  sorted.reserve(bands.size());
  for (const ChartBand& b : bands) sorted.push_back(&b);
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const ChartBand* a, const ChartBand* b) { return a->from < b->from; });
  std::vector<double> lane_end;  // in pixels
  std::vector<PlacedBand> placed;
  for (const ChartBand* b : sorted) {
    const double x0 = b->from * scale;
    const double end =
        std::max(b->until * scale,
                 x0 + kCharWidth * static_cast<double>(b->label.size()) + 6);
    int lane = -1;
    for (size_t i = 0; i < lane_end.size(); ++i) {
      if (lane_end[i] <= x0) {
        lane = static_cast<int>(i);
        break;
      }
    }
    bool shown = true;
    if (lane < 0 && lane_end.size() < kMaxLanes) {
      lane = static_cast<int>(lane_end.size());
      lane_end.push_back(0);
    }
    if (lane < 0) {
      // Every lane busy: the bar goes where it ends soonest, unlabelled
      // (its label is still the tooltip).
      lane =
          static_cast<int>(std::min_element(lane_end.begin(), lane_end.end()) -
                           lane_end.begin());
      shown = false;
    }
    lane_end[lane] = std::max(lane_end[lane], shown ? end : b->until * scale);
    placed.push_back({b, lane, shown});
  }
  *lanes = static_cast<int>(lane_end.size());
  return placed;
}

template <typename Px, typename Py>
std::string Points(const ChartSeries& s, Px px, Py py) {
  std::string pts;
  bool first = true;
  double last_y = 0;
  for (const auto& [x, y] : s.points) {
    if (s.step && !first) {
      absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(x), py(last_y));
    }
    absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(x), py(y));
    last_y = y;
    first = false;
  }
  return pts;
}

// The outline of an area: along its highs, then back along its lows.
template <typename Px, typename Py>
std::string AreaPoints(const ChartArea& a, Px px, Py py) {
  std::string pts;
  for (const auto& [x, low, high] : a.points) {
    absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(x), py(high));
  }
  for (auto it = a.points.rbegin(); it != a.points.rend(); ++it) {
    absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(std::get<0>(*it)),
                          py(std::get<1>(*it)));
  }
  return pts;
}

// Areas first, then the series over them.
template <typename Px, typename Py>
void AppendCurves(const Chart& chart, Px px, Py py, std::string* out) {
  for (const ChartArea& a : chart.areas) {
    absl::StrAppendFormat(out,
                          "<polygon fill=\"%s\" fill-opacity=\"0.25\" "
                          "stroke=\"none\" points=\"%s\"/>\n",
                          a.color, AreaPoints(a, px, py));
  }
  for (const ChartSeries& s : chart.series) {
    absl::StrAppendFormat(out,
                          "<polyline fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"1.5\"%s points=\"%s\"/>\n",
                          s.color, s.dashed ? " stroke-dasharray=\"6 3\"" : "",
                          Points(s, px, py));
  }
}

}  // namespace

std::vector<double> NiceTicks(double max, int target) {
  if (!(max > 0) || !std::isfinite(max)) return {0, 1};
  if (target < 1) target = 1;
  const double raw = max / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double f : {1.0, 2.0, 2.5, 5.0}) {
    if (f * magnitude >= raw * (1 - 1e-9)) {
      step = f * magnitude;
      break;
    }
  }
  std::vector<double> ticks;
  for (int i = 0;; ++i) {
    // Multiplying (not adding) keeps 0.1 * 3 from drifting to 0.30000004.
    const double v = step * i;
    ticks.push_back(v);
    if (v >= max * (1 - 1e-9)) break;
  }
  return ticks;
}

std::string FormatTick(double v) {
  if (std::fabs(v) < 1e15 && v == std::round(v)) {
    return absl::StrFormat("%.0f", v);
  }
  return absl::StrFormat("%.6g", v);
}

std::string EscapeHtml(absl::string_view s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// Bands: behind the curves, each with its bar and label in a lane.
void AppendBands(const std::vector<PlacedBand>& placed, double x_max,
                 double x_scale, double top, std::string* out) {
  auto px = [&](double x) { return kLeft + std::min(x, x_max) * x_scale; };
  for (const PlacedBand& p : placed) {
    const ChartBand& b = *p.band;
    const char* color = KindColor(b.kind);
    const double x0 = px(std::max(0.0, b.from));
    const double x1 = std::max(px(std::max(b.from, b.until)), x0 + 1);
    const std::string tip =
        absl::StrCat("<title>", EscapeHtml(b.label), "</title>");
    if (b.kind == "crash") {
      absl::StrAppendFormat(out,
                            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                            "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                            "stroke-dasharray=\"4 3\">%s</line>\n",
                            x0, x0, top, top + kPlotHeight, color, tip);
    } else {
      absl::StrAppendFormat(
          out,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
          "fill=\"%s\" fill-opacity=\"0.10\">%s</rect>\n",
          x0, top, x1 - x0, kPlotHeight, color, tip);
    }
    const double lane_y = kLaneTop + p.lane * kLaneHeight;
    absl::StrAppendFormat(out,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                          "height=\"3\" fill=\"%s\">%s</rect>\n",
                          x0, lane_y + 9, x1 - x0, color, tip);
    if (p.label_shown) {
      absl::StrAppendFormat(out,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
                            "fill=\"%s\">%s</text>\n",
                            x0 + 1, lane_y + 7, color, EscapeHtml(b.label));
    }
  }
}

// The legend beside the plot: every named series, as many as fit, then
// how many more there are.
void AppendLegend(const Chart& chart, double top, std::string* out) {
  const size_t legend_rows =
      static_cast<size_t>((kPlotHeight + kBottom) / kLegendRow);
  size_t named = 0;
  for (const ChartSeries& s : chart.series) named += s.name.empty() ? 0 : 1;
  size_t row = 0;
  for (const ChartArea& a : chart.areas) {
    if (a.name.empty() || row + 1 >= legend_rows) continue;
    const double y = top + 10 + static_cast<double>(row) * kLegendRow;
    absl::StrAppendFormat(
        out,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" fill=\"%s\" "
        "fill-opacity=\"0.25\"/>\n<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
        kLegendX, y - 5, a.color, kLegendX + 28, y + 4, EscapeHtml(a.name));
    ++row;
  }
  named += row;
  for (const ChartSeries& s : chart.series) {
    if (s.name.empty()) continue;
    const double y = top + 10 + static_cast<double>(row) * kLegendRow;
    if (row + 1 == legend_rows && named > legend_rows) {
      absl::StrAppendFormat(out,
                            "<text x=\"%.1f\" y=\"%.1f\">and %d more</text>\n",
                            kLegendX, y + 4, named - row);
      break;
    }
    absl::StrAppendFormat(
        out,
        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        "stroke-width=\"2\"%s/>\n<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
        kLegendX, kLegendX + 22, y, y, s.color,
        s.dashed ? " stroke-dasharray=\"6 3\"" : "", kLegendX + 28, y + 4,
        EscapeHtml(s.name));
    ++row;
  }
}

// Grid lines and labels of both axes.
void AppendTicks(const std::vector<double>& x_ticks,
                 const std::vector<double>& y_ticks, double x_max,
                 double x_scale, double y_max, double top, std::string* out) {
  auto px = [&](double x) { return kLeft + std::min(x, x_max) * x_scale; };
  auto py = [&](double y) {
    return top + kPlotHeight - std::min(y, y_max) / y_max * kPlotHeight;
  };
  for (double v : y_ticks) {
    absl::StrAppendFormat(out,
                          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                          "%s</text>\n",
                          kLeft, kLeft + kPlotWidth, py(v), py(v), kLeft - 4,
                          py(v) + 4, FormatTick(v));
  }
  for (double v : x_ticks) {
    absl::StrAppendFormat(out,
                          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#999\"/>\n"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                          "%s</text>\n",
                          px(v), px(v), top + kPlotHeight,
                          top + kPlotHeight + 4, px(v), top + kPlotHeight + 16,
                          FormatTick(v));
  }
}

std::string ChartSvg(const Chart& chart) {
  std::string out = absl::StrCat("<h2>", EscapeHtml(chart.title), "</h2>\n");
  double x_data = 0;
  double y_data = 0;
  size_t points = 0;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      x_data = std::max(x_data, x);
      y_data = std::max(y_data, y);
      ++points;
    }
  }
  for (const ChartArea& a : chart.areas) {
    for (const auto& [x, low, high] : a.points) {
      x_data = std::max(x_data, x);
      y_data = std::max({y_data, low, high});
      ++points;
    }
  }
  if (points == 0) {
    absl::StrAppend(&out, "<p>", EscapeHtml(chart.empty_text), "</p>\n");
    return out;
  }
  const double x_max = chart.x_max > 0 ? chart.x_max : std::max(x_data, 1e-9);
  // The y axis ends on a round tick; the x axis where the data (or run)
  // ends, with the round ticks inside it.
  const std::vector<double> y_ticks =
      NiceTicks(chart.y_max > 0 ? chart.y_max : y_data);
  const double y_max = y_ticks.back();
  std::vector<double> x_ticks = NiceTicks(x_max, 8);
  while (x_ticks.size() > 1 && x_ticks.back() > x_max * (1 + 1e-9)) {
    x_ticks.pop_back();
  }
  const double x_scale = kPlotWidth / x_max;
  int lanes = 0;
  const std::vector<PlacedBand> placed =
      PlaceBands(chart.bands, x_scale, &lanes);
  const double top = kLaneTop + lanes * kLaneHeight + (lanes > 0 ? 6 : 8);
  const double height = top + kPlotHeight + kBottom;
  auto px = [&](double x) { return kLeft + std::min(x, x_max) * x_scale; };
  auto py = [&](double y) {
    return top + kPlotHeight - std::min(y, y_max) / y_max * kPlotHeight;
  };

  absl::StrAppendFormat(
      &out,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
      kWidth, height);
  absl::StrAppendFormat(&out,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"#fcfcfc\" stroke=\"#999\"/>\n",
                        kLeft, top, kPlotWidth, kPlotHeight);
  AppendBands(placed, x_max, x_scale, top, &out);
  AppendTicks(x_ticks, y_ticks, x_max, x_scale, y_max, top, &out);
  absl::StrAppendFormat(&out,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                        "</text>\n",
                        kLeft + kPlotWidth / 2, height - 8,
                        EscapeHtml(chart.x_label));
  absl::StrAppendFormat(&out,
                        "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
                        "transform=\"rotate(-90 14 %.1f)\">%s</text>\n",
                        top + kPlotHeight / 2, top + kPlotHeight / 2,
                        EscapeHtml(chart.y_label));
  AppendCurves(chart, px, py, &out);
  AppendLegend(chart, top, &out);
  out += "</svg>\n";
  return out;
}

}  // namespace swim::sim
