// A self-contained HTML page of one run, for people to look at: the text
// summary as a table, then SVG charts (sim/report_chart.h) with the fault
// periods shaded: members seen in each status over time (overall and per
// partition side), traffic by message type, the infection curve of every
// metadata update, and the CDF of detection times. No scripts, no
// external resources.
//
// The page is built from plain data (ReportPage), so a tool with other
// sources (a run on real sockets, or a comparison with two series per
// chart) fills a ReportPage itself and renders it the same way:
//
//   std::string html = HtmlReport(r.summary, *r.metrics, r.faults);
//   // or:
//   ReportPage page = SimReportPage(r.summary, *r.metrics, r.faults);
//   page.charts[0].series.push_back(real_curve);  // dashed, named
//   WriteFile("run.html", RenderReportPage(page));
#ifndef SIM_HTML_REPORT_H_
#define SIM_HTML_REPORT_H_

#include <string>
#include <vector>

#include "sim/fault_bands.h"
#include "sim/metrics.h"
#include "sim/report_chart.h"
#include "sim/summary.h"

namespace swim::sim {

struct ReportPage {
  std::string title;
  // Lines of "LABEL  VALUE" (FormatSummaryText), shown as a table whose
  // long values wrap instead of scrolling.
  std::string summary_text;
  // Or (and) a table of cells, the first row its header; shorter rows
  // span the whole width (a note under the table).
  std::vector<std::vector<std::string>> table;
  std::vector<Chart> charts;
};

std::string RenderReportPage(const ReportPage& page);

// The bands of every time chart, in seconds.
std::vector<ChartBand> ChartBands(const std::vector<FaultBand>& faults);

// The simulator's page: its summary and the charts of its metrics.
ReportPage SimReportPage(const RunSummary& summary, const Metrics& metrics,
                         const std::vector<FaultBand>& faults);

std::string HtmlReport(const RunSummary& summary, const Metrics& metrics,
                       const std::vector<FaultBand>& faults = {});

}  // namespace swim::sim

#endif  // SIM_HTML_REPORT_H_
