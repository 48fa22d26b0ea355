#include "swim/relays.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace swim {

void Relays::OnPingReq(absl::Time now, const PingReq& req,
                       absl::string_view from_address, size_t reply_max_bytes) {
  if (req.target == ctx_.config.name) {
    Ack ack;
    ack.seq = req.seq;
    outbox_.SendReply(from_address, ack, reply_max_bytes);
    return;
  }
  if (relays_.size() >= kMaxRelays) {
    ++ctx_.counters.relays_refused;
    return;
  }
  const uint32_t seq = ctx_.NextSeq();
  Relay relay;
  relay.requester_address = std::string(from_address);
  relay.requester_seq = req.seq;
  relay.reply_max_bytes = reply_max_bytes / 3;
  relay.nack_at = now + ctx_.config.probe_timeout * 4 / 5;
  relays_[seq] = std::move(relay);
  ++ctx_.counters.relayed_pings;
  Ping ping;
  ping.seq = seq;
  ping.target = req.target;
  // Buddy system, as for our own probes.
  std::optional<uint32_t> target = ctx_.members.IdOf(req.target);
  std::optional<uint32_t> buddy;
  if (target.has_value() &&
      ctx_.members.record(*target).status == Status::kSuspect) {
    buddy = target;
  }
  outbox_.SendReply(req.target_address, ping, reply_max_bytes / 3 * 2, buddy);
}

bool Relays::OnAck(const Ack& ack) {
  auto relay = relays_.find(ack.seq);
  if (relay == relays_.end()) return false;
  Ack forwarded;
  forwarded.seq = relay->second.requester_seq;
  outbox_.SendReply(relay->second.requester_address, forwarded,
                    relay->second.reply_max_bytes);
  relays_.erase(relay);
  return true;
}

void Relays::RunTimers(absl::Time now) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now < it->second.nack_at) {
      ++it;
      continue;
    }
    Nack nack;
    nack.seq = it->second.requester_seq;
    const std::string requester = std::move(it->second.requester_address);
    const size_t reply_max_bytes = it->second.reply_max_bytes;
    it = relays_.erase(it);
    ++ctx_.counters.nacks_sent;
    outbox_.SendReply(requester, nack, reply_max_bytes);
  }
}

absl::Time Relays::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [seq, relay] : relays_) next = std::min(next, relay.nack_at);
  return next;
}

}  // namespace swim
