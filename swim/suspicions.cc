#include "swim/suspicions.h"

namespace swim {
namespace {

// Members that, on average, probe a suspect out of turn when they hear of
// the suspicion (see Start).
constexpr uint64_t kEarlyCheckers = 4;
// Failed probes, in a row, after which a member that only heard of a
// suspicion agrees with it (see OnProbed).
constexpr int kFailedVerificationsToDeclare = 2;

}  // namespace

SuspicionTimeouts Suspicions::CurrentTimeouts() const {
  const Config& config = ctx_.config;
  return ComputeSuspicionTimeouts(
      config.suspicion_min_intervals, config.suspicion_max_mult,
      config.suspicion_confirmations,
      ctx_.members.CountHeld(Status::kAvailable), config.probe_interval);
}

void Suspicions::Start(absl::Time now, uint32_t id, absl::string_view accuser,
                       Source source) {
  Erase(id);
  Suspicion& suspicion =
      suspicions_.emplace(id, Suspicion(now, CurrentTimeouts(), accuser))
          .first->second;
  if (source == Source::kOwnProbe) suspicion.AddOwnEvidence();
  // Someone declared it OFFLINE already; we only want to see for
  // ourselves (below) before agreeing.
  if (source == Source::kOfflineNews) suspicion.AssumeConfirmed();
  timers_.Set(id, suspicion.deadline());
  // The suspect is probed next, out of turn, by its accuser and by a few
  // (on average kEarlyCheckers) of the members that hear of it. If it is
  // alive, the ping tells it of the suspicion (buddy system) and it refutes
  // at once rather than when gossip reaches it; if it is not, the failed
  // probes are the independent confirmations that shorten the timeout.
  // Not everyone: a thousand pings per suspicion cost more than they tell.
  const uint64_t available = ctx_.members.CountHeld(Status::kAvailable);
  if (source != Source::kGossip ||
      ctx_.rng.Uniform(available) < kEarlyCheckers) {
    QueueToProbe(id, /*first=*/false);
  }
}

void Suspicions::QueueToProbe(uint32_t id, bool first) {
  // Bounded: repeated suspicions of one member could queue it again and
  // again. An early check is only a shortcut, and is refused; a
  // verification (first) makes room at the back, whose entries the regular
  // probe order still reaches.
  if (to_probe_.size() >= static_cast<size_t>(ctx_.config.max_members)) {
    ++ctx_.counters.out_of_turn_refused;
    if (!first) return;
    to_probe_.pop_back();
  }
  if (first) {
    to_probe_.push_front(id);
  } else {
    to_probe_.push_back(id);
  }
}

bool Suspicions::Confirm(uint32_t id, absl::string_view accuser) {
  auto it = suspicions_.find(id);
  if (it == suspicions_.end()) return false;
  if (!it->second.Confirm(accuser)) return false;
  // A verifying suspicion has left the timers.
  if (!it->second.verifying()) timers_.Set(id, it->second.deadline());
  return true;
}

void Suspicions::Erase(uint32_t id) {
  timers_.Erase(id);
  suspicions_.erase(id);
}

Suspicions::Verdict Suspicions::OnProbed(absl::Time now, uint32_t id,
                                         bool failed) {
  auto it = suspicions_.find(id);
  if (it == suspicions_.end()) return Verdict::kNone;
  Suspicion& suspicion = it->second;
  if (failed && suspicion.verifying()) {
    // One failed probe is 1 in ~800 at 10% loss on every link, and
    // verifications are of members that may well be alive (whose
    // refutation we missed): condemn only after two in a row.
    if (suspicion.AddFailedVerification() >= kFailedVerificationsToDeclare) {
      return Verdict::kDeclareOffline;
    }
    QueueToProbe(id, /*first=*/true);
    return Verdict::kNone;
  }
  if (failed) {
    suspicion.AddOwnEvidence();
    return Confirm(id, ctx_.config.name) ? Verdict::kSpreadConfirmation
                                         : Verdict::kNone;
  }
  if (suspicion.verifying()) {
    // It answered without refuting (or our own network failed us): wait
    // another minimum timeout, then look again.
    suspicion.set_verifying(false);
    suspicion.Postpone(now + suspicion.timeouts().min);
    timers_.Set(id, suspicion.deadline());
  }
  return Verdict::kNone;
}

std::vector<uint32_t> Suspicions::Expire(absl::Time now) {
  std::vector<uint32_t> condemned;
  for (uint32_t id : timers_.Due(now)) {
    Suspicion& suspicion = suspicions_.at(id);
    timers_.Erase(id);
    if (suspicion.has_own_evidence()) {
      condemned.push_back(id);
      continue;
    }
    // We only heard of it. Our timer started when the news reached us, so
    // the accusers' OFFLINE is usually on its way: give it an interval.
    if (!suspicion.grace_taken()) {
      suspicion.set_grace_taken();
      suspicion.Postpone(now + ctx_.config.probe_interval);
      timers_.Set(id, suspicion.deadline());
      continue;
    }
    // Gossip can miss a refutation, so rather than condemn a member on
    // others' word, probe it ourselves first (next, out of turn); the
    // probe's end decides (OnProbed).
    ++ctx_.counters.suspicions_verified;
    suspicion.set_verifying(true);
    QueueToProbe(id, /*first=*/true);
  }
  return condemned;
}

std::optional<uint32_t> Suspicions::NextToProbe() {
  while (!to_probe_.empty()) {
    const uint32_t id = to_probe_.front();
    to_probe_.pop_front();
    if (ctx_.members.InUse(id) &&
        ctx_.members.record(id).status == Status::kSuspect) {
      return id;
    }
  }
  return std::nullopt;
}

const Suspicion* Suspicions::Find(uint32_t id) const {
  auto it = suspicions_.find(id);
  return it != suspicions_.end() ? &it->second : nullptr;
}

absl::Time Suspicions::NextDeadline() const {
  return timers_.Earliest().value_or(absl::InfiniteFuture());
}

}  // namespace swim
