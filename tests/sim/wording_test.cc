#include "sim/wording.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace swim::sim {
namespace {

TEST(CountTest, SingularOnlyForOne) {
  EXPECT_EQ(Count(0, "crash", "crashes"), "0 crashes");
  EXPECT_EQ(Count(1, "crash", "crashes"), "1 crash");
  EXPECT_EQ(Count(2, "crash", "crashes"), "2 crashes");
  EXPECT_EQ(Count(1, "refutation"), "1 refutation");
  EXPECT_EQ(Count(31, "refutation"), "31 refutations");
  EXPECT_EQ(Count(1, "address validated", "addresses validated"),
            "1 address validated");
}

constexpr int64_t kMs = 1000000;
constexpr int64_t kS = 1000 * kMs;

TEST(FormatWallDurationTest, ReadableUnits) {
  EXPECT_EQ(FormatWallDuration(0), "0 ms");
  EXPECT_EQ(FormatWallDuration(145 * kMs + 400000), "145 ms");
  EXPECT_EQ(FormatWallDuration(999 * kMs), "999 ms");
  EXPECT_EQ(FormatWallDuration(4270 * kMs), "4.27 s");
  EXPECT_EQ(FormatWallDuration(9999 * kMs), "10.0 s");  // not "10.00 s"
  EXPECT_EQ(FormatWallDuration(59900 * kMs), "59.9 s");
  EXPECT_EQ(FormatWallDuration(59990 * kMs), "1 min 0 s");
  EXPECT_EQ(FormatWallDuration(72 * kS), "1 min 12 s");
  EXPECT_EQ(FormatWallDuration(3599 * kS), "59 min 59 s");
  EXPECT_EQ(FormatWallDuration(3900 * kS), "1 h 5 min");
  EXPECT_EQ(FormatWallDuration(-1), "-");
}

TEST(RemainingNsTest, AtThePaceSoFar) {
  EXPECT_EQ(RemainingNs(2 * kS, 1, 4), 6 * kS);
  EXPECT_EQ(RemainingNs(2 * kS, 4, 4), 0);
  EXPECT_EQ(RemainingNs(2 * kS, 0, 4), -1);
  // Simulated nanoseconds as the units of work: no overflow.
  EXPECT_EQ(RemainingNs(600 * kS, 60 * kS, 3600 * kS), 35400 * kS);
}

}  // namespace
}  // namespace swim::sim
