#include "swim/offline_members.h"

#include <algorithm>
#include <string>
#include <vector>

#include "swim/message.h"

namespace swim {

void OfflineMembers::RunProbe(absl::Time now) {
  if (now < next_probe_at_) return;
  next_probe_at_ = now + ctx_.config.offline_probe_interval;
  std::vector<uint32_t> failed;
  for (const auto& [id, since] : since_.by_key()) {
    if (ctx_.members.record(id).offline_reason == OfflineReason::kFailed) {
      failed.push_back(id);
    }
  }
  if (failed.empty()) return;
  const uint32_t id = failed[ctx_.rng.Uniform(failed.size())];
  Ping ping;
  ping.seq = ctx_.NextSeq();
  ping.target = std::string(ctx_.members.NameOf(id));
  // The Offline update leads the ping: if the member is in fact alive (a
  // healed partition), it refutes in its ack.
  outbox_.SendWithGossip(ctx_.members.AddressOf(id), ping, id);
}

std::optional<uint32_t> OfflineMembers::NextToForget(absl::Time now) const {
  std::optional<absl::Time> earliest = since_.Earliest();
  if (!earliest.has_value() ||
      *earliest + ctx_.config.offline_retention > now) {
    return std::nullopt;
  }
  return since_.First();
}

absl::Time OfflineMembers::NextDeadline() const {
  if (since_.empty()) return absl::InfiniteFuture();
  return std::min(next_probe_at_,
                  *since_.Earliest() + ctx_.config.offline_retention);
}

}  // namespace swim
