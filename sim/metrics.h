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
//
// For the report's per-side charts, TrackGroups names sets of observers
// (the sides of a partition) whose views each sample also counts; with
// the cluster's protocol counters passed to TakeSample, samples also hold
// the bytes sent so far by message type.
#ifndef SIM_METRICS_H_
#define SIM_METRICS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/observer.h"
#include "sim/sim_time.h"
#include "sim/view_tracker.h"
#include "swim/counters.h"
#include "swim/status.h"

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
    SimTime first_suspicion_at = kNever;  // shown, by anyone
    // Held SUSPECT by anyone, shown or not (swim/protocol.md, "A
    // suspicion is shown once confirmed").
    SimTime first_raised_at = kNever;
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
    // Per tracked group, in TrackGroups' order: the same counts over the
    // group's live observers.
    struct Group {
      uint32_t live = 0;
      uint64_t online = 0;
      uint64_t suspect = 0;
      uint64_t offline = 0;
    };
    std::vector<Group> groups;
    // Bytes sent so far, by message type (swim::MessageTypeName); all zero
    // if TakeSample was not given the counters.
    Counters::PerType bytes_out{};
  };
  // A named set of observers (node indexes).
  struct GroupSpec {
    std::string name;
    std::vector<uint32_t> nodes;
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

  void BeforeCrash(const Cluster& sim, SimTime now, uint32_t node) override;
  void AfterStep(const Cluster& sim, SimTime now, uint32_t node) override;

  // Call before the run; each later sample counts these groups' views.
  void TrackGroups(std::vector<GroupSpec> groups);
  const std::vector<GroupSpec>& groups() const { return groups_; }

  void TakeSample(SimTime now);
  // The same, with the bytes every node (crashed lives included) has sent
  // so far, by message type.
  void TakeSample(const Cluster& sim, SimTime now);

  const std::vector<Detection>& detections() const { return detections_; }
  const std::vector<Dissemination>& disseminations() const {
    return disseminations_;
  }
  const std::vector<StatusSample>& samples() const { return samples_; }
  // Per-observer latencies over all crashes / updates.
  std::vector<SimTime> OfflineLatencies() const;
  std::vector<SimTime> FirstSuspicionLatencies() const;
  std::vector<SimTime> FirstRaisedLatencies() const;
  std::vector<SimTime> OfflineEverywhereLatencies() const;
  std::vector<SimTime> DisseminationLatencies() const;
  std::vector<SimTime> DisseminationEverywhereLatencies() const;

  // Datagrams and bytes sent in [from, to), whole seconds.
  uint64_t BytesSent(SimTime from, SimTime to) const;
  uint64_t DatagramsSent(SimTime from, SimTime to) const;

 private:
  void CheckDissemination(const Cluster& sim, SimTime now, uint32_t observer,
                          uint32_t member);
  void CountSeen(uint32_t observer, Status status, int delta);
  // (d.*at - d.crashed_at) over the detections where `at` happened.
  std::vector<SimTime> SinceCrash(SimTime Detection::*at) const;
  void ClearRow(uint32_t node);

  const ViewTracker* views_;
  std::vector<Detection> detections_;
  std::vector<Dissemination> disseminations_;
  // Indexes of open detections / disseminations per node (-1 if none).
  std::vector<int> open_detection_;
  // Detections nobody holds a suspicion of yet (few, and brief).
  std::vector<int> unraised_;
  std::vector<std::vector<int>> open_disseminations_;
  std::vector<StatusSample> samples_;
  std::vector<GroupSpec> groups_;
  // Per live observer: the members (others) it sees ONLINE, SUSPECT,
  // OFFLINE; rows of crashed or departed nodes are zero.
  std::vector<uint8_t> live_;
  std::vector<uint32_t> seen_online_;
  std::vector<uint32_t> seen_suspect_;
  std::vector<uint32_t> seen_offline_;
  // Bytes by message type sent by nodes since crashed (their counters go).
  Counters::PerType crashed_bytes_out_{};
  std::vector<uint64_t> bytes_per_second_;
  std::vector<uint64_t> datagrams_per_second_;
};

}  // namespace swim::sim

#endif  // SIM_METRICS_H_
