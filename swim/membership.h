// Merging what a node hears into its view of the cluster: each update is
// weighed against the member's record by the precedence rules
// (swim/precedence.h), and what wins changes the member's status, with
// every part that tracks members kept in step (suspicions, probe order,
// metadata fetches, offline members, gossip) and an event reported.
// Accusations of the local member go to LocalMember to refute.
//
// It is also where the other parts' verdicts become status changes: a
// finished probe (Prober::Outcome), an expired suspicion, a retention
// that ran out.
//
//   if (!membership.TellsNothingNew(alive_view))
//     membership.Apply(now, ToUpdate(alive_view), sender, from, Via::kGossip);
//   membership.OnProbeEnded(now, outcome);
//   membership.ExpireSuspicions(now);
#ifndef SWIM_MEMBERSHIP_H_
#define SWIM_MEMBERSHIP_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/admission.h"
#include "swim/anti_entropy.h"
#include "swim/local_member.h"
#include "swim/message.h"
#include "swim/metadata_fetch.h"
#include "swim/name_policy.h"
#include "swim/node_context.h"
#include "swim/offline_members.h"
#include "swim/outbox.h"
#include "swim/packet_view.h"
#include "swim/precedence.h"
#include "swim/prober.h"
#include "swim/suspicions.h"

namespace swim {

class Membership {
 public:
  // Where an update came from, which decides what is re-gossiped.
  enum class Via {
    kGossip,  // piggybacked or in a Gossip datagram
    kSync,    // a full-state exchange (old news, mostly)
    kKnown,   // Node::AddKnownMembers (old news, not spread)
  };

  // The parts a status change has to keep in step.
  struct Parts {
    Outbox& outbox;
    Prober& prober;
    Suspicions& suspicions;
    MetadataFetcher& fetcher;
    AntiEntropy& anti_entropy;
    OfflineMembers& offline;
    LocalMember& local;
    Admission& admission;
  };

  Membership(NodeContext& ctx, Parts parts)
      : ctx_(ctx), parts_(parts), names_(ctx) {}

  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;

  // Whether applying `alive` would change nothing (a member we know, in
  // the life and metadata we hold): most of a full-state exchange, skipped
  // without copying.
  bool TellsNothingNew(const AliveView& alive) const;
  void Apply(absl::Time now, const Update& update, absl::string_view sender,
             absl::string_view from_address, Via via);
  void ApplyAlive(absl::Time now, const Alive& received,
                  absl::string_view sender, absl::string_view from_address,
                  Via via);

  // A probe of the member ended.
  void OnProbeEnded(absl::Time now, const Prober::Outcome& outcome);
  // Declares the members whose suspicion ran out.
  void ExpireSuspicions(absl::Time now);
  // Forgets the offline members whose retention ran out.
  void Reap(absl::Time now);

  // Sets a member's status, keeping the other parts in step, and reports
  // the change (a move from `previous_address`, if not empty, included).
  void Transition(absl::Time now, uint32_t id, Status status,
                  OfflineReason reason, bool metadata_changed,
                  absl::string_view previous_address = {});

 private:
  // Whether an update at `incarnation` about `member` keeps within
  // swim/incarnation_bound.h's bound; counts it in updates_refused if not.
  bool Admits(UpdateKind kind, absl::string_view member, uint64_t incarnation);
  // The incarnation we hold of `member` (0 if unknown; the local one for
  // ourselves).
  uint64_t Held(absl::string_view member) const;
  // `received`, or, for an Alive about another member beyond the jump,
  // a copy in `storage` taken at the jump (AliveIncarnationTaken; counted
  // in alives_clamped).
  const Alive& Bounded(const Alive& received, Alive* storage);
  // An Alive about a member we do not know yet (admission, the table's
  // bound, how its news spreads).
  void AddMember(absl::Time now, const Alive& alive, absl::string_view sender,
                 absl::string_view from_address, Via via);
  // `offline_news`: the suspicion stands for an OFFLINE declaration heard
  // in a full-state exchange.
  void ApplySuspect(absl::Time now, const Suspect& suspect,
                    bool offline_news = false);
  void ApplyOffline(absl::Time now, absl::string_view member,
                    uint64_t incarnation, OfflineReason reason);
  // An accusation of the local member.
  void OnAccused(absl::Time now, uint64_t incarnation, OfflineReason reason);
  // Re-spreads a member's current state, newer than gossip just received.
  void RespondToStale(uint32_t id);
  void RaiseSuspicion(absl::Time now, uint32_t id);
  void OnSuspectProbed(absl::Time now, uint32_t id, bool failed);
  void DeclareOffline(absl::Time now, uint32_t id);
  void Forget(uint32_t id);
  // Whether the member's suspicion is still to be hidden: unconfirmed.
  bool HidesSuspicion(uint32_t id) const;
  // Shows a suspicion once confirmed, with its event.
  void UpdateShown(uint32_t id);

  NodeContext& ctx_;
  Parts parts_;
  NamePolicy names_;
};

}  // namespace swim

#endif  // SWIM_MEMBERSHIP_H_
