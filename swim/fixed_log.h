// Integer logarithms for protocol arithmetic that must not depend on
// floating point (results are identical on every compiler and -O level).
//
//   int64_t fixed = Log2Fixed(8);       // 3 << 16
//   int digits = DecimalDigits(999);    // 3 == ⌈log10(999 + 1)⌉
#ifndef SWIM_FIXED_LOG_H_
#define SWIM_FIXED_LOG_H_

#include <cstdint>

namespace swim {

// Fractional bits of Log2Fixed.
inline constexpr int kLog2FractionBits = 16;

// floor(log2(x) × 2^16) for x >= 1, exact to the last bit; 0 for x == 0.
int64_t Log2Fixed(uint64_t x);

// Decimal digits of x (0 for x == 0), which is ⌈log10(x + 1)⌉.
int DecimalDigits(uint64_t x);

}  // namespace swim

#endif  // SWIM_FIXED_LOG_H_
