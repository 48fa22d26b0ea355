// Appends the primitive fields of swim's wire format to a byte string.
//
// Internal to the codec: unsigned LEB128 varints, single bytes and
// length-prefixed byte strings, exactly as swim/wire_format.md specifies.
//
//   std::string out;
//   PutVarint(out, 300);           // 0xac 0x02
//   PutBytes(out, "node-a");       // 0x06 'n' 'o' 'd' 'e' '-' 'a'
#ifndef SWIM_WIRE_WRITER_H_
#define SWIM_WIRE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "swim/coordinate.h"

namespace swim {
namespace wire {

inline size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

inline void PutU8(std::string& out, uint8_t value) {
  out.push_back(static_cast<char>(value));
}

inline void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

inline void PutU64LittleEndian(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

// A network coordinate (version 2): its dimension count, then each
// component, the height, the adjustment and the error as IEEE 754 binary64
// bit patterns, little-endian (swim/wire_format.md).
inline void PutCoordinate(std::string& out, const Coordinate& coordinate) {
  const auto put = [&](double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(bits));
    PutU64LittleEndian(out, bits);
  };
  PutU8(out, static_cast<uint8_t>(kCoordinateDimensions));
  for (double component : coordinate.vec) put(component);
  put(coordinate.height);
  put(coordinate.adjustment);
  put(coordinate.error);
}

inline void PutBytes(std::string& out, absl::string_view bytes) {
  PutVarint(out, bytes.size());
  out.append(bytes.data(), bytes.size());
}

}  // namespace wire
}  // namespace swim

#endif  // SWIM_WIRE_WRITER_H_
