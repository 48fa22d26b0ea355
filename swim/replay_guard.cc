#include "swim/replay_guard.h"

#include <algorithm>

namespace swim {
namespace {

uint64_t MicrosOf(absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  return micros > 0 ? static_cast<uint64_t>(micros) : 0;
}

uint64_t MicrosOf(absl::Duration d) {
  return static_cast<uint64_t>(absl::ToInt64Microseconds(d));
}

}  // namespace

uint64_t NextRequestStamp(uint64_t& last, absl::Time now) {
  // Saturates rather than wraps: a stamp never goes back.
  const uint64_t next = last == UINT64_MAX ? last : last + 1;
  last = std::max(next, MicrosOf(now));
  return last;
}

ReplayGuard::Verdict ReplayGuard::Check(absl::Time now,
                                        absl::string_view sender,
                                        uint64_t stamp) {
  if (stamp == 0) return Verdict::kStale;
  auto it = senders_.find(sender);
  if (it == senders_.end()) {
    if (max_senders_ == 0) return Verdict::kFresh;
    if (senders_.size() >= max_senders_) EvictOne();
    it = senders_.emplace(std::string(sender), Sender{}).first;
    it->second.recent[0] = stamp;
    it->second.count = 1;
    it->second.highest = stamp;
    it->second.last_use = ++use_clock_;
    it->second.accepted_at = now;
    return Verdict::kFresh;
  }
  Sender& s = it->second;
  const auto begin = s.recent.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(s.count);
  if (std::find(begin, end, stamp) != end) return Verdict::kReplayed;
  if (stamp < s.highest) {
    if (s.highest - stamp > MicrosOf(kReorderWindow)) {
      // A replay, or a sender whose clock went back (a reboot). Only a
      // sender silent for kRestartSilence gets to start a new series.
      if (now - s.accepted_at < kRestartSilence) return Verdict::kReplayed;
      s = Sender{};
      s.recent[0] = stamp;
      s.count = 1;
      s.highest = stamp;
      s.last_use = ++use_clock_;
      s.accepted_at = now;
      ++counters_.stamp_series_restarted;
      return Verdict::kFresh;
    }
    // Every stamp accepted and no longer kept is below the smallest kept
    // one, so only stamps above it can be told new.
    if (s.count == kStampsKept && stamp < *std::min_element(begin, end)) {
      return Verdict::kReplayed;
    }
  }
  if (s.count < kStampsKept) {
    s.recent[s.count++] = stamp;
  } else {
    *std::min_element(begin, end) = stamp;
  }
  s.highest = std::max(s.highest, stamp);
  s.last_use = ++use_clock_;
  s.accepted_at = now;
  return Verdict::kFresh;
}

void ReplayGuard::EvictOne() {
  if (senders_.empty()) return;
  // The least recently used; last_use values are distinct, so the choice
  // does not depend on the table's iteration order.
  auto oldest = senders_.begin();
  for (auto it = senders_.begin(); it != senders_.end(); ++it) {
    if (it->second.last_use < oldest->second.last_use) oldest = it;
  }
  senders_.erase(oldest);
  ++counters_.stamp_senders_forgotten;
}

}  // namespace swim
