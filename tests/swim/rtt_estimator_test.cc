// RFC 6298's smoothing, in exact integer microseconds.
#include "swim/rtt_estimator.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace swim {
namespace {

TEST(RttEstimatorTest, FirstSampleSetsSrttAndHalfOfItAsVariance) {
  RttEstimator rtt;
  EXPECT_TRUE(rtt.empty());
  rtt.Observe(absl::Milliseconds(100));
  const RttEstimate e = rtt.estimate();
  EXPECT_EQ(e.srtt, absl::Milliseconds(100));
  EXPECT_EQ(e.rttvar, absl::Milliseconds(50));
  EXPECT_EQ(e.samples, 1u);
}

TEST(RttEstimatorTest, LaterSamplesFollowRfc6298) {
  RttEstimator rtt;
  rtt.Observe(absl::Milliseconds(100));
  rtt.Observe(absl::Milliseconds(200));
  // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 *
  // 200 = 112.5 (RTTVAR uses the old SRTT).
  EXPECT_EQ(rtt.estimate().rttvar, absl::Microseconds(62500));
  EXPECT_EQ(rtt.estimate().srtt, absl::Microseconds(112500));
  rtt.Observe(absl::Milliseconds(100));
  EXPECT_EQ(rtt.estimate().rttvar, absl::Microseconds(46875 + 3125));
  // 112500 - 14062 (an eighth, truncated) + 12500.
  EXPECT_EQ(rtt.estimate().srtt, absl::Microseconds(110938));
  EXPECT_EQ(rtt.estimate().samples, 3u);
}

TEST(RttEstimatorTest, ConvergesOnASteadyRoundTrip) {
  RttEstimator rtt;
  rtt.Observe(absl::Milliseconds(400));
  for (int i = 0; i < 200; ++i) rtt.Observe(absl::Milliseconds(20));
  EXPECT_LT(absl::AbsDuration(rtt.estimate().srtt - absl::Milliseconds(20)),
            absl::Microseconds(10));
  EXPECT_LT(rtt.estimate().rttvar, absl::Microseconds(10));
}

TEST(RttEstimatorTest, NegativeAndHugeSamplesAreClamped) {
  RttEstimator rtt;
  rtt.Observe(absl::Milliseconds(-5));
  EXPECT_EQ(rtt.estimate().srtt, absl::ZeroDuration());
  rtt.Observe(absl::InfiniteDuration());
  EXPECT_GT(rtt.estimate().srtt, absl::ZeroDuration());
  EXPECT_LE(rtt.estimate().srtt, absl::Minutes(30));
}

}  // namespace
}  // namespace swim
