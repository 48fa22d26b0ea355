#include "sim/wording.h"

#include <limits>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace swim::sim {

std::string Count(uint64_t n, absl::string_view singular,
                  absl::string_view plural) {
  if (n == 1) return absl::StrCat(n, " ", singular);
  if (plural.empty()) return absl::StrCat(n, " ", singular, "s");
  return absl::StrCat(n, " ", plural);
}

std::string FormatWallDuration(int64_t ns) {
  if (ns < 0) return "-";
  constexpr int64_t kMs = 1000000;
  constexpr int64_t kS = 1000 * kMs;
  if (ns < kS) return absl::StrCat((ns + kMs / 2) / kMs, " ms");
  if (ns < 10 * kS) {
    // Hundredths, in integers so that 9.999 s does not print as 10.00 s.
    const int64_t cs = (ns + kS / 200) / (kS / 100);
    if (cs < 1000) return absl::StrFormat("%d.%02d s", cs / 100, cs % 100);
  }
  if (ns < 60 * kS) {
    const int64_t ds = (ns + kS / 20) / (kS / 10);
    if (ds < 600) return absl::StrFormat("%d.%d s", ds / 10, ds % 10);
  }
  const int64_t s = (ns + kS / 2) / kS;
  if (s < 3600) return absl::StrCat(s / 60, " min ", s % 60, " s");
  const int64_t min = (s + 30) / 60;
  return absl::StrCat(min / 60, " h ", min % 60, " min");
}

int64_t RemainingNs(int64_t elapsed_ns, int64_t done, int64_t total) {
  if (done <= 0 || elapsed_ns < 0) return -1;
  if (done >= total) return 0;
  // 128 bits: elapsed (ns) times the simulated nanoseconds left overflows.
  const absl::int128 left = absl::int128(elapsed_ns) * (total - done) / done;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return left > absl::int128(kMax) ? kMax : static_cast<int64_t>(left);
}

}  // namespace swim::sim
