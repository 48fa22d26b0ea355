// A self-contained HTML page with SVG charts of one run, for people to
// look at: how many members each node sees in each status over time, the
// infection curve of every metadata update, and the CDF of detection
// times. No scripts, no external resources.
//
//   std::string html = HtmlReport(result.summary, *result.metrics);
//   WriteFile("run.html", html);
#ifndef SIM_HTML_REPORT_H_
#define SIM_HTML_REPORT_H_

#include <string>

#include "sim/metrics.h"
#include "sim/summary.h"

namespace swim::sim {

std::string HtmlReport(const RunSummary& summary, const Metrics& metrics);

}  // namespace swim::sim

#endif  // SIM_HTML_REPORT_H_
