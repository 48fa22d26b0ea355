// What a run measured, gathered as it happens: detection of crashes,
// spread of metadata updates, traffic, and the status counts over time
// that the HTML report draws.
//
// Metrics reads the ViewTracker (register the tracker first), and is told
// by the runner when to take a sample:
//
//   ViewTracker views(n);
//   Metrics metrics(&views, n);
//   sim->AddObserver(&views);
//   sim->AddObserver(&metrics);
//   for (SimTime t = 0; t <= end; t += Seconds(1)) {
//     sim->RunUntil(t);
//     metrics.TakeSample(t);
//   }
//   Percentiles p = Summarize(metrics.OfflineLatencies());
#ifndef SIM_METRICS_H_
#define SIM_METRICS_H_

#include <cstdint>
#include <vector>

#include "sim/observer.h"
#include "sim/sim_time.h"
#include "sim/view_tracker.h"

namespace swim::sim {

// Nearest-rank percentiles of durations, in integer nanoseconds.
struct Percentiles {
  size_t count = 0;
  SimTime p50 = 0;
  SimTime p99 = 0;
  SimTime max = 0;
};
Percentiles Summarize(std::vector<SimTime> values);

class Metrics : public SimObserver {
 public:
  // One crash, and how the cluster found out.
  struct Detection {
    uint32_t node = 0;
    SimTime crashed_at = 0;
    SimTime first_suspicion_at = kNever;  // by anyone
    SimTime offline_everywhere_at = kNever;
    SimTime restarted_at = kNever;
    std::vector<SimTime> offline_latencies;  // per observer that saw it
    std::vector<uint8_t> seen;               // observers that saw OFFLINE
  };
  // One metadata update and its infection curve.
  struct Dissemination {
    uint32_t node = 0;
    uint64_t version = 0;
    SimTime set_at = 0;
    SimTime everywhere_at = kNever;
    std::vector<SimTime> latencies;  // per observer reached
    std::vector<uint8_t> reached;
    // (time, observers reached) at each change.
    std::vector<std::pair<SimTime, uint32_t>> curve;
  };
  struct StatusSample {
    SimTime at = 0;
    uint32_t live = 0;
    uint64_t online = 0;  // (observer, member) pairs, over live observers
    uint64_t suspect = 0;
    uint64_t offline = 0;
  };

  Metrics(const ViewTracker* views, int nodes);

  void OnMemberEvent(const Cluster& sim, SimTime now, uint32_t observer,
                     uint32_t member, const MemberEvent& event) override;
  void OnSend(const Cluster& sim, SimTime now, uint32_t from, uint32_t to,
              size_t bytes) override;
  void OnLife(const Cluster& sim, SimTime now, uint32_t node,
              Life life) override;
  void OnMetadataSet(const Cluster& sim, SimTime now, uint32_t node,
                     uint64_t version) override;

  void TakeSample(SimTime now);

  const std::vector<Detection>& detections() const { return detections_; }
  const std::vector<Dissemination>& disseminations() const {
    return disseminations_;
  }
  const std::vector<StatusSample>& samples() const { return samples_; }
  // Per-observer latencies over all crashes / updates.
  std::vector<SimTime> OfflineLatencies() const;
  std::vector<SimTime> FirstSuspicionLatencies() const;
  std::vector<SimTime> OfflineEverywhereLatencies() const;
  std::vector<SimTime> DisseminationLatencies() const;
  std::vector<SimTime> DisseminationEverywhereLatencies() const;

  // Datagrams and bytes sent in [from, to), whole seconds.
  uint64_t BytesSent(SimTime from, SimTime to) const;
  uint64_t DatagramsSent(SimTime from, SimTime to) const;

 private:
  void CheckDissemination(const Cluster& sim, SimTime now, uint32_t observer,
                          uint32_t member);

  const ViewTracker* views_;
  std::vector<Detection> detections_;
  std::vector<Dissemination> disseminations_;
  // Indexes of open detections / disseminations per node (-1 if none).
  std::vector<int> open_detection_;
  std::vector<std::vector<int>> open_disseminations_;
  std::vector<StatusSample> samples_;
  std::vector<uint64_t> bytes_per_second_;
  std::vector<uint64_t> datagrams_per_second_;
};

}  // namespace swim::sim

#endif  // SIM_METRICS_H_
