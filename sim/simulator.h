// The discrete-event simulator: N real swim::Node state machines over a
// modelled network, in integer virtual time, decided entirely by a seed.
//
// Each node gets the name "n<i>", the address "n<i>:7946" and a seed drawn
// from the run's seed; node i boots at a random offset within
// options.start_spread and joins through the first options.seed_peers
// nodes (or, with options.formed, boots knowing every node already). The
// simulator feeds nodes exactly what the UDP adapter would (HandleDatagram
// with the sender's address, Tick at NextDeadline), drains their transmits
// into the NetworkModel and their events into observers and the trace
// digest. Faults are applied between RunUntil calls:
//
//   SimOptions options;
//   options.nodes = 100;
//   options.seed = 42;
//   absl::StatusOr<std::unique_ptr<Simulator>> sim =
//   Simulator::Create(options);
//   (*sim)->RunUntil(Seconds(30));
//   (*sim)->Crash(7);
//   (*sim)->network().Partition({{0, 1, 2}});
//   (*sim)->RunUntil(Seconds(90));
//   std::cout << (*sim)->trace().DigestHex();
//
// Single-threaded. Nothing reads the wall clock.
#ifndef SIM_SIMULATOR_H_
#define SIM_SIMULATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/app_state_tracker.h"
#include "sim/cluster.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/observer.h"
#include "sim/sim_time.h"
#include "sim/trace.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/node.h"

namespace swim::sim {

struct SimOptions {
  int nodes = 1000;
  uint64_t seed = 1;
  NetworkParams network;
  // Timings and switches for every node; name, address, keys, cluster
  // name, seed and seed peers are filled in per node.
  Config base_config;
  // Node 0 boots at time zero, the others at uniform offsets in
  // [0, start_spread).
  SimTime start_spread = Seconds(1);
  // Nodes join through nodes 0 .. seed_peers - 1; a restarted node through
  // nodes 0 .. restart_seed_peers - 1 (itself excluded).
  int seed_peers = 1;
  int restart_seed_peers = 3;
  // Start formed: each node boots knowing every node's first Alive
  // (Node::AddKnownMembers with Node::Announcement of each config), as a
  // cluster restored from saved views would, rather than joining through
  // seed peers. Restarted nodes still join. For runs about a cluster's
  // life rather than its formation (a join storm of 10,000 nodes moves
  // 10^8 member records); keep start_spread within a probe interval, or
  // early nodes will probe members that have not booted yet.
  bool formed = false;
  // Knobs (swim/config_knobs.h) set on some nodes only, after base_config:
  // node_config[i] for node i (may be shorter than `nodes`).
  std::vector<std::vector<std::pair<std::string, std::string>>> node_config;
  // Node i at 127.0.1.<i+1>:7946 (and on, 127.0.2.0 after 127.0.1.255)
  // rather than n<i>:7946: tools/swim_real's addresses, longer, so member
  // records (which carry them) are as big as a real run's when the two
  // are compared.
  bool loopback_addresses = false;
};

// Fault codes in the trace (the first argument of a kFault record).
enum class FaultCode : uint64_t {
  kCrash = 1,
  kRestart = 2,
  kPause = 3,
  kResume = 4,
  kSlow = 5,
  kDrift = 6,
  kMetadata = 7,
  kLeave = 8,
  kNetwork = 9,  // a network change; arguments say which (runner-defined)
  kRestartAs = 10,
  kBroadcast = 11,  // node, payload bytes
  kSendTo = 12,     // from, to, payload bytes
  kState = 13,      // node, application state bytes
};

struct SimStats {
  uint64_t events = 0;  // agenda events processed
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t datagrams_delivered = 0;
  std::array<uint64_t, 7> dropped{};  // by DropCause
  size_t largest_datagram_bytes = 0;
  uint64_t member_events = 0;
};

class Simulator final : public Cluster {
 public:
  static absl::StatusOr<std::unique_ptr<Simulator>> Create(SimOptions options);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Not owned; must outlive the simulator. Called in registration order.
  void AddObserver(SimObserver* observer) { observers_.push_back(observer); }
  // Writes every trace record as text (not owned; nullptr for none).
  void set_trace_sink(std::ostream* sink) { trace_.set_sink(sink); }

