// The HTML page of a swim_real --compare run: the comparison table, then
// the simulator and the real runs on the same axes. For each time chart
// (members seen ONLINE, SUSPECT and OFFLINE per live node; what each
// partition side sees OFFLINE; bytes per node per second) the simulator's
// p10-p90 over its seeds as a shaded range, its median as a line, and every
// real run as a dashed line; then the CDF of detection times of both sides. The
// scenario's fault periods are shaded on every time chart. The simulator's side
// is a function of its seeds alone, so it is the same page for the same runs.
//
//   CompareRuns runs;
//   runs.title = "fidelity-crash (30 nodes)";
//   runs.simulated = ...;  runs.sim_curves = ...;  // one per seed
//   runs.real = ...;       runs.real_curves = ...; // one per real run
//   runs.faults = sim_result.faults;
//   WriteFile("compare.html", CompareReportHtml(runs));
#ifndef TOOLS_REAL_COMPARE_REPORT_H_
#define TOOLS_REAL_COMPARE_REPORT_H_

#include <string>
#include <vector>

#include "sim/fault_bands.h"
#include "sim/html_report.h"
#include "sim/summary.h"
#include "tools/run_curves.h"

namespace swim::tools {

struct CompareRuns {
  std::string title;
  std::vector<sim::RunSummary> simulated;
  std::vector<RunCurves> sim_curves;
  std::vector<sim::RunSummary> real;
  std::vector<RunCurves> real_curves;
  std::vector<sim::FaultBand> faults;
  double duration_s = 0;  // the x axis of the time charts
};

sim::ReportPage ComparePage(const CompareRuns& runs);
std::string CompareReportHtml(const CompareRuns& runs);

}  // namespace swim::tools

#endif  // TOOLS_REAL_COMPARE_REPORT_H_
