// swim_real --compare: the same scenario on the simulator (several seeds)
// and for real (several runs), figure by figure: the simulator's 10th,
// 50th and 90th percentile over its seeds, the real runs' median, their
// ratio, and whether the real median falls within the simulator's
// p10-p90 band.
//
//   std::vector<sim::RunSummary> simulated = ...;  // one per seed
//   std::vector<sim::RunSummary> real = ...;       // one per real run
//   std::cout << FormatComparison(simulated, real);
#ifndef TOOLS_REAL_COMPARE_H_
#define TOOLS_REAL_COMPARE_H_

#include <optional>
#include <string>
#include <vector>

#include "sim/summary.h"

namespace swim::tools {

// One figure of a run, as a number (milliseconds for durations, counts,
// rates per node per second); nullopt when the run had nothing to measure.
struct Figure {
  const char* name;
  std::optional<double> (*of)(const sim::RunSummary&);
};
const std::vector<Figure>& ComparedFigures();

// Nearest-rank percentile (0-100) of the values; nullopt if empty.
std::optional<double> PercentileOf(std::vector<double> values, int percentile);

// The side-by-side table as cells: a header row, then one row per figure
// (figure, sim p10, p50, p90, real p50, ratio, within), then a row with
// the number of seeds and runs alone.
std::vector<std::vector<std::string>> ComparisonCells(
    const std::vector<sim::RunSummary>& simulated,
    const std::vector<sim::RunSummary>& real);

// The side-by-side table as text, one line per figure.
std::string FormatComparison(const std::vector<sim::RunSummary>& simulated,
                             const std::vector<sim::RunSummary>& real);

}  // namespace swim::tools

#endif  // TOOLS_REAL_COMPARE_H_
