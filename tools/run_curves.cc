#include "tools/run_curves.h"

#include <algorithm>
#include <utility>

#include "swim/counters.h"

namespace swim::tools {

RunCurves CurvesOf(const sim::Metrics& metrics, int nodes,
                   const std::vector<uint64_t>& bytes_sent_at) {
  RunCurves c;
  const std::vector<sim::Metrics::StatusSample>& samples = metrics.samples();
  auto bytes = [&](size_t i) -> uint64_t {
    if (!bytes_sent_at.empty()) {
      return i < bytes_sent_at.size() ? bytes_sent_at[i] : 0;
    }
    uint64_t b = 0;
    for (size_t t = 0; t < kMessageTypeCount; ++t) {
      b += samples[i].bytes_out[t];
    }
    return b;
  };
  const double n = std::max(1, nodes);
  c.samples.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const sim::Metrics::StatusSample& s = samples[i];
    const double live = std::max<double>(1, s.live);
    RunCurves::Sample x;
    x.at_s = static_cast<double>(s.at) / 1e9;
    x.online = static_cast<double>(s.online) / live;
    x.suspect = static_cast<double>(s.suspect) / live;
    x.offline = static_cast<double>(s.offline) / live;
    if (i > 0 && s.at > samples[i - 1].at) {
      const uint64_t now = bytes(i);
      const uint64_t before = bytes(i - 1);
      const double span_s = static_cast<double>(s.at - samples[i - 1].at) / 1e9;
      x.bytes_per_node_s =
          now > before ? static_cast<double>(now - before) / span_s / n : 0;
    }
    c.samples.push_back(x);
  }
  for (size_t g = 0; g < metrics.groups().size(); ++g) {
    RunCurves::Side side;
    side.name = metrics.groups()[g].name;
    side.nodes = metrics.groups()[g].nodes.size();
    side.samples.reserve(samples.size());
    for (const sim::Metrics::StatusSample& s : samples) {
      if (g >= s.groups.size()) break;
      const sim::Metrics::StatusSample::Group& x = s.groups[g];
      const double live = std::max<double>(1, x.live);
      RunCurves::Sample y;
      y.at_s = static_cast<double>(s.at) / 1e9;
      y.online = static_cast<double>(x.online) / live;
      y.suspect = static_cast<double>(x.suspect) / live;
      y.offline = static_cast<double>(x.offline) / live;
      side.samples.push_back(y);
    }
    c.sides.push_back(std::move(side));
  }
  const std::vector<sim::SimTime> latencies = metrics.OfflineLatencies();
  c.offline_latencies_s.reserve(latencies.size());
  for (sim::SimTime t : latencies) {
    c.offline_latencies_s.push_back(static_cast<double>(t) / 1e9);
  }
  std::sort(c.offline_latencies_s.begin(), c.offline_latencies_s.end());
  return c;
}

}  // namespace swim::tools
