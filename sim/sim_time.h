// Virtual time and seeded random streams shared by the whole simulator.
//
// Simulated time is an integer count of nanoseconds since the start of the
// run (SimTime), so event order never depends on floating point. Nodes see
// it as absl::Time from the run's time zero (TimeZeroOf, ToAbslTime). Every
// random stream is derived from the run's seed, a purpose and an index
// (Stream), so adding a fault or a node does not shift the draws of any other
// stream:
//
//   swim::Prng jitter = swim::sim::Stream(seed, swim::sim::kNetworkStream, 7);
//   absl::Time t = swim::sim::ToAbslTime(swim::sim::Seconds(30));
#ifndef SIM_SIM_TIME_H_
#define SIM_SIM_TIME_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/time/time.h"
#include "swim/prng.h"

namespace swim::sim {

// Nanoseconds since the start of the run.
using SimTime = int64_t;

inline constexpr SimTime kNever = std::numeric_limits<int64_t>::max();

constexpr SimTime Nanoseconds(int64_t n) { return n; }
constexpr SimTime Microseconds(int64_t n) { return n * 1000; }
constexpr SimTime Milliseconds(int64_t n) { return n * 1000 * 1000; }
constexpr SimTime Seconds(int64_t n) { return n * 1000 * 1000 * 1000; }

// The absl::Time nodes see at simulated time zero. Fixed, so that traces
// do not depend on when a run happens.
absl::Time Epoch();
// A simulation's time zero: Epoch() plus an offset of up to an hour drawn
// from the run's seed. Nodes schedule on a grid of absolute time (the
// probe ring), so a fixed instant would put every run's faults at the
// same phase of it and hide the spread real clusters have.
absl::Time TimeZeroOf(uint64_t seed);
absl::Time ToAbslTime(SimTime t, absl::Time epoch = Epoch());
// kNever for absl::InfiniteFuture(); rounds up to the next nanosecond.
SimTime FromAbslTime(absl::Time t, absl::Time epoch = Epoch());

// "1m30.25s" style, exact to the nanosecond (absl::FormatDuration).
std::string FormatSimTime(SimTime t);

// Purposes of random streams; each is split per index (usually a node).
enum StreamPurpose : uint64_t {
  kNodeSeedStream = 1,  // index: node × 2^20 + restart count
  kNetworkStream = 2,   // index: sending node
  kStartStream = 3,     // index: node; start offsets
  kSwarmStream = 4,     // index: 0; the swarm plan
  kMetadataStream = 5,  // index: node
  kPlaneStream = 6,     // index: 0; nodes' places (sim/network.h)
  kPairStream = 7,      // index: 0; pairs sampled for coordinate accuracy
  kWaveStream = 8,      // index: the restart wave's scenario line
  kEpochStream = 9,     // index: 0; the run's time zero
};

// An independent generator for (seed, purpose, index); the same triple
// always gives the same stream, whatever else was drawn before.
Prng Stream(uint64_t seed, uint64_t purpose, uint64_t index);

// A uniform integer in [0, n) from one 64-bit draw (multiply-shift; never
// rejects, so it always consumes exactly one draw).
uint64_t ScaleDraw(uint64_t draw, uint64_t n);

}  // namespace swim::sim

#endif  // SIM_SIM_TIME_H_
