// Words and units of the text people read (summaries, progress lines):
// counts with the right plural, and wall-clock durations in units that
// read at a glance. Pure functions of their arguments (the tools measure
// the wall clock; the simulator never does).
//
//   Count(1, "crash", "crashes")       // "1 crash"
//   Count(3, "refutation")             // "3 refutations"
//   FormatWallDuration(72'000'000'000) // "1 min 12 s"
//   RemainingNs(/*elapsed_ns=*/2e9, /*done=*/1, /*total=*/4)  // 6e9
#ifndef SIM_WORDING_H_
#define SIM_WORDING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace swim::sim {

// "1 crash", "0 crashes", "2 crashes"; `plural` defaults to singular + "s".
std::string Count(uint64_t n, absl::string_view singular,
                  absl::string_view plural = {});

// Wall time for people: "0 ms", "850 ms", "4.27 s", "59.9 s", "1 min 12 s",
// "1 h 5 min"; "-" if negative.
std::string FormatWallDuration(int64_t ns);

// Wall time still needed at the pace so far, when `done` of `total` took
// `elapsed_ns`; -1 if nothing is done yet (no pace to go by).
int64_t RemainingNs(int64_t elapsed_ns, int64_t done, int64_t total);

}  // namespace swim::sim

#endif  // SIM_WORDING_H_
