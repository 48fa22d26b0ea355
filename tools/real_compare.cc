#include "tools/real_compare.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace swim::tools {
namespace {

std::optional<double> Ms(int64_t ns) {
  if (ns < 0 || ns == sim::kNever) return std::nullopt;
  return static_cast<double>(ns) / 1e6;
}

std::optional<double> DurationMs(const sim::Percentiles& p, bool max) {
  if (p.count == 0) return std::nullopt;
  return Ms(max ? p.max : p.p50);
}

std::string Cell(std::optional<double> v) {
  if (!v.has_value()) return "-";
  return absl::StrFormat("%.1f", *v);
}

}  // namespace

const std::vector<Figure>& ComparedFigures() {
  static const std::vector<Figure>* figures = new std::vector<Figure>{
      {"first suspicion p50 (ms)",
       [](const sim::RunSummary& s) {
         return DurationMs(s.first_suspicion, false);
       }},
      {"OFFLINE at observer p50 (ms)",
       [](const sim::RunSummary& s) {
         return DurationMs(s.offline_at_observer, false);
       }},
      {"OFFLINE everywhere max (ms)",
       [](const sim::RunSummary& s) {
         return DurationMs(s.offline_everywhere, true);
       }},
      {"false SUSPECT (healthy)",
       [](const sim::RunSummary& s) -> std::optional<double> {
         return static_cast<double>(s.false_suspicions);
       }},
      {"false OFFLINE (healthy)",
       [](const sim::RunSummary& s) -> std::optional<double> {
         return static_cast<double>(s.false_offlines);
       }},
      {"convergence after liveness (ms)",
       [](const sim::RunSummary& s) { return Ms(s.convergence); }},
      {"convergence after last fault (ms)",
       [](const sim::RunSummary& s) { return Ms(s.convergence_after_fault); }},
      {"datagrams per node per s",
       [](const sim::RunSummary& s) -> std::optional<double> {
         return static_cast<double>(s.datagrams_per_node_second_milli) / 1e3;
       }},
      {"bytes per node per s",
       [](const sim::RunSummary& s) -> std::optional<double> {
         return static_cast<double>(s.bytes_per_node_second_milli) / 1e3;
       }},
  };
  return *figures;
}

std::optional<double> PercentileOf(std::vector<double> values, int percentile) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p% at or below it.
  size_t rank = static_cast<size_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

std::vector<std::vector<std::string>> ComparisonCells(
    const std::vector<sim::RunSummary>& simulated,
    const std::vector<sim::RunSummary>& real) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(ComparedFigures().size() + 2);
  rows.push_back({"figure", "sim p10", "sim p50", "sim p90", "real p50",
                  "ratio", "real within sim p10-p90?"});
  for (const Figure& f : ComparedFigures()) {
    std::vector<double> s;
    std::vector<double> r;
    for (const sim::RunSummary& run : simulated) {
      if (std::optional<double> v = f.of(run)) s.push_back(*v);
    }
    for (const sim::RunSummary& run : real) {
      if (std::optional<double> v = f.of(run)) r.push_back(*v);
    }
    const std::optional<double> p10 = PercentileOf(s, 10);
    const std::optional<double> p50 = PercentileOf(s, 50);
    const std::optional<double> p90 = PercentileOf(s, 90);
    const std::optional<double> real50 = PercentileOf(r, 50);
    std::string ratio = "-";
    std::string within = "-";
    if (p50.has_value() && real50.has_value()) {
      if (*p50 != 0) ratio = absl::StrFormat("%.2f", *real50 / *p50);
      within = (*real50 >= *p10 && *real50 <= *p90) ? "yes" : "NO";
    }
    rows.push_back(
        {f.name, Cell(p10), Cell(p50), Cell(p90), Cell(real50), ratio, within});
  }
  rows.push_back({absl::StrCat("(", simulated.size(), " simulated seeds, ",
                               real.size(), " real runs)")});
  return rows;
}

std::string FormatComparison(const std::vector<sim::RunSummary>& simulated,
                             const std::vector<sim::RunSummary>& real) {
  std::string out;
  for (const std::vector<std::string>& row : ComparisonCells(simulated, real)) {
    if (row.size() < 7) {
      absl::StrAppend(&out, row.empty() ? "" : row[0], "\n");
      continue;
    }
    absl::StrAppendFormat(&out, "%-34s %10s %10s %10s %10s %7s  %s\n", row[0],
                          row[1], row[2], row[3], row[4], row[5], row[6]);
  }
  return out;
}

}  // namespace swim::tools
