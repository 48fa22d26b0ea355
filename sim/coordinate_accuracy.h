// How well the nodes' network coordinates (Config::coordinates,
// swim/vivaldi.h) predict the modelled round trips (sim/network.h's
// ModelledRtt, the ground truth): over pairs of live nodes with a
// coordinate each, the fraction whose estimate from the two current
// coordinates is within 25% of the model, and the relative errors' median
// and 90th percentile. Every pair up to kMaxCoordinatePairs; beyond, that
// many pairs drawn from the seed (kPairStream), so the figure is
// deterministic.
//
//   CoordinateAccuracy a = MeasureCoordinateAccuracy(sim, seed);
//   if (a.pairs > 0) Print(a.within_25pct * 100.0 / a.pairs);
#ifndef SIM_COORDINATE_ACCURACY_H_
#define SIM_COORDINATE_ACCURACY_H_

#include <cstddef>
#include <cstdint>

#include "sim/simulator.h"

namespace swim::sim {

inline constexpr uint64_t kMaxCoordinatePairs = 20000;

struct CoordinateAccuracy {
  uint64_t pairs = 0;               // 0: no coordinates in this run
  uint64_t within_25pct = 0;        // |estimate - model| <= model / 4
  uint64_t p50_error_permille = 0;  // relative error, thousandths
  uint64_t p90_error_permille = 0;
};

CoordinateAccuracy MeasureCoordinateAccuracy(const Simulator& sim,
                                             uint64_t seed);

}  // namespace swim::sim

#endif  // SIM_COORDINATE_ACCURACY_H_
