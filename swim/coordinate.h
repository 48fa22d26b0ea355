// A member's network coordinate, as pings and acks carry it (version 2,
// swim/wire_format.md) when Config::coordinates is on: a point in an
// 8-dimensional Euclidean space plus a height (the member's own access
// delay), an adjustment (a learnt offset) and an error (how little the
// member trusts its own position; 0 = certain). Units are seconds. The
// estimated round trip between two members is their distance
// (swim/vivaldi.h). A plain value: received ones are untrusted until
// IsUsableCoordinate (swim/vivaldi.h) accepts them.
//
//   Coordinate c;         // the origin, with the largest error
//   c.vec[0] = 0.010;     // 10 ms along the first axis
#ifndef SWIM_COORDINATE_H_
#define SWIM_COORDINATE_H_

#include <array>
#include <cstddef>

namespace swim {

inline constexpr size_t kCoordinateDimensions = 8;

struct Coordinate {
  std::array<double, kCoordinateDimensions> vec = {};
  double height = 10e-6;  // Serf's HeightMin: 10 us
  double adjustment = 0;  // seconds
  double error = 1.5;     // Serf's VivaldiErrorMax: no confidence yet

  // Bit for bit (so that a NaN equals itself: codec round trips compare).
  bool operator==(const Coordinate& o) const;
  bool operator!=(const Coordinate& o) const { return !(*this == o); }
};

}  // namespace swim

#endif  // SWIM_COORDINATE_H_
