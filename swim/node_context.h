// What the parts of a swim::Node share: its config, the member table, the
// counters, the protocol PRNG, Lifeguard's health score and the queue of
// membership events.
//
// Node owns one NodeContext and hands each part (prober, suspicions,
// outbox, ...) a reference to it. Every part draws from the one `rng`, in
// the order the node's inputs make them run, which is what keeps a run
// reproducible from its seed.
//
//   NodeContext ctx(std::move(config));
//   const uint32_t seq = ctx.NextSeq();
//   ctx.UpdateHealth(+1);          // a probe failed
//   ctx.Emit(id, Status::kOnline, /*metadata_changed=*/false);
#ifndef SWIM_NODE_CONTEXT_H_
#define SWIM_NODE_CONTEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/health.h"
#include "swim/member_event.h"
#include "swim/members.h"
#include "swim/prng.h"
#include "swim/status.h"

namespace swim {

struct NodeContext {
  explicit NodeContext(Config node_config);

  NodeContext(const NodeContext&) = delete;
  NodeContext& operator=(const NodeContext&) = delete;

  // A new sequence number for a ping (probes, relays, offline probes).
  uint32_t NextSeq() { return ++last_seq; }
  // Applies a Lifeguard health change and mirrors it in the counters.
  void UpdateHealth(int delta);
  // Reports the member's current state; it was `previous` before (and at
  // `previous_address`, if not empty: it moved).
  void Emit(uint32_t id, Status previous, bool metadata_changed,
            absl::string_view previous_address = {});
  // Reports that `claimant_address` claimed the member's name at
  // `claimant_incarnation` (MemberEvent::Kind::kNameConflict).
  void EmitNameConflict(uint32_t id, absl::string_view claimant_address,
                        uint64_t claimant_incarnation);
  // Reports that the member is about to be forgotten.
  void EmitForgotten(uint32_t id);
  // The oldest event not yet taken, if any (Node::PollEvent).
  std::optional<MemberEvent> TakeEvent();
  // Makes room for `more` events (many members learnt at once).
  void ReserveEvents(size_t more);

  // The node's config, minus its keys (held by the keyring only) and
  // initial metadata (held in `members`).
  Config config;
  Members members;
  Counters counters;
  Prng rng;  // protocol choices
  LocalHealth health;
  // Events not yet taken: events[events_taken..]. A vector drained from
  // the front and emptied (its memory released) once all are taken: a
  // node that learns 10,000 members at once queues 10,000 events, for
  // which a deque would allocate and free a block every two.
  std::vector<MemberEvent> events;
  size_t events_taken = 0;
  bool left = false;
  uint32_t last_seq = 0;
  // The last request stamp sent (swim/replay_guard.h, NextRequestStamp).
  uint64_t last_stamp = 0;

 private:
  // The member as it stands now, as an event.
  MemberEvent EventOf(uint32_t id) const;
};

}  // namespace swim

#endif  // SWIM_NODE_CONTEXT_H_
