// Every counter and gauge of a running UdpNode as one flat list of named
// samples, the single source of `swim stats` and `swim metrics` (the
// Prometheus text, net/prometheus_text.h), so the two never disagree.
//
// Names follow Prometheus conventions: a `swim_` prefix, `_total` on
// counters, units last (`swim_socket_received_bytes_total`), one label for
// the breakdowns (`swim_drops_total{reason="auth_failed"}`,
// `swim_members{status="suspect"}`).
//
//   std::vector<MetricSample> samples =
//       NodeMetrics(node.Stats(), *node.Members(), node.KeyIds()->size());
//   for (const MetricSample& s : samples) Print(s.family, s.value);
#ifndef NET_NODE_METRICS_H_
#define NET_NODE_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "net/member_snapshot.h"
#include "net/udp_node.h"

namespace swim::net {

enum class MetricType { kCounter, kGauge };

// One value. Samples of one family are adjacent in NodeMetrics' list and
// share type and help.
struct MetricSample {
  std::string family;  // e.g. "swim_drops_total"
  MetricType type = MetricType::kCounter;
  absl::string_view help;
  std::string label_name;  // empty: no label
  std::string label_value;
  uint64_t value = 0;
};

// "counter" or "gauge".
absl::string_view MetricTypeName(MetricType type);

// The samples of `stats` (swim::Counters and the socket's counters),
// `members` (members by status) and the number of keys held, in a fixed
// order.
std::vector<MetricSample> NodeMetrics(const UdpNodeStats& stats,
                                      const MembersSnapshot& members,
                                      size_t key_count);

}  // namespace swim::net

#endif  // NET_NODE_METRICS_H_