  // Processes every event due at or before `end`, then sets now() = end.
  void RunUntil(SimTime end);
  SimTime now() const { return now_; }

  // ---- Node faults (take effect at now()). ----
  // Stops the node and loses its state; datagrams to it are dropped.
  void Crash(uint32_t node);
  // Starts a crashed node again under the same name and address, with
  // fresh state and a fresh seed. No-op unless the node is down.
  absl::Status Restart(uint32_t node);
  // Starts a crashed node again, at its own address, under `claimed`'s
  // name: a second process claiming a live member's name (see
  // swim/name_policy.h). Its events and counters are its slot's; the
  // oracles, which know members by name, are not meant for such runs.
  absl::Status RestartAs(uint32_t node, uint32_t claimed);
  // Sets knob `key` of the node's config from its next start on (a restart
  // into a new version, say). InvalidArgument for an unknown key or a bad
  // value.
  absl::Status Reconfigure(uint32_t node, absl::string_view key,
                           absl::string_view value);
  // No ticks and no receives for `duration` (a long GC pause): what
  // arrives meanwhile is queued and handled on resume, or dropped.
  void Pause(uint32_t node, SimTime duration, bool drop_input);
  void Resume(uint32_t node);
  // Each received datagram keeps the node busy `per_datagram` before it is
  // handled (received datagrams queue behind each other). 0 ends it.
  void SetSlow(uint32_t node, SimTime per_datagram);
  // The node's clock runs at (1 + ppm / 10^6) times real speed from now on.
  void SetDrift(uint32_t node, int64_t ppm);
  // Replaces the node's metadata (Node::SetMetadata).
  absl::Status SetMetadata(uint32_t node, Metadata metadata);
  // The node broadcasts `payload` under `key` (Node::Broadcast's errors;
  // FailedPrecondition if it is down). In simulator_user.cc.
  absl::Status Broadcast(uint32_t node, absl::string_view key,
                         absl::string_view payload);
  // Node `from` sends `payload` to node `to` (Node::SendTo's errors).
  absl::Status SendTo(uint32_t from, uint32_t to, absl::string_view payload);
  // The node sets a new application state of `bytes` bytes, distinct from
  // any set before (Node::SetLocalState's errors).
  absl::Status SetLocalState(uint32_t node, size_t bytes);
  const AppStateTracker& app_states() const { return app_states_; }
  // Node::Leave; the node keeps running but is no longer a member.
  void Leave(uint32_t node);
  // Resumes paused nodes, ends slowness and drift. Crashes stay.
  void ClearNodeFaults();
  // Remembers that `node` was disturbed now (for the accuracy oracle).
  void MarkDisturbed(uint32_t node);
  // Records a network change in the trace.
  void RecordNetworkFault(std::initializer_list<uint64_t> args);

  NetworkModel& network() { return network_; }
  const NetworkModel& network() const { return network_; }

  // ---- Queries. ----
  // (Cluster's queries; see sim/cluster.h.)
  int size() const override { return static_cast<int>(slots_.size()); }
  bool IsUp(uint32_t node) const override {
    return slots_[node].node != nullptr;
  }
  bool IsLive(uint32_t node) const override {
    return IsUp(node) && !slots_[node].left;
  }
  bool IsPaused(uint32_t node) const { return slots_[node].paused; }
  bool WasEverCrashed(uint32_t node) const override {
    return slots_[node].crashes > 0;
  }
  // nullptr while the node is down.
  const Node* node(uint32_t node) const { return slots_[node].node.get(); }
  const Members* members(uint32_t node) const override {
    const Node* n = slots_[node].node.get();
    return n == nullptr ? nullptr : &n->members();
  }
  const Counters* counters(uint32_t node) const override {
    const Node* n = slots_[node].node.get();
    return n == nullptr ? nullptr : &n->counters();
  }
  const std::string& name(uint32_t node) const override {
    return slots_[node].name;
  }
  const std::string& address(uint32_t node) const {
    return slots_[node].address;
  }
  std::optional<uint32_t> IndexOfName(absl::string_view name) const override;
  bool Disturbed(uint32_t node, SimTime grace) const override;
  // The node's local clock at simulated time `t`.
  SimTime LocalTime(uint32_t node, SimTime t) const;
  const Config& base_config() const { return options_.base_config; }
  const SimOptions& options() const { return options_; }

