// Vivaldi (swim/vivaldi.h): convergence on a synthetic metric space,
// bad inputs refused without touching the local coordinate, determinism.
#include "swim/vivaldi.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "swim/coordinate.h"
#include "swim/prng.h"

namespace swim {
namespace {

// Points of a plane with an access delay each: RTT = 2 * (distance +
// delay_a + delay_b), a space Vivaldi's height model fits exactly.
struct Space {
  std::vector<double> x, y, delay;
  double Rtt(size_t a, size_t b) const {
    const double dx = x[a] - x[b];
    const double dy = y[a] - y[b];
    return 2 * (std::sqrt(dx * dx + dy * dy) + delay[a] + delay[b]);
  }
};

Space MakeSpace(size_t n, Prng& prng) {
  Space s;
  for (size_t i = 0; i < n; ++i) {
    s.x.push_back(static_cast<double>(prng.Uniform(100000)) / 1e6);  // 100 ms
    s.y.push_back(static_cast<double>(prng.Uniform(100000)) / 1e6);
    s.delay.push_back(0.002 + static_cast<double>(prng.Uniform(3000)) / 1e6);
  }
  return s;
}

// `rounds` rounds in which every node measures one random other.
std::vector<Vivaldi> RunRounds(const Space& space, int rounds, uint64_t seed) {
  const size_t n = space.x.size();
  std::vector<Vivaldi> nodes;
  for (size_t i = 0; i < n; ++i) nodes.emplace_back(Prng(seed + i));
  Prng pick(seed);
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < n; ++i) {
      size_t j = static_cast<size_t>(pick.Uniform(n - 1));
      if (j >= i) ++j;
      const Coordinate remote = nodes[j].coordinate();
      EXPECT_TRUE(nodes[i].Update(remote, space.Rtt(i, j)));
    }
  }
  return nodes;
}

double FractionWithin(const Space& space, const std::vector<Vivaldi>& nodes,
                      double tolerance) {
  size_t good = 0;
  size_t pairs = 0;
  for (size_t a = 0; a < nodes.size(); ++a) {
    for (size_t b = a + 1; b < nodes.size(); ++b) {
      const double truth = space.Rtt(a, b);
      const double estimate =
          EstimateRttSeconds(nodes[a].coordinate(), nodes[b].coordinate());
      if (std::fabs(estimate - truth) <= tolerance * truth) ++good;
      ++pairs;
    }
  }
  return static_cast<double>(good) / static_cast<double>(pairs);
}

TEST(VivaldiTest, ConvergesOnAPlaneWithAccessDelays) {
  Prng prng(7);
  const Space space = MakeSpace(50, prng);
  const std::vector<Vivaldi> early = RunRounds(space, 2, 1);
  const std::vector<Vivaldi> late = RunRounds(space, 300, 1);
  // Two rounds teach little; three hundred fit the space.
  EXPECT_LT(FractionWithin(space, early, 0.25), 0.5);
  EXPECT_GT(FractionWithin(space, late, 0.10), 0.95);
  for (const Vivaldi& v : late) {
    EXPECT_TRUE(IsUsableCoordinate(v.coordinate()));
    EXPECT_LT(v.coordinate().error, 0.2);  // confident by now
    EXPECT_EQ(v.resets(), 0u);
  }
}

TEST(VivaldiTest, SameInputsSameCoordinatesBitForBit) {
  Prng prng(3);
  const Space space = MakeSpace(20, prng);
  const std::vector<Vivaldi> a = RunRounds(space, 50, 9);
  const std::vector<Vivaldi> b = RunRounds(space, 50, 9);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].coordinate(), b[i].coordinate());
  }
}

TEST(VivaldiTest, EstimateIsDistancePlusHeightsPlusAdjustments) {
  Coordinate a;
  Coordinate b;
  a.vec[0] = 0.003;
  b.vec[1] = 0.004;  // 5 ms apart
  a.height = 0.001;
  b.height = 0.002;
  EXPECT_DOUBLE_EQ(EstimateRttSeconds(a, b), 0.008);
  a.adjustment = 0.001;
  EXPECT_DOUBLE_EQ(EstimateRttSeconds(a, b), 0.009);
  // An adjustment that would make it negative is left out.
  b.adjustment = -1;
  EXPECT_DOUBLE_EQ(EstimateRttSeconds(a, b), 0.008);
}

TEST(VivaldiTest, UnusableCoordinatesAndRoundTripsAreRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Coordinate> bad(8);
  bad[0].vec[3] = nan;
  bad[1].vec[0] = inf;
  bad[2].vec[7] = -1e300;
  bad[3].height = -0.001;
  bad[4].height = nan;
  bad[5].adjustment = inf;
  bad[6].error = 2.0;  // above kVivaldiErrorMax
  bad[7].error = -0.5;
  Vivaldi vivaldi(Prng(1));
  Coordinate good;
  good.vec[0] = 0.01;
  good.error = 0.3;
  ASSERT_TRUE(vivaldi.Update(good, 0.02));
  const Coordinate before = vivaldi.coordinate();
  for (const Coordinate& c : bad) {
    EXPECT_FALSE(IsUsableCoordinate(c));
    EXPECT_FALSE(vivaldi.Update(c, 0.02));
    EXPECT_EQ(vivaldi.coordinate(), before);  // untouched
  }
  for (double rtt : {0.0, -1.0, nan, inf, 11.0}) {
    EXPECT_FALSE(vivaldi.Update(good, rtt)) << rtt;
    EXPECT_EQ(vivaldi.coordinate(), before);
  }
  EXPECT_TRUE(IsUsableCoordinate(Coordinate()));
  EXPECT_EQ(vivaldi.resets(), 0u);
}

TEST(VivaldiTest, ExtremeButUsableInputsNeverLeaveTheUsableRange) {
  Vivaldi vivaldi(Prng(5));
  Coordinate far;
  for (double& x : far.vec) x = kCoordinateComponentMax;
  far.height = kCoordinateComponentMax;
  far.adjustment = -kCoordinateComponentMax;
  far.error = 0;
  for (int i = 0; i < 100; ++i) {
    vivaldi.Update(far, i % 2 == 0 ? kVivaldiRttMaxSeconds : 1e-9);
    EXPECT_TRUE(IsUsableCoordinate(vivaldi.coordinate()));
  }
}

TEST(VivaldiTest, CoincidingCoordinatesSeparate) {
  // Both at the origin: the push takes a random direction.
  Vivaldi a(Prng(1));
  ASSERT_TRUE(a.Update(Coordinate(), 0.05));
  double moved = 0;
  for (double x : a.coordinate().vec) moved += std::fabs(x);
  EXPECT_GT(moved, 0);
}

}  // namespace
}  // namespace swim
