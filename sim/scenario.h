// Scripted scenarios: a small text format, parsed into a plan of timed
// actions that the runner applies to a Simulator.
//
// One statement per line; '#' starts a comment. Times and durations are
// absl durations ("90s", "1m30s", "500ms", "1h"); rates are percentages
// ("10%", "0.5%"); node sets are an index ("7"), or braces with indexes,
// inclusive ranges and percentage ranges of the node count, half-open so
// that halves split evenly: "{0..499}", "{1,3,10..19}", "{0%..50%}".
//
//   name two-halves            # shown in reports
//   nodes 1000                 # default 1000 (--nodes overrides)
//   seed 7                     # default 1 (--seed overrides)
//   duration 3m                # simulated time; default 2m
//   latency 500us 1ms          # minimum and jitter (uniform)
//   loss 1%                    # global loss from the start
//   config probe_interval 500ms   # a swim::Config knob (swim/config_knobs.h)
//   config {0..4} protocol_version_max 1   # ... of some nodes only
//   at 30s restart 3 with protocol_version_max=2   # stop, start upgraded
//   at 30s partition {0%..50%} {50%..100%}
//   at 90s heal
//   at 100s crash 7
//   at 2m liveness             # faults stop, partitions heal
//   every 40s from 10s until 2m cut-inbound {0..9} for 20s
//   at 60s broadcast {3,50} bytes 100   # a user broadcast from each
//   every 10ms broadcast one {0%..100%}  # from one node in turn
//   at 70s send 3 -> {4..9}              # direct messages
//   at 60s restart-wave {0%..100%} over 20s down 3s..8s  # mass restart
//   at 5s state {0..9} bytes 4000        # application states (anti-entropy)
//
// See sim/README.md for every statement and action. ParseScenario is in
// scenario_parser.cc, the actions' grammar in scenario_actions.h.
#ifndef SIM_SCENARIO_H_
#define SIM_SCENARIO_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/network.h"
#include "sim/sim_time.h"

namespace swim::sim {

// A set of nodes as written; resolved against the node count at run time.
struct NodeSet {
  struct Range {
    uint32_t first = 0;  // index, or percent × 10^4 if `percent`
    uint32_t last = 0;   // inclusive index, or exclusive percent × 10^4
    bool percent = false;
  };
  std::vector<Range> ranges;
  // Sorted, distinct indexes; error if one is >= nodes.
  absl::StatusOr<std::vector<uint32_t>> Resolve(int nodes) const;
  std::string ToString() const;
};

enum class ActionKind {
  kPartition,    // sets
  kHeal,         // -
  kIsolate,      // sets[0]
  kRejoin,       // sets[0]: undo isolate (back to the main side)
  kCut,          // sets[0] -> sets[1]
  kUncut,        // sets[0] -> sets[1]
  kCutInbound,   // sets[0], flag = on
  kClog,         // sets[0] -> sets[1], duration
  kLoss,         // ppm (global)
  kLossIn,       // sets[0], ppm
  kLossOut,      // sets[0], ppm
  kLossLink,     // sets[0] -> sets[1], ppm
  kLatency,      // value = min, value2 = jitter
  kDuplicate,    // ppm
  kReorder,      // ppm, value = delay
  kCrash,        // sets[0]
  kRestart,      // sets[0], config: "with K=V ..." (then live nodes restart)
  kPause,        // sets[0], duration, flag = drop input
  kResume,       // sets[0]
  kSlow,         // sets[0], value = per-datagram delay
  kDrift,        // sets[0], signed_ppm
  kMetadata,     // sets[0]
  kLeave,        // sets[0]
  kLiveness,     // -
  kBroadcast,    // sets[0], value = payload bytes, flag = one node in turn
  kSendTo,       // sets[0] -> sets[1], value = payload bytes
  kRestartWave,  // sets[0], value = over, value2 = down min, duration =
                 // down max; expanded by ExpandRestartWaves before a run
  kState,        // sets[0], value = application state bytes
};

struct Action {
  SimTime at = 0;
  ActionKind kind = ActionKind::kHeal;
  std::vector<NodeSet> sets;
  uint32_t ppm = 0;
  int64_t signed_ppm = 0;
  SimTime value = 0;
  SimTime value2 = 0;
  SimTime duration = 0;
  bool flag = false;
  // restart ... with KEY=VALUE ...: knobs (swim/config_knobs.h) the nodes
  // keep from this restart on.
  std::vector<std::pair<std::string, std::string>> config;
  int line = 0;      // in the scenario text; 0 if generated
  std::string text;  // the statement, for the trace and reports
};

struct Scenario {
  std::string name = "scenario";
  int nodes = 1000;
  uint64_t seed = 1;
  SimTime duration = Seconds(120);
  SimTime start_spread = Seconds(1);
  int seed_peers = 1;
  bool formed = false;  // "formed": SimOptions::formed
  NetworkParams network;
  // "config KEY VALUE" lines (swim/config_knobs.h), applied in order to
  // every node's Config.
  std::vector<std::pair<std::string, std::string>> config;
  // "config SET KEY VALUE" lines: the same, for the nodes of SET only, after
  // every "config KEY VALUE" (a mixed cluster: some nodes on another
  // protocol version, say).
  struct NodeConfig {
    NodeSet nodes;
    std::string key;
    std::string value;
  };
  std::vector<NodeConfig> node_config;
  // Sorted by time (stable: same-time actions keep their order).
  std::vector<Action> actions;
  // Oracle parameters.
  SimTime completeness_bound = Seconds(60);
  SimTime accuracy_grace = Seconds(90);
  // "accuracy strict": any OFFLINE declaration of a healthy node fails,
  // even while other nodes are under faults (see AccuracyOracle).
  bool accuracy_strict = false;
  // "datagram-limit BYTES": the datagram size oracle's limit (the
  // network's MTU budget); 0: the nodes' max_datagram_bytes.
  size_t datagram_limit_bytes = 0;
  // "accuracy max-suspicions N": more suspicions of healthy nodes fail.
  uint64_t max_false_suspicions = ~uint64_t{0};
  // Traffic is also reported over [steady_from, steady_until).
  SimTime steady_from = -1;   // -1: not reported
  SimTime steady_until = -1;  // -1: the liveness start or the end
  // The time of the "liveness" action, kNever if none.
  SimTime liveness_at() const;
  // The scenario as text that parses back to the same scenario.
  std::string source;
};

// Parses the text, then checks it with CheckScenarioTimes.
absl::StatusOr<Scenario> ParseScenario(absl::string_view text);

// OK if the scenario can run as written: a positive duration, and no
// action after its end (which would silently never happen); otherwise
// InvalidArgument naming the first offending statement and its line.
absl::Status CheckScenarioTimes(const Scenario& sc);

// "7", "{1,3,10..19}", "{0%..50%}" (see NodeSet).
absl::StatusOr<NodeSet> ParseNodeSet(absl::string_view text);
// "10%" -> 100000 ppm; "0.25%" -> 2500. At most four decimals.
absl::StatusOr<uint32_t> ParsePercent(absl::string_view text);
// absl::ParseDuration, in integer nanoseconds (no floating point).
absl::StatusOr<SimTime> ParseSimDuration(absl::string_view text);

}  // namespace swim::sim

#endif  // SIM_SCENARIO_H_
