// SWIM's failure detector, the probing side: one probe per (health-scaled)
// interval, a direct ping, then ping requests to relays (and a second
// direct ping) at the timeout. Targets come from the probe ring
// (swim/probe_ring.h), or, with config.probe_ring_monitors = 0 and when
// the ring's member is not available, from a random round-robin order.
//
// Suspects waiting for an out-of-turn probe (Suspicions::NextToProbe) go
// first, but never twice in a row. The prober judges its own network
// (Lifeguard): acks lower the health score, relays that stay silent raise
// it, and a probe nobody answered at all accuses nobody. What a finished
// probe means for the member is the caller's to apply (Outcome).
//
//   prober.RunTimeout(now);
//   if (std::optional<Prober::Outcome> o = prober.FinishIfDue(now))
//     Judge(now, *o);
//   prober.StartIfDue(now);
#ifndef SWIM_PROBER_H_
#define SWIM_PROBER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/peer_sampler.h"
#include "swim/probe_ring.h"
#include "swim/round_trips.h"
#include "swim/suspicions.h"

namespace swim {

class Prober {
 public:
  // A probe that ended while its target was still the same member.
  struct Outcome {
    uint32_t target = 0;
    bool acked = false;
    // Not acked, and some relay answered (or none was asked): evidence
    // that the target, not our own network, failed.
    bool evidence = false;
  };
  enum class AckResult {
    kNotOurs,          // not for the current probe (a relay's, say)
    kOurs,             // the current probe's
    kOursReconnected,  // the current probe's, the first since we were cut
                       // off: we may have missed news meanwhile
  };

  Prober(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler,
         Suspicions& suspicions, absl::Time now);

  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  AckResult OnAck(absl::Time now, const Ack& ack);
  // Where acked probes' round trips go (and pings' coordinates come from).
  void set_round_trips(RoundTrips* round_trips) { round_trips_ = round_trips; }
  void OnNack(absl::Time now, const Nack& nack);

  // The current probe's direct ping timed out: asks relays.
  void RunTimeout(absl::Time now);
  // Ends the current probe if its interval is over.
  std::optional<Outcome> FinishIfDue(absl::Time now);
  // Starts the next probe if it is due.
  void StartIfDue(absl::Time now);

  // Adds a new (or returning) member to what is left of this pass.
  void Add(uint32_t id);
  // Takes a member about to be forgotten out of the probe order.
  void Remove(uint32_t id);
  // Drops the current probe (the node left).
  void Stop() { probe_.reset(); }

  absl::Time NextDeadline() const;

 private:
  // The probe of one member, from its ping to the end of its interval.
  struct Probe {
    uint32_t target = 0;
    std::string target_name;  // ids are reused once members are forgotten
    uint32_t seq = 0;
    absl::Time sent_at;     // the first direct ping
    absl::Time timeout_at;  // direct ping times out; ask relays
    absl::Time end_at;      // the interval ends; judge the probe
    bool acked = false;
    bool indirect_sent = false;
    int expected_nacks = 0;
    int nacks = 0;
  };

  void Start(absl::Time now);
  // The probe's ping to its target (again, as the fallback).
  void SendPing();
  void SendIndirectProbes();
  // Whether the probe's target id still stands for the member probed.
  bool StillTargets(const Probe& probe) const;
  // The target of the probe in ring slot `slot` (ignored without a ring).
  std::optional<uint32_t> NextTarget(int64_t slot);
  // The next member of the round-robin order.
  std::optional<uint32_t> NextInOrder();
  // Starts a new pass: every available member, in a fresh random order.
  void Reshuffle();
  void SetAwaiting(uint32_t id, bool awaiting);

  NodeContext& ctx_;
  Outbox& outbox_;
  PeerSampler& sampler_;
  Suspicions& suspicions_;
  RoundTrips* round_trips_ = nullptr;
  std::optional<Probe> probe_;
  std::optional<ProbeRing> ring_;
  int64_t next_slot_ = 0;  // of the ring
  absl::Time next_probe_at_;
  std::vector<uint32_t> order_;
  size_t position_ = 0;
  // By id: the member waits in the rest of this pass (order_ from
  // position_ on), so that adding one is O(1), not a search.
  std::vector<bool> awaiting_;
  bool last_out_of_turn_ = false;
  // A probe failed without a word from any relay since we last heard an
  // ack: we were probably cut off, and may have missed news.
  bool cut_off_ = false;
};

}  // namespace swim

#endif  // SWIM_PROBER_H_
