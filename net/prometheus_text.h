// The Prometheus text exposition format (version 0.0.4) of a list of
// samples (net/node_metrics.h): one `# HELP` and one `# TYPE` line per
// family, then its samples, as `swim metrics` prints and the metrics
// endpoint (net/metrics_http_server.h) serves.
//
//   std::string text = FormatPrometheusText(NodeMetrics(stats, members, 1));
//   // # HELP swim_drops_total Received datagrams dropped, by reason.
//   // # TYPE swim_drops_total counter
//   // swim_drops_total{reason="truncated"} 0
#ifndef NET_PROMETHEUS_TEXT_H_
#define NET_PROMETHEUS_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "net/node_metrics.h"

namespace swim::net {

// The Content-Type of the format.
inline constexpr absl::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// `samples` in the text format; samples of one family must be adjacent.
std::string FormatPrometheusText(absl::Span<const MetricSample> samples);

}  // namespace swim::net

#endif  // NET_PROMETHEUS_TEXT_H_
