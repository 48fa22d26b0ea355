#include "sim/html_report.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "swim/counters.h"

namespace swim::sim {
namespace {

constexpr const char* kOnline = "#2a7";
constexpr const char* kSuspect = "#e90";
constexpr const char* kOffline = "#c33";
constexpr const char* kTime = "simulated time (s)";
constexpr const char* kPalette[] = {"#36c", "#c3c", "#3aa", "#963",
                                    "#693", "#c63", "#339", "#933",
                                    "#0a0", "#a0a", "#088", "#555"};
constexpr size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

double ToSeconds(SimTime t) { return static_cast<double>(t) / 1e9; }

// One summary line as table cells: "LABEL  VALUE" (two spaces or more
// between them), indented labels as sub-rows.
std::string SummaryRow(absl::string_view line) {
  const bool sub = absl::StartsWith(line, "  ");
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
  const size_t gap = rest.find("  ");
  if (gap == absl::string_view::npos) {
    return absl::StrCat("<tr><td colspan=\"2\">", EscapeHtml(rest),
                        "</td></tr>\n");
  }
  return absl::StrCat(
      "<tr><th", sub ? " class=\"sub\"" : "", ">",
      EscapeHtml(rest.substr(0, gap)), "</th><td>",
      EscapeHtml(absl::StripLeadingAsciiWhitespace(rest.substr(gap))),
      "</td></tr>\n");
}

// ReportPage::table: the header row in <th>, numbers right-aligned.
std::string CellTable(const std::vector<std::vector<std::string>>& rows) {
  const size_t columns = rows[0].size();
  std::string html = "<table class=\"cells\">\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    html += "<tr>";
    if (row.size() < columns) {
      absl::StrAppend(&html, "<td colspan=\"", columns, "\">",
                      EscapeHtml(absl::StrJoin(row, " ")), "</td>");
    }
    for (size_t c = 0; c < row.size() && row.size() == columns; ++c) {
      const char* tag = r == 0 ? "th" : "td";
      absl::StrAppend(&html, "<", tag, c == 0 ? "" : " class=\"n\"", ">",
                      EscapeHtml(row[c]), "</", tag, ">");
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

// Members seen ONLINE / SUSPECT / OFFLINE per live observer, from counts
// summed over `live` observers.
struct StatusSeries {
  ChartSeries online{"ONLINE", kOnline, false, false, {}};
  ChartSeries suspect{"SUSPECT", kSuspect, false, false, {}};
  ChartSeries offline{"OFFLINE", kOffline, false, false, {}};
  void Add(SimTime at, uint32_t live, uint64_t on, uint64_t sus, uint64_t off) {
    const double t = ToSeconds(at);
    const double n = std::max<double>(1, live);
    online.points.emplace_back(t, static_cast<double>(on) / n);
    suspect.points.emplace_back(t, static_cast<double>(sus) / n);
    offline.points.emplace_back(t, static_cast<double>(off) / n);
  }
};

Chart TimeChart(std::string title, std::string y_label, const RunSummary& s,
                const std::vector<ChartBand>& bands) {
  Chart c;
  c.title = std::move(title);
  c.x_label = kTime;
  c.y_label = std::move(y_label);
  c.bands = bands;
  c.x_max = ToSeconds(s.duration);
  return c;
}

// Bytes per node per second by message type between samples, as steps.
Chart TrafficChart(const RunSummary& s, const Metrics& m,
                   const std::vector<ChartBand>& bands) {
  Chart c = TimeChart("Traffic by message type", "bytes per node per second", s,
                      bands);
  c.empty_text = "Not sampled.";
  const std::vector<Metrics::StatusSample>& samples = m.samples();
  const double nodes = std::max(1, s.nodes);
  for (size_t type = 0; type <= kMessageTypeCount; ++type) {
    // type == kMessageTypeCount: all types together.
    const bool all = type == kMessageTypeCount;
    auto bytes = [&](const Metrics::StatusSample& x) {
      uint64_t b = 0;
      for (size_t i = 0; i < kMessageTypeCount; ++i) {
        if (all || i == type) b += x.bytes_out[i];
      }
      return b;
    };
    if (samples.empty() || bytes(samples.back()) == 0) continue;
    ChartSeries series{
        all ? std::string("all messages") : std::string(MessageTypeName(type)),
        all ? "#000" : kPalette[type % kPaletteSize],
        true,
        all,
        {}};
    for (size_t i = 1; i < samples.size(); ++i) {
      const SimTime span = samples[i].at - samples[i - 1].at;
      if (span <= 0) continue;
      const double rate =
          static_cast<double>(bytes(samples[i]) - bytes(samples[i - 1])) /
          ToSeconds(span) / nodes;
      series.points.emplace_back(ToSeconds(samples[i - 1].at), rate);
      if (i + 1 == samples.size()) {
        series.points.emplace_back(ToSeconds(samples[i].at), rate);
      }
    }
    c.series.push_back(std::move(series));
  }
  // Joins and heals send bursts many times the steady rate: the axis
  // stops at twice the 90th percentile of the total, saying so.
  if (!c.series.empty() && c.series.back().points.size() > 10) {
    std::vector<double> rates;
    for (const auto& [t, y] : c.series.back().points) rates.push_back(y);
    std::sort(rates.begin(), rates.end());
    const double p90 = rates[rates.size() * 9 / 10];
    if (rates.back() > 3 * p90 && p90 > 0) {
      c.y_max = 2 * p90;
      absl::StrAppend(&c.title, " (axis cut at ",
                      FormatTick(NiceTicks(c.y_max).back()), "; peaks up to ",
                      FormatTick(std::round(rates.back())), ")");
    }
  }
  return c;
}

Chart InfectionChart(const Metrics& m) {
  Chart c;
  c.title = "Metadata infection curves";
  c.x_label = "time since the update (ms)";
  c.y_label = "nodes holding it";
  c.empty_text = "No metadata updates.";
  const std::vector<Metrics::Dissemination>& all = m.disseminations();
  for (size_t i = 0; i < all.size() && i < 2 * kPaletteSize; ++i) {
    const Metrics::Dissemination& d = all[i];
    ChartSeries s{absl::StrCat("n", d.node, " metadata v", d.version),
                  kPalette[i % kPaletteSize],
                  true,
                  i >= kPaletteSize,
                  {}};
    for (const auto& [t, count] : d.curve) {
      s.points.emplace_back(static_cast<double>(t - d.set_at) / 1e6, count);
    }
    c.series.push_back(std::move(s));
  }
  if (all.size() > 2 * kPaletteSize) {
    absl::StrAppend(&c.title, " (the first ", 2 * kPaletteSize, " of ",
                    all.size(), ")");
  }
  return c;
}

Chart DetectionCdf(const Metrics& m) {
  Chart c;
  c.title = "CDF of detection times (crash to OFFLINE, per observer)";
  c.x_label = "seconds after the crash";
  c.y_label = "fraction of observers";
  c.empty_text = "No crash was detected.";
  std::vector<SimTime> latencies = m.OfflineLatencies();
  std::sort(latencies.begin(), latencies.end());
  if (latencies.empty()) return c;
  ChartSeries cdf{"OFFLINE at an observer", kOffline, true, false, {{0, 0}}};
  for (size_t i = 0; i < latencies.size(); ++i) {
    cdf.points.emplace_back(
        ToSeconds(latencies[i]),
        static_cast<double>(i + 1) / static_cast<double>(latencies.size()));
  }
  c.series.push_back(std::move(cdf));
  return c;
}

}  // namespace

std::vector<ChartBand> ChartBands(const std::vector<FaultBand>& faults) {
  std::vector<ChartBand> bands;
  bands.reserve(faults.size());
  for (const FaultBand& f : faults) {
    bands.push_back({ToSeconds(f.from), ToSeconds(f.until),
                     std::string(FaultKindName(f.kind)), f.label});
  }
  return bands;
}

std::string RenderReportPage(const ReportPage& page) {
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>",
      EscapeHtml(page.title),
      "</title>\n<style>body{font-family:sans-serif;max-width:1020px;"
      "margin:1.5em auto;padding:0 1em}h1{font-size:1.5em}"
      "h2{font-size:1.1em;margin:1.6em 0 .3em}"
      "table.summary{border-collapse:collapse;font-size:13px;"
      "background:#f6f6f6;width:100%}"
      "table.summary th{text-align:left;vertical-align:top;white-space:"
      "nowrap;padding:2px 1em 2px .6em;font-weight:600}"
      "table.summary th.sub{padding-left:1.8em;font-weight:normal}"
      "table.summary td{font-family:monospace;padding:2px .6em;"
      "white-space:pre-wrap;overflow-wrap:anywhere}"
      "table.cells{border-collapse:collapse;font-size:13px;margin-top:.6em}"
      "table.cells th,table.cells td{padding:2px .7em;text-align:left;"
      "border-bottom:1px solid #e4e4e4}"
      "table.cells .n{text-align:right;font-family:monospace}"
      "svg{display:block}</style></head><body>\n");
  absl::StrAppend(&html, "<h1>", EscapeHtml(page.title), "</h1>\n");
  if (!page.summary_text.empty()) {
    html += "<table class=\"summary\">\n";
    for (absl::string_view line :
         absl::StrSplit(page.summary_text, '\n', absl::SkipEmpty())) {
      absl::StrAppend(&html, SummaryRow(line));
    }
    html += "</table>\n";
  }
  if (!page.table.empty()) html += CellTable(page.table);
  for (const Chart& c : page.charts) absl::StrAppend(&html, ChartSvg(c));
  html += "</body></html>\n";
  return html;
}

ReportPage SimReportPage(const RunSummary& summary, const Metrics& metrics,
                         const std::vector<FaultBand>& faults) {
  ReportPage page;
  page.title = absl::StrCat("swim simulation: ", summary.scenario);
  page.summary_text = FormatSummaryText(summary);
  const std::vector<ChartBand> bands = ChartBands(faults);

  StatusSeries mean;
  std::vector<StatusSeries> sides(metrics.groups().size());
  for (const Metrics::StatusSample& s : metrics.samples()) {
    mean.Add(s.at, s.live, s.online, s.suspect, s.offline);
    for (size_t g = 0; g < sides.size() && g < s.groups.size(); ++g) {
      const Metrics::StatusSample::Group& x = s.groups[g];
      sides[g].Add(s.at, x.live, x.online, x.suspect, x.offline);
    }
  }
  Chart all = TimeChart("Members seen in each status, per live node (mean)",
                        "members", summary, bands);
  all.series = {mean.online, mean.suspect, mean.offline};
  page.charts.push_back(std::move(all));
  // The same without ONLINE, whose scale hides the others.
  Chart faulty = TimeChart(
      "Members seen SUSPECT and OFFLINE, per live node "
      "(mean)",
      "members", summary, bands);
  faulty.series = {mean.suspect, mean.offline};
  page.charts.push_back(std::move(faulty));
  for (size_t g = 0; g < sides.size(); ++g) {
    const Metrics::GroupSpec& spec = metrics.groups()[g];
    Chart side = TimeChart(
        absl::StrCat("Partition side ", spec.name, " (", spec.nodes.size(),
                     spec.nodes.size() == 1 ? " node" : " nodes",
                     "): members its live nodes see in each status (mean)"),
        "members", summary, bands);
    side.series = {sides[g].online, sides[g].suspect, sides[g].offline};
    page.charts.push_back(std::move(side));
  }
  page.charts.push_back(TrafficChart(summary, metrics, bands));
  page.charts.push_back(InfectionChart(metrics));
  page.charts.push_back(DetectionCdf(metrics));
  return page;
}

std::string HtmlReport(const RunSummary& summary, const Metrics& metrics,
                       const std::vector<FaultBand>& faults) {
  return RenderReportPage(SimReportPage(summary, metrics, faults));
}

}  // namespace swim::sim
