#include "swim/fixed_log.h"

namespace swim {

int64_t Log2Fixed(uint64_t x) {
  if (x == 0) return 0;
  int integer_part = 63;
  while ((x >> integer_part) == 0) --integer_part;
  // y = x / 2^integer_part in Q62, so 1 <= y < 2. Squaring doubles the
  // logarithm; each time y reaches 2 we emit a 1 bit and halve it.
  using U128 = unsigned __int128;
  U128 y = integer_part <= 62 ? static_cast<U128>(x) << (62 - integer_part)
                              : static_cast<U128>(x >> 1);
  const U128 one = static_cast<U128>(1) << 62;
  int64_t result = static_cast<int64_t>(integer_part) << kLog2FractionBits;
  for (int bit = kLog2FractionBits - 1; bit >= 0; --bit) {
    y = (y * y) >> 62;
    if (y >= 2 * one) {
      y >>= 1;
      result |= int64_t{1} << bit;
    }
  }
  return result;
}

int DecimalDigits(uint64_t x) {
  int digits = 0;
  while (x != 0) {
    x /= 10;
    ++digits;
  }
  return digits;
}

}  // namespace swim
