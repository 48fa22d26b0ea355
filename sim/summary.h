// The figures of one run, and their text and JSON forms.
//
// Durations are integer nanoseconds (kNever or -1 when there is nothing to
// measure) until formatting, which prints milliseconds. Wall-clock figures
// are filled in by the tool (the library never reads the wall clock).
//
//   RunSummary s = result.summary;
//   s.wall_ns = elapsed;  // from the tool's clock
//   std::cout << FormatSummaryText(s);
//   WriteFile(json_path, FormatSummaryJson(s));
#ifndef SIM_SUMMARY_H_
#define SIM_SUMMARY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics.h"
#include "sim/oracle.h"
#include "sim/sim_time.h"
#include "swim/counters.h"
#include "swim/message.h"

namespace swim::sim {

struct RunSummary {
  std::string scenario;
  int nodes = 0;
  uint64_t seed = 0;
  SimTime duration = 0;
  SimTime liveness_at = kNever;
  std::string digest;
  uint64_t events = 0;
  uint64_t trace_records = 0;

  // Crashes and how they were detected.
  int crashes = 0;
  int crashes_detected = 0;     // OFFLINE at every live node at some point
  Percentiles first_suspicion;  // first SUSPECT (or OFFLINE) shown
  Percentiles first_suspicion_raised;  // first held SUSPECT, shown or not
  Percentiles offline_at_observer;     // per (crash, observer)
  Percentiles offline_everywhere;      // per crash
  // Accuracy (see AccuracyOracle).
  uint64_t false_suspicions = 0;
  uint64_t false_offlines = 0;
  uint64_t members_falsely_offline = 0;
  uint64_t healthy_status_changes = 0;
  // From the liveness start (or time zero) until the cluster converged for
  // good; -1 if it had not at the end.
  SimTime convergence = -1;
  // From the last fault change before the liveness start (LastFaultChange:
  // a crash, a heal, a resume) until the cluster converged for good; -1 if
  // it had not at the end. Not printed; swim_real --compare's figure.
  SimTime convergence_after_fault = -1;
  // Metadata updates.
  int updates = 0;
  int updates_everywhere = 0;
  Percentiles dissemination;             // per (update, observer)
  Percentiles dissemination_everywhere;  // per update
  // User broadcasts (sim/dissemination_oracle.h): how many were made, how
  // many of those judged reached every live node, and per broadcast the
  // time until the last of them delivered it. Direct messages delivered.
  int user_broadcasts = 0;
  int user_broadcasts_checked = 0;
  int user_broadcasts_everywhere = 0;
  Percentiles user_broadcast_everywhere;
  uint64_t user_deliveries = 0;
  uint64_t user_duplicate_deliveries = 0;
  uint64_t direct_messages = 0;
  // Application states (sim/app_state_tracker.h): set by the scenario,
  // merged by the nodes (at joins among them); of the latest states of the
  // live nodes at the end, how many every other live node merged.
  uint64_t app_states_set = 0;
  uint64_t app_state_merges = 0;
  uint64_t app_state_join_merges = 0;
  uint64_t app_states_checked = 0;
  uint64_t app_states_everywhere = 0;
  // Network coordinates at the end against the modelled round trips
  // (sim/coordinate_accuracy.h); pairs 0 without coordinates.
  uint64_t coordinate_pairs = 0;
  uint64_t coordinate_pairs_within_25pct = 0;
  uint64_t coordinate_error_p50_permille = 0;
  uint64_t coordinate_error_p90_permille = 0;
  // Traffic, over the whole run and over the steady window (if any).
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t datagrams_dropped = 0;
  size_t largest_datagram_bytes = 0;
  // Per node per second, in thousandths (integers keep the digest-side
  // figures exact; printed as decimals).
  uint64_t datagrams_per_node_second_milli = 0;
  uint64_t bytes_per_node_second_milli = 0;
  SimTime steady_from = -1;
  SimTime steady_until = -1;
  uint64_t steady_bytes_per_node_second_milli = 0;
  uint64_t steady_datagrams_per_node_second_milli = 0;
  // Bytes sent per node per second (thousandths) by the message each
  // datagram carried (swim::MessageTypeName), over the whole run.
  std::array<uint64_t, kMessageTypeCount> bytes_by_message_milli{};
  // Every node's protocol counters added up, crashed lives included.
  Counters counters;

  // Oracles.
  std::vector<std::string> oracles_run;
  std::vector<Violation> violations;
  uint64_t violation_count = 0;
  bool ok() const { return violation_count == 0; }
  std::string replay_command;

  // Filled in by the tool from its own clock; 0 if unknown.
  int64_t wall_ns = 0;
  int64_t peak_rss_bytes = 0;
};

std::string FormatSummaryText(const RunSummary& s);
std::string FormatSummaryJson(const RunSummary& s);
// Milliseconds with three decimals, or "-" for kNever/-1.
std::string FormatMs(SimTime t);

// A rate per node and second, in thousandths (RunSummary's *_milli
// figures): total over `nodes` nodes and `span` of simulated time; 0 for
// no nodes or an empty span. Exact integer arithmetic, so that the figure
// is the same on every build.
uint64_t PerNodeSecondMilli(uint64_t total, int nodes, SimTime span);

}  // namespace swim::sim

#endif  // SIM_SUMMARY_H_
