#include "sim/html_report.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace swim::sim {
namespace {

constexpr double kWidth = 760;
constexpr double kHeight = 300;
constexpr double kLeft = 60;
constexpr double kBottom = 40;
constexpr double kTop = 20;
constexpr double kRight = 20;

struct Series {
  std::string label;
  std::string color;
  std::vector<std::pair<double, double>> points;
  bool step = false;
};

std::string Escape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

// A line chart with linear axes from 0 to the maxima.
std::string Chart(absl::string_view title, absl::string_view x_label,
                  absl::string_view y_label,
                  const std::vector<Series>& series) {
  double x_max = 0;
  double y_max = 0;
  for (const Series& s : series) {
    for (const auto& [x, y] : s.points) {
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  }
  if (x_max <= 0) x_max = 1;
  if (y_max <= 0) y_max = 1;
  const double pw = kWidth - kLeft - kRight;
  const double ph = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + x / x_max * pw; };
  auto py = [&](double y) { return kTop + ph - y / y_max * ph; };
  std::string svg = absl::StrFormat(
      "<h2>%s</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
      Escape(title), kWidth, kHeight);
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"#fafafa\" stroke=\"#999\"/>\n",
                        kLeft, kTop, pw, ph);
  for (int i = 0; i <= 4; ++i) {
    const double xv = x_max * i / 4;
    const double yv = y_max * i / 4;
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                          "%.4g</text>\n",
                          px(xv), kHeight - kBottom + 14, xv);
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                          "%.4g</text>\n",
                          kLeft - 4, py(yv) + 4, yv);
    absl::StrAppendFormat(
        &svg,
        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
        "stroke=\"#ddd\"/>\n",
        kLeft, kLeft + pw, py(yv), py(yv));
  }
  absl::StrAppendFormat(&svg,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                        "</text>\n",
                        kLeft + pw / 2, kHeight - 6, Escape(x_label));
  absl::StrAppendFormat(&svg,
                        "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" "
                        "transform=\"rotate(-90 12 %.1f)\">%s</text>\n",
                        kTop + ph / 2, kTop + ph / 2, Escape(y_label));
  double legend_y = kTop + 14;
  for (const Series& s : series) {
    std::string pts;
    double last_y = 0;
    bool first = true;
    for (const auto& [x, y] : s.points) {
      if (s.step && !first) {
        absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(x), py(last_y));
      }
      absl::StrAppendFormat(&pts, "%.1f,%.1f ", px(x), py(y));
      last_y = y;
      first = false;
    }
    absl::StrAppendFormat(&svg,
                          "<polyline fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"1.5\" points=\"%s\"/>\n",
                          s.color, pts);
    if (!s.label.empty()) {
      absl::StrAppendFormat(
          &svg, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
          kLeft + pw - 150, legend_y, s.color, Escape(s.label));
      legend_y += 14;
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace

std::string HtmlReport(const RunSummary& summary, const Metrics& metrics) {
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>swim "
      "simulation: " +
      Escape(summary.scenario) +
      "</title>\n<style>body{font-family:sans-serif;max-width:800px;margin:"
      "2em auto}pre{background:#f4f4f4;padding:1em;overflow-x:auto}</style>"
      "</head><body>\n";
  absl::StrAppend(&html, "<h1>swim simulation: ", Escape(summary.scenario),
                  "</h1>\n<pre>", Escape(FormatSummaryText(summary)),
                  "</pre>\n");

  // 1. Statuses over time, as members seen per live node.
  Series online{"ONLINE", "#2a7", {}, false};
  Series suspect{"SUSPECT", "#e90", {}, false};
  Series offline{"OFFLINE", "#c33", {}, false};
  for (const Metrics::StatusSample& s : metrics.samples()) {
    const double t = static_cast<double>(s.at) / 1e9;
    const double live = std::max<double>(1, s.live);
    online.points.emplace_back(t, static_cast<double>(s.online) / live);
    suspect.points.emplace_back(t, static_cast<double>(s.suspect) / live);
    offline.points.emplace_back(t, static_cast<double>(s.offline) / live);
  }
  absl::StrAppend(
      &html,
      Chart("Members seen in each status, per live node (mean)",
            "simulated time (s)", "members", {online, suspect, offline}));
  // The same without ONLINE, whose scale hides the others.
  absl::StrAppend(&html,
                  Chart("Members seen SUSPECT and OFFLINE, per live node "
                        "(mean)",
                        "simulated time (s)", "members", {suspect, offline}));

  // 2. Infection curves.
  static const char* kColors[] = {"#36c", "#c3c", "#3cc", "#963",
                                  "#693", "#c63", "#339", "#933"};
  std::vector<Series> curves;
  for (size_t i = 0; i < metrics.disseminations().size() && i < 24; ++i) {
    const Metrics::Dissemination& d = metrics.disseminations()[i];
    Series s{i < 8 ? absl::StrCat("n", d.node, " v", d.version) : "",
             kColors[i % 8],
             {},
             true};
    for (const auto& [t, count] : d.curve) {
      s.points.emplace_back(static_cast<double>(t - d.set_at) / 1e6, count);
    }
    curves.push_back(std::move(s));
  }
  if (curves.empty()) {
    html += "<h2>Metadata infection curves</h2><p>No metadata updates.</p>\n";
  } else {
    absl::StrAppend(
        &html, Chart("Metadata infection curves", "time since the update (ms)",
                     "nodes holding it", curves));
  }

  // 3. CDF of detection times.
  std::vector<SimTime> latencies = metrics.OfflineLatencies();
  std::sort(latencies.begin(), latencies.end());
  if (latencies.empty()) {
    html += "<h2>Detection times</h2><p>No crash was detected.</p>\n";
  } else {
    Series cdf{"OFFLINE at an observer", "#c33", {}, true};
    cdf.points.emplace_back(0, 0);
    for (size_t i = 0; i < latencies.size(); ++i) {
      cdf.points.emplace_back(
          static_cast<double>(latencies[i]) / 1e9,
          static_cast<double>(i + 1) / static_cast<double>(latencies.size()));
    }
    absl::StrAppend(&html, Chart("CDF of detection times (crash to OFFLINE, "
                                 "per observer)",
                                 "seconds after the crash", "fraction", {cdf}));
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace swim::sim
