#include "swim/rtt_estimator.h"

#include <algorithm>
#include <limits>

namespace swim {
namespace {

// Round trips are far below this; it keeps the sums below overflow.
constexpr int64_t kMaxSampleNs = int64_t{1} << 50;  // 13 days

}  // namespace

void RttEstimator::Observe(absl::Duration rtt) {
  int64_t r = absl::ToInt64Nanoseconds(rtt);
  r = std::clamp<int64_t>(r, 0, kMaxSampleNs);
  last_ns_ = r;
  if (samples_ == 0) {
    srtt_ns_ = r;
    rttvar_ns_ = r / 2;
  } else {
    const int64_t deviation = srtt_ns_ > r ? srtt_ns_ - r : r - srtt_ns_;
    rttvar_ns_ = rttvar_ns_ - rttvar_ns_ / 4 + deviation / 4;  // beta = 1/4
    srtt_ns_ = srtt_ns_ - srtt_ns_ / 8 + r / 8;                // alpha = 1/8
  }
  if (samples_ < std::numeric_limits<uint32_t>::max()) ++samples_;
}

RttEstimate RttEstimator::estimate() const {
  RttEstimate e;
  e.srtt = absl::Nanoseconds(srtt_ns_);
  e.rttvar = absl::Nanoseconds(rttvar_ns_);
  e.last = absl::Nanoseconds(last_ns_);
  e.samples = samples_;
  return e;
}

}  // namespace swim
