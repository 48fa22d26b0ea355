#include "swim/prober.h"

#include <algorithm>
#include <utility>

namespace swim {

Prober::Prober(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler,
               Suspicions& suspicions, absl::Time now)
    : ctx_(ctx),
      outbox_(outbox),
      sampler_(sampler),
      suspicions_(suspicions),
      next_probe_at_(now + ctx.config.probe_interval) {
  if (ctx.config.probe_ring_monitors > 0) {
    ring_.emplace(ctx.config.name, ctx.config.probe_interval,
                  ctx.config.probe_ring_monitors);
    // Not before an interval has passed, as without the ring: members
    // started at about the same time (a formed cluster) are up by then.
    next_slot_ = ring_->FirstSlotAtOrAfter(now + ctx.config.probe_interval);
    next_probe_at_ = ring_->ProbeTime(next_slot_);
  }
}

Prober::AckResult Prober::OnAck(absl::Time now, const Ack& ack) {
  if (!probe_.has_value() || probe_->seq != ack.seq) return AckResult::kNotOurs;
  if (!probe_->acked) {
    probe_->acked = true;
    ctx_.UpdateHealth(-1);
    // Karn's rule: once a second ping or a relay is out, whose ack this
    // is (and so the round trip) is ambiguous.
    if (round_trips_ != nullptr && !probe_->indirect_sent) {
      round_trips_->OnProbeAcked(probe_->target, probe_->target_name,
                                 now - probe_->sent_at, ack.coordinate);
    }
  }
  if (!cut_off_) return AckResult::kOurs;
  cut_off_ = false;
  return AckResult::kOursReconnected;
}

void Prober::OnNack(absl::Time now, const Nack& nack) {
  if (probe_.has_value() && probe_->seq == nack.seq && probe_->indirect_sent &&
      probe_->nacks < probe_->expected_nacks) {
    ++probe_->nacks;
    ++ctx_.counters.nacks_received;
    // Every relay failed too: judge now rather than at the interval's end.
    if (probe_->nacks == probe_->expected_nacks && !probe_->acked) {
      probe_->end_at = std::min(probe_->end_at, now);
    }
  }
}

void Prober::RunTimeout(absl::Time now) {
  if (probe_.has_value() && !probe_->acked && !probe_->indirect_sent &&
      now >= probe_->timeout_at) {
    SendIndirectProbes();
  }
}

void Prober::StartIfDue(absl::Time now) {
  if (now >= next_probe_at_) Start(now);
}

void Prober::Start(absl::Time now) {
  const absl::Duration interval = ctx_.health.Scale(ctx_.config.probe_interval);
  const int64_t slot = next_slot_;
  if (ring_.has_value()) {
    // The slot an interval on (more when unhealthy), late or not.
    next_slot_ = ring_->FirstSlotAtOrAfter(now + interval -
                                           ctx_.config.probe_interval / 2);
    next_probe_at_ = ring_->ProbeTime(next_slot_);
  } else {
    next_probe_at_ = now + interval;
  }
  std::optional<uint32_t> target = NextTarget(slot);
  if (!target.has_value()) return;
  Probe probe;
  probe.target = *target;
  probe.target_name = std::string(ctx_.members.NameOf(*target));
  probe.seq = ctx_.NextSeq();
  probe.sent_at = now;
  probe.timeout_at = now + ctx_.health.Scale(ctx_.config.probe_timeout);
  probe.end_at = next_probe_at_;
  probe_ = std::move(probe);
  ++ctx_.counters.probes;
  SendPing();
}

void Prober::SendPing() {
  Ping ping;
  ping.seq = probe_->seq;
  ping.target = probe_->target_name;
  if (round_trips_ != nullptr)
    ping.coordinate = round_trips_->LocalCoordinate();
  // Buddy system: a suspect learns of the suspicion from the probe itself.
  std::optional<uint32_t> buddy;
  if (ctx_.members.record(probe_->target).status == Status::kSuspect) {
    buddy = probe_->target;
  }
  outbox_.SendWithGossip(ctx_.members.AddressOf(probe_->target), ping, buddy);
}

bool Prober::StillTargets(const Probe& probe) const {
  return ctx_.members.InUse(probe.target) &&
         ctx_.members.NameOf(probe.target) == probe.target_name;
}

void Prober::SendIndirectProbes() {
  probe_->indirect_sent = true;
  if (!StillTargets(*probe_)) return;
  const uint32_t target = probe_->target;
  const std::vector<uint32_t> relays =
      sampler_.Draw(static_cast<size_t>(ctx_.config.indirect_checks),
                    Status::kOnline, target);
  PingReq req;
  req.seq = probe_->seq;
  req.target = probe_->target_name;
  req.target_address = std::string(ctx_.members.AddressOf(target));
  for (uint32_t relay : relays) {
    outbox_.SendWithGossip(ctx_.members.AddressOf(relay), req);
  }
  // And once more directly (memberlist's TCP fallback ping, over UDP): a
  // single lost ping or ack should not be what makes a suspect.
  SendPing();
  probe_->expected_nacks = static_cast<int>(relays.size());
  ctx_.counters.indirect_probes += relays.size();
}

std::optional<Prober::Outcome> Prober::FinishIfDue(absl::Time now) {
  if (!probe_.has_value() || now < probe_->end_at) return std::nullopt;
  const Probe probe = std::move(*probe_);
  probe_.reset();
  Outcome outcome;
  outcome.target = probe.target;
  outcome.acked = probe.acked;
  if (probe.acked) {
    if (!StillTargets(probe)) return std::nullopt;
    return outcome;
  }
  ++ctx_.counters.probes_failed;
  // Lifeguard: relays that did not even nack suggest that we, not the
  // target, are the problem.
  int delta = 1;
  if (probe.expected_nacks > 0) {
    delta = probe.expected_nacks - probe.nacks;
    ctx_.counters.nacks_missed += static_cast<uint64_t>(delta);
  }
  ctx_.UpdateHealth(delta);
  if (!StillTargets(probe)) return std::nullopt;
  // A prober that heard from none of its relays, not even a nack, cannot
  // tell a dead target from its own cut-off network (Rapid's bad nodes:
  // 80% loss, inbound traffic cut); it accuses nobody.
  outcome.evidence = probe.expected_nacks == 0 || probe.nacks > 0;
  if (!outcome.evidence) {
    ++ctx_.counters.accusations_withheld;
    cut_off_ = true;
  }
  return outcome;
}

std::optional<uint32_t> Prober::NextTarget(int64_t slot) {
  // Suspects waiting for an out-of-turn probe go first, but never twice in
  // a row: when many wait (the far side of a partition), the round-robin
  // still advances at half speed, and a failure among the rest is still
  // found.
  if (!last_out_of_turn_) {
    if (std::optional<uint32_t> suspect = suspicions_.NextToProbe()) {
      last_out_of_turn_ = true;
      return suspect;
    }
  }
  last_out_of_turn_ = false;
  if (ring_.has_value()) {
    if (std::optional<uint32_t> id = ring_->TargetFor(ctx_.members, slot)) {
      return id;
    }
  }
  return NextInOrder();
}

std::optional<uint32_t> Prober::NextInOrder() {
  const auto available = [&](uint32_t id) {
    return ctx_.members.InUse(id) &&
           Matches(ctx_.members.record(id).status, Status::kAvailable);
  };
  for (size_t tries = 0; tries <= order_.size(); ++tries) {
    if (position_ >= order_.size()) {
      Reshuffle();
      if (order_.empty()) return std::nullopt;
    }
    const uint32_t id = order_[position_++];
    SetAwaiting(id, false);
    if (available(id)) return id;
  }
  return std::nullopt;
}

void Prober::Reshuffle() {
  order_.clear();
  for (uint32_t id = 1; id < ctx_.members.id_bound(); ++id) {
    if (ctx_.members.InUse(id) &&
        Matches(ctx_.members.record(id).status, Status::kAvailable)) {
      order_.push_back(id);
      SetAwaiting(id, true);
    }
  }
  ctx_.rng.Shuffle(order_);
  position_ = 0;
}

void Prober::Add(uint32_t id) {
  if (ring_.has_value()) ring_->Add(ctx_.members, id);
  if (id < awaiting_.size() && awaiting_[id]) return;
  // A random place in what is left of this pass: append, then swap with a
  // uniformly chosen slot of the rest (the new member's own included).
  order_.push_back(id);
  const size_t remaining = order_.size() - position_;
  const size_t at = position_ + ctx_.rng.Uniform(remaining);
  std::swap(order_[at], order_.back());
  SetAwaiting(id, true);
}

void Prober::Remove(uint32_t id) {
  auto pos = std::find(order_.begin(), order_.end(), id);
  if (pos != order_.end()) {
    if (static_cast<size_t>(pos - order_.begin()) < position_) --position_;
    order_.erase(pos);
  }
  SetAwaiting(id, false);
}

void Prober::SetAwaiting(uint32_t id, bool awaiting) {
  if (id >= awaiting_.size()) {
    if (!awaiting) return;
    // Doubling: ids arrive one by one, thousands at a time in a join.
    awaiting_.resize(
        std::max<size_t>(ctx_.members.id_bound(), 2 * awaiting_.size()), false);
  }
  awaiting_[id] = awaiting;
}

absl::Time Prober::NextDeadline() const {
  absl::Time next = next_probe_at_;
  if (probe_.has_value()) {
    if (!probe_->acked && !probe_->indirect_sent) {
      next = std::min(next, probe_->timeout_at);
    }
    next = std::min(next, probe_->end_at);
  }
  return next;
}

}  // namespace swim