  const Trace& trace() const { return trace_; }
  const SimStats& stats() const { return stats_; }
  // Every node's counters added up, crashed lives included.
  Counters TotalCounters() const;
  size_t queued_events() const { return queue_.size(); }

 private:
  struct Datagram {
    uint32_t from = 0;
    uint32_t epoch = 0;  // receiver's life when queued (for kProcess)
    std::string bytes;
  };
  struct Slot {
    std::string name;
    std::string address;
    std::string claimed_name;  // the name it runs under, if not its own
    std::unique_ptr<Node> node;
    bool left = false;
    bool paused = false;
    bool drop_while_paused = false;
    uint32_t pause_generation = 0;
    uint32_t epoch = 0;  // lives so far
    int crashes = 0;
    SimTime tick_at = kNever;
    SimTime busy_until = 0;
    SimTime slow_per_datagram = 0;
    // Clock: local = local_anchor + (t - global_anchor) × (10^6 + ppm) / 10^6.
    SimTime global_anchor = 0;
    SimTime local_anchor = 0;
    int64_t drift_ppm = 0;
    SimTime last_disturbed = -1;
    std::deque<uint32_t> pending;  // datagram slots queued while paused
    // Knobs of this node only, applied after base_config, in order.
    std::vector<std::pair<std::string, std::string>> config;
  };

  explicit Simulator(SimOptions options);

  Config NodeConfig(uint32_t node, bool restart) const;
  absl::Status StartNode(uint32_t node, bool restart);
  void Process(const Event& e);
  void Deliver(uint32_t node, uint32_t slot);
  // Drains the node's transmits and events, and schedules its next tick.
  void Pump(uint32_t node, bool after_tick);
  // Hands the node's deliveries to the observers (simulator_user.cc).
  void PumpDeliveries(uint32_t node);
  // Records the node's merged application states (simulator_user.cc).
  void PumpStateMerges(uint32_t node);
  void Send(uint32_t from, Transmit& transmit);
  void Reschedule(uint32_t node, bool after_tick);
  SimTime GlobalTime(uint32_t node, SimTime local) const;
  absl::Time NodeNow(uint32_t node) const {
    return ToAbslTime(LocalTime(node, now_), time_zero_);
  }
  uint32_t AllocDatagram(uint32_t from, std::string bytes);
  void FreeDatagram(uint32_t slot);
  // Traces a dropped datagram (kDrop in the network, kLost at its
  // receiver: node `a`, from `b`) and counts it by cause.
  void RecordDrop(TraceKind kind, uint32_t a, uint32_t b, DropCause cause);
  // An arrived datagram the receiver cannot take: recorded and freed.
  void LoseArrived(uint32_t node, uint32_t slot, DropCause cause);
  void Fault(FaultCode code, std::initializer_list<uint64_t> args);

  SimOptions options_;
  const absl::Time time_zero_;  // what nodes' clocks read at time zero
  NetworkModel network_;
  EventQueue queue_;
  Trace trace_;
  SimStats stats_;
  Counters crashed_counters_;  // of lives ended by Crash
  SimTime now_ = 0;
  std::vector<Slot> slots_;
  std::vector<Alive> announcements_;  // every node's, with options.formed
  // Looked up only, never iterated: no hash order reaches the output.
  absl::flat_hash_map<std::string, uint32_t> by_address_;
  std::vector<Datagram> datagrams_;
  AppStateTracker app_states_;
  uint64_t states_set_ = 0;  // makes each state set distinct
  std::vector<uint32_t> free_datagrams_;
  std::vector<SimObserver*> observers_;
};

}  // namespace swim::sim

#endif  // SIM_SIMULATOR_H_
