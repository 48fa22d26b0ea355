#include "swim/rtt_estimator.h"

#include <algorithm>
#include <limits>

namespace swim {
namespace {

// Round trips are far below this; sums of two stay within 32 bits.
constexpr int32_t kMaxSampleUs = 30 * 60 * 1000 * 1000;

}  // namespace

void RttEstimator::Observe(absl::Duration rtt) {
  const auto r = static_cast<int32_t>(
      std::clamp<int64_t>(absl::ToInt64Microseconds(rtt), 0, kMaxSampleUs));
  if (samples_ == 0) {
    srtt_us_ = r;
    rttvar_us_ = r / 2;
  } else {
    const int32_t deviation = srtt_us_ > r ? srtt_us_ - r : r - srtt_us_;
    rttvar_us_ = rttvar_us_ - rttvar_us_ / 4 + deviation / 4;  // beta = 1/4
    srtt_us_ = srtt_us_ - srtt_us_ / 8 + r / 8;                // alpha = 1/8
  }
  if (samples_ < std::numeric_limits<uint32_t>::max()) ++samples_;
}

RttEstimate RttEstimator::estimate() const {
  RttEstimate e;
  e.srtt = absl::Microseconds(srtt_us_);
  e.rttvar = absl::Microseconds(rttvar_us_);
  e.samples = samples_;
  return e;
}

}  // namespace swim
