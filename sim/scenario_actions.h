// The grammar of scenario actions ("crash 7", "partition {0..9} {10..19}
// for 30s", ...): the part of "at TIME ACTION" and "every PERIOD ...
// ACTION" after the time, also used for the network settings that a
// scenario sets from time zero ("loss 1%"). Internal to //sim; see
// sim/README.md for every action.
//
//   std::vector<Action> actions;
//   // tokens: "at" "30s" "isolate" "7" "for" "10s"
//   SIM_RETURN_IF_ERROR(ParseAction(tokens, /*start=*/2, line,
//                                   /*at=*/Seconds(30), actions));
//   // actions: isolate 7 at 30s, then its undo (rejoin 7) at 40s
#ifndef SIM_SCENARIO_ACTIONS_H_
#define SIM_SCENARIO_ACTIONS_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "sim/scenario.h"
#include "sim/scenario_cursor.h"
#include "sim/sim_time.h"

namespace swim::sim {

// Parses the action in tokens[start..] at time `at`; appends it (and, for
// "for D", the action that undoes it D later) to `out`. Errors name `line`.
absl::Status ParseAction(const Tokens& tokens, size_t start, int line,
                         SimTime at, std::vector<Action>& out);

}  // namespace swim::sim

#endif  // SIM_SCENARIO_ACTIONS_H_
