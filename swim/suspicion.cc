#include "swim/suspicion.h"

#include <algorithm>
#include <cstdint>

#include "swim/fixed_log.h"

namespace swim {

SuspicionTimeouts ComputeSuspicionTimeouts(int suspicion_min_intervals,
                                           int suspicion_max_mult,
                                           int confirmations_wanted,
                                           size_t member_count,
                                           absl::Duration probe_interval) {
  SuspicionTimeouts timeouts;
  timeouts.min = probe_interval * int64_t{suspicion_min_intervals};
  timeouts.max = timeouts.min * int64_t{suspicion_max_mult};
  int k = confirmations_wanted;
  if (static_cast<int64_t>(member_count) - 2 < k) k = 0;
  timeouts.confirmations_wanted = std::max(0, k);
  return timeouts;
}

absl::Duration SuspicionTimeout(const SuspicionTimeouts& timeouts,
                                int confirmations) {
  const int k = timeouts.confirmations_wanted;
  if (k < 1 || timeouts.max <= timeouts.min) return timeouts.min;
  const int c = std::clamp(confirmations, 0, k);
  // log(c + 1) / log(k + 1) in thousandths; any base gives the same ratio.
  const int64_t fraction_milli = Log2Fixed(static_cast<uint64_t>(c) + 1) *
                                 1000 / Log2Fixed(static_cast<uint64_t>(k) + 1);
  const absl::Duration raw = timeouts.max - (timeouts.max - timeouts.min) *
                                                fraction_milli / int64_t{1000};
  return std::max(raw, timeouts.min);
}

Suspicion::Suspicion(absl::Time start, SuspicionTimeouts timeouts,
                     absl::string_view accuser)
    : start_(start),
      deadline_(start + SuspicionTimeout(timeouts, 0)),
      timeouts_(timeouts) {
  accusers_.emplace_back(accuser);
}

void Suspicion::AssumeConfirmed() {
  confirmations_ = timeouts_.confirmations_wanted;
  if (!verifying_) deadline_ = start_ + timeouts_.min;
}

bool Suspicion::Confirm(absl::string_view accuser) {
  if (confirmations_ >= timeouts_.confirmations_wanted) return false;
  if (std::find(accusers_.begin(), accusers_.end(), accuser) !=
      accusers_.end()) {
    return false;
  }
  accusers_.emplace_back(accuser);
  ++confirmations_;
  // A suspicion under verification keeps its (passed) deadline.
  if (!verifying_) {
    deadline_ = start_ + SuspicionTimeout(timeouts_, confirmations_);
  }
  return true;
}

}  // namespace swim
