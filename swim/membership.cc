#include "swim/membership.h"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "swim/incarnation_bound.h"
#include "swim/precedence.h"

namespace swim {
namespace {

// An announcement of the life and metadata version we hold of a member
// that is not OFFLINE: it does not win, but may tell of metadata we lack
// (a fetch that gave up, say).
bool IsSameLife(uint64_t incarnation, uint64_t metadata_version,
                const Members::Record& record) {
  return incarnation == record.incarnation &&
         metadata_version == record.metadata_version &&
         record.status != Status::kOffline;
}

}  // namespace

bool Membership::TellsNothingNew(const AliveView& alive) const {
  if (alive.member == ctx_.config.name) return false;
  std::optional<uint32_t> id = ctx_.members.IdOf(alive.member);
  if (!id.has_value()) return false;
  // Another address: the name policy's to judge (swim/name_policy.h).
  if (alive.address != ctx_.members.AddressOf(*id)) return false;
  const Members::Record& record = ctx_.members.record(*id);
  if (Supersedes(UpdateKind::kAlive, alive.incarnation, record.status,
                 record.offline_reason, record.incarnation)) {
    return false;
  }
  if (!IsSameLife(alive.incarnation, alive.metadata_version, record)) {
    return true;
  }
  return ctx_.members.HeldMetadataVersion(*id) == alive.metadata_version &&
         record.metadata_size == alive.metadata_size;
}

void Membership::Apply(absl::Time now, const Update& update,
                       absl::string_view sender, absl::string_view from_address,
                       Via via) {
  if (const Alive* alive = std::get_if<Alive>(&update)) {
    ApplyAlive(now, *alive, sender, from_address, via);
  } else if (const Suspect* suspect = std::get_if<Suspect>(&update)) {
    ApplySuspect(now, *suspect);
  } else if (const Offline* offline = std::get_if<Offline>(&update)) {
    if (via == Via::kSync && offline->member != ctx_.config.name) {
      // Full-state exchanges carry old news (and the other side of a
      // partition); like memberlist, suspect rather than condemn, which
      // gives the member time to refute.
      Suspect suspect;
      suspect.member = offline->member;
      suspect.incarnation = offline->incarnation;
      suspect.accuser = offline->accuser;
      ApplySuspect(now, suspect, /*offline_news=*/true);
      return;
    }
    ApplyOffline(now, offline->member, offline->incarnation,
                 OfflineReason::kFailed);
  } else if (const Left* left = std::get_if<Left>(&update)) {
    ApplyOffline(now, left->member, left->incarnation, OfflineReason::kLeft);
  }
}

uint64_t Membership::Held(absl::string_view member) const {
  if (member == ctx_.config.name) return parts_.local.incarnation();
  if (std::optional<uint32_t> id = ctx_.members.IdOf(member)) {
    return ctx_.members.record(*id).incarnation;
  }
  return 0;
}

bool Membership::Admits(UpdateKind kind, absl::string_view member,
                        uint64_t incarnation) {
  if (WithinIncarnationBound(kind, incarnation, Held(member))) return true;
  ++ctx_.counters.updates_refused;
  return false;
}

const Alive& Membership::Bounded(const Alive& received, Alive* storage) {
  // The local member's previous lives and anything past the ceiling are
  // refused (Admits), not taken lower.
  if (received.member == ctx_.config.name ||
      received.incarnation > kMaxAliveIncarnation) {
    return received;
  }
  const uint64_t taken =
      AliveIncarnationTaken(received.incarnation, Held(received.member));
  if (taken == received.incarnation) return received;
  ++ctx_.counters.alives_clamped;
  *storage = received;
  storage->incarnation = taken;
  storage->metadata_version =
      std::min(received.metadata_version, SaturatingIncrement(taken));
  return *storage;
}

void Membership::AddMember(absl::Time now, const Alive& alive,
                           absl::string_view sender,
                           absl::string_view from_address, Via via) {
  Members& members = ctx_.members;
  if (!parts_.admission.Admits(alive)) return;
  if (members.size() >= static_cast<size_t>(ctx_.config.max_members)) {
    ++ctx_.counters.members_refused;
    return;
  }
  const uint32_t id = members.Add(alive.member, alive.address, Status::kOnline,
                                  alive.incarnation);
  const bool metadata_changed =
      parts_.fetcher.OnAnnounced(now, id, alive, from_address);
  parts_.prober.Add(id);
  ctx_.Emit(id, Status::kUnknown, metadata_changed);
  if (via == Via::kKnown) return;
  // A full state exchange introduces many members at once; most of them
  // the cluster already knows, so they are gossiped only in the room
  // fresher news leaves, twice. The exchange's sender is real news.
  if (via == Via::kGossip || alive.member == sender) {
    parts_.outbox.Enqueue(id);
  } else {
    parts_.outbox.AddToBacklog(id);
  }
  // Churn: enough new members (from any source) since our last exchange
  // start another one; exchanges continue while they bring news.
  parts_.anti_entropy.NoteNewMember();
}

void Membership::ApplyAlive(absl::Time now, const Alive& received,
                            absl::string_view sender,
                            absl::string_view from_address, Via via) {
  if (!WithinMetadataBound(received.metadata_version, received.incarnation)) {
    ++ctx_.counters.updates_refused;
    return;
  }
  Alive storage;
  const Alive& alive = Bounded(received, &storage);
  if (!Admits(UpdateKind::kAlive, alive.member, alive.incarnation)) return;
  if (alive.member == ctx_.config.name) {
    if (alive.address != ctx_.members.AddressOf(Members::kLocalId)) {
      if (names_.OnLocalClaim(alive)) parts_.local.Refute(alive.incarnation);
      return;
    }
    // Someone holds a newer incarnation of us than we do: a previous life
    // of this member. Out-incarnate it.
    if (alive.incarnation > parts_.local.incarnation()) {
      parts_.local.Refute(alive.incarnation);
    }
    return;
  }
  Members& members = ctx_.members;
  std::optional<uint32_t> found = members.IdOf(alive.member);
  if (!found.has_value()) {
    AddMember(now, alive, sender, from_address, via);
    return;
  }
  const uint32_t id = *found;
  const bool moves = alive.address != members.AddressOf(id);
  if (moves &&
      names_.Judge(id, alive, sender) == NamePolicy::Verdict::kRefuse) {
    return;
  }
  const Members::Record& record = members.record(id);
  if (!Supersedes(UpdateKind::kAlive, alive.incarnation, record.status,
                  record.offline_reason, record.incarnation)) {
    if (!moves &&
        IsSameLife(alive.incarnation, alive.metadata_version, record) &&
        parts_.fetcher.OnAnnounced(now, id, alive, from_address)) {
      ctx_.Emit(id, members.ShownStatus(id), true);
    }
    return;
  }
  if (moves && !parts_.admission.Admits(alive)) return;
  const Status previous = record.status;
  std::string previous_address;
  if (moves) {
    previous_address = std::string(members.AddressOf(id));
    ++ctx_.counters.address_changes;
  }
  members.SetAddress(id, alive.address);
  members.mutable_record(id).incarnation = alive.incarnation;
  const bool metadata_changed =
      parts_.fetcher.OnAnnounced(now, id, alive, from_address);
  if (previous == Status::kOffline) parts_.prober.Add(id);
  Transition(now, id, Status::kOnline, OfflineReason::kNone, metadata_changed,
             previous_address);
  parts_.outbox.Enqueue(id);
  // A live member's new metadata is news the application waits for, as
  // its broadcasts are: pass it on in the next fast gossip round rather
  // than behind a busy queue's regular ones (the rounds a detection's
  // gossip keeps running).
  if (metadata_changed && Matches(previous, Status::kAvailable)) {
    parts_.outbox.GossipSoon(now);
  }
}

void Membership::ApplySuspect(absl::Time now, const Suspect& suspect,
                              bool offline_news) {
  if (suspect.member == ctx_.config.name) {
    // The local member never suspects itself.
    OnAccused(now, suspect.incarnation, OfflineReason::kNone);
    return;
  }
  if (!Admits(UpdateKind::kSuspect, suspect.member, suspect.incarnation)) {
    return;
  }
  std::optional<uint32_t> found = ctx_.members.IdOf(suspect.member);
  if (!found.has_value()) return;  // no address to probe it at
  const uint32_t id = *found;
  const Members::Record& record = ctx_.members.record(id);
  if (Supersedes(UpdateKind::kSuspect, suspect.incarnation, record.status,
                 record.offline_reason, record.incarnation)) {
    ctx_.members.mutable_record(id).incarnation = suspect.incarnation;
    parts_.suspicions.Start(now, id, suspect.accuser,
                            offline_news ? Suspicions::Source::kOfflineNews
                                         : Suspicions::Source::kGossip);
    Transition(now, id, Status::kSuspect, OfflineReason::kNone, false);
    parts_.outbox.Enqueue(id);
    return;
  }
  if (record.status == Status::kOnline &&
      suspect.incarnation < record.incarnation) {
    RespondToStale(id);
    return;
  }
  if (record.status == Status::kSuspect &&
      suspect.incarnation == record.incarnation &&
      suspect.accuser != suspect.member &&
      parts_.suspicions.Confirm(id, suspect.accuser)) {
    ++ctx_.counters.suspicion_confirmations;
    UpdateShown(id);
    parts_.outbox.Enqueue(id);  // pass the confirmation on
  }
}

void Membership::ApplyOffline(absl::Time now, absl::string_view member,
                              uint64_t incarnation, OfflineReason reason) {
  const UpdateKind kind =
      reason == OfflineReason::kLeft ? UpdateKind::kLeft : UpdateKind::kOffline;
  if (member == ctx_.config.name) {
    OnAccused(now, incarnation, reason);
    return;
  }
  if (!Admits(kind, member, incarnation)) return;
  std::optional<uint32_t> found = ctx_.members.IdOf(member);
  if (!found.has_value()) return;
  const uint32_t id = *found;
  const Members::Record& record = ctx_.members.record(id);
  if (!Supersedes(kind, incarnation, record.status, record.offline_reason,
                  record.incarnation)) {
    if (record.status == Status::kOnline && incarnation < record.incarnation) {
      RespondToStale(id);
    }
    return;
  }
  ctx_.members.mutable_record(id).incarnation = incarnation;
  Transition(now, id, Status::kOffline, reason, false);
  parts_.outbox.Enqueue(id);
}

void Membership::OnAccused(absl::Time now, uint64_t incarnation,
                           OfflineReason reason) {
  const uint64_t before = parts_.local.incarnation();
  if (incarnation > kMaxAccusedIncarnation) {
    ++ctx_.counters.updates_refused;
    return;
  }
  if (ctx_.left) return;
  if (!WithinIncarnationBound(UpdateKind::kSuspect, incarnation, before)) {
    // Others may hold us that high (each of their records moved within a
    // jump of its own): rather than stay accused there for good, climb
    // one jump; the accusation comes back (buddy pings) until we are past
    // it.
    ++ctx_.counters.accusations_clamped;
    incarnation = before + kMaxIncarnationJump - 1;
  }
  parts_.local.Rebut(incarnation);
  if (reason == OfflineReason::kFailed && parts_.local.incarnation() > before) {
    // We were declared OFFLINE (and just refuted it): others stopped
    // gossiping to us and probing us for a while, so the news of that
    // time (refutations of members we still hold OFFLINE, say) has
    // passed us by. Catch up with a state exchange now rather than at the
    // next periodic one, minutes away. Once per declaration: later copies
    // of it are stale.
    parts_.anti_entropy.SyncNoLaterThan(now);
  }
}

void Membership::RespondToStale(uint32_t id) {
  // Someone still spreads an accusation the member has since refuted
  // (refutations can miss a few members on a lossy network). Gossip the
  // refutation again, so that our next packets (the reply to the stale
  // sender's packet first) carry it.
  if (!parts_.outbox.IsQueued(id)) parts_.outbox.Enqueue(id);
}

void Membership::OnProbeEnded(absl::Time now, const Prober::Outcome& outcome) {
  const Status status = ctx_.members.record(outcome.target).status;
  if (outcome.acked) {
    if (status == Status::kSuspect) {
      OnSuspectProbed(now, outcome.target, /*failed=*/false);
    }
    return;
  }
  if (status == Status::kOnline && outcome.evidence) {
    RaiseSuspicion(now, outcome.target);
  } else if (status == Status::kSuspect) {
    OnSuspectProbed(now, outcome.target, outcome.evidence);
  }
}

void Membership::RaiseSuspicion(absl::Time now, uint32_t id) {
  ++ctx_.counters.suspicions_raised;
  parts_.suspicions.Start(now, id, ctx_.config.name,
                          Suspicions::Source::kOwnProbe);
  Transition(now, id, Status::kSuspect, OfflineReason::kNone, false);
  parts_.outbox.Enqueue(id);
}

void Membership::OnSuspectProbed(absl::Time now, uint32_t id, bool failed) {
  switch (parts_.suspicions.OnProbed(now, id, failed)) {
    case Suspicions::Verdict::kDeclareOffline:
      DeclareOffline(now, id);
      break;
    case Suspicions::Verdict::kSpreadConfirmation:
      UpdateShown(id);
      parts_.outbox.Enqueue(id);
      break;
    case Suspicions::Verdict::kNone:
      break;
  }
}

void Membership::ExpireSuspicions(absl::Time now) {
  for (uint32_t id : parts_.suspicions.Expire(now)) DeclareOffline(now, id);
}

void Membership::DeclareOffline(absl::Time now, uint32_t id) {
  ++ctx_.counters.members_declared_offline;
  Transition(now, id, Status::kOffline, OfflineReason::kFailed, false);
  parts_.outbox.Enqueue(id);
}

void Membership::Transition(absl::Time now, uint32_t id, Status status,
                            OfflineReason reason, bool metadata_changed,
                            absl::string_view previous_address) {
  const Members::Record& record = ctx_.members.record(id);
  const Status previous = record.status;
  const Status shown_before = ctx_.members.ShownStatus(id);
  const OfflineReason previous_reason = record.offline_reason;
  if (previous == Status::kOffline && status != Status::kOffline) {
    parts_.offline.Remove(id);
  }
  if (status != Status::kSuspect) parts_.suspicions.Erase(id);
  if (status == Status::kOffline) {
    parts_.fetcher.Cancel(id);
    if (previous != Status::kOffline) parts_.offline.Add(now, id);
  }
  ctx_.members.SetStatus(id, status, reason);
  ctx_.members.SetSuspectHidden(id, HidesSuspicion(id));
  if (ctx_.members.ShownStatus(id) != shown_before ||
      previous_reason != reason || metadata_changed ||
      !previous_address.empty()) {
    ctx_.Emit(id, shown_before, metadata_changed, previous_address);
  }
}

bool Membership::HidesSuspicion(uint32_t id) const {
  // A lone accuser (one probe lost too many datagrams, or the accuser's
  // own network is bad) is usually wrong, and refuted within a round trip:
  // the application sees SUSPECT once a second member agrees. Where no
  // confirmation can come (k = 0, tiny clusters), at once.
  const Suspicion* suspicion = parts_.suspicions.Find(id);
  return suspicion != nullptr &&
         suspicion->confirmations() <
             std::min(ctx_.config.suspicion_shown_confirmations,
                      suspicion->timeouts().confirmations_wanted);
}

void Membership::UpdateShown(uint32_t id) {
  const Status before = ctx_.members.ShownStatus(id);
  ctx_.members.SetSuspectHidden(id, HidesSuspicion(id));
  if (ctx_.members.ShownStatus(id) != before) ctx_.Emit(id, before, false);
}

void Membership::Reap(absl::Time now) {
  while (std::optional<uint32_t> id = parts_.offline.NextToForget(now)) {
    Forget(*id);
  }
}

void Membership::Forget(uint32_t id) {
  parts_.offline.Remove(id);
  parts_.suspicions.Erase(id);
  parts_.fetcher.Cancel(id);
  parts_.outbox.Forget(id);
  parts_.prober.Remove(id);
  ctx_.EmitForgotten(id);
  ctx_.members.Forget(id);
}

}  // namespace swim
