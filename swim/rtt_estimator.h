// One member's round-trip time as RFC 6298 smooths it: the first sample R
// sets SRTT = R and RTTVAR = R/2; each later one RTTVAR = 3/4 RTTVAR +
// 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R. Integer microseconds
// (samples up to 30 minutes), so the same samples give the same estimate
// everywhere, in 12 bytes a member.
//
//   RttEstimator rtt;
//   rtt.Observe(absl::Milliseconds(12));
//   RttEstimate e = rtt.estimate();  // e.srtt == 12ms, e.rttvar == 6ms
#ifndef SWIM_RTT_ESTIMATOR_H_
#define SWIM_RTT_ESTIMATOR_H_

#include <cstdint>

#include "absl/time/time.h"

namespace swim {

struct RttEstimate {
  absl::Duration srtt;    // smoothed round trip
  absl::Duration rttvar;  // its mean deviation
  uint32_t samples = 0;
};

class RttEstimator {
 public:
  // Adds one measured round trip (negative ones count as zero, longer
  // than 30 minutes as 30 minutes).
  void Observe(absl::Duration rtt);

  bool empty() const { return samples_ == 0; }
  RttEstimate estimate() const;

 private:
  int32_t srtt_us_ = 0;
  int32_t rttvar_us_ = 0;
  uint32_t samples_ = 0;
};

}  // namespace swim

#endif  // SWIM_RTT_ESTIMATOR_H_
