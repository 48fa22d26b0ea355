// Reading one scenario statement, token by token, with errors that carry
// the line number: the shared vocabulary of the scenario parser
// (scenario_parser.cc) and the action grammar (scenario_actions.h).
// Internal to //sim.
//
//   TokenCursor in(tokens, /*next=*/2, line);   // "at 30s isolate 7 for 10s"
//   absl::string_view verb;
//   NodeSet set;
//   SimTime undo_after = 0;
//   SIM_RETURN_IF_ERROR(in.Word("an action", verb));
//   SIM_RETURN_IF_ERROR(in.Set(set));
//   SIM_RETURN_IF_ERROR(in.OptionalFor(undo_after));
//   SIM_RETURN_IF_ERROR(in.End());   // "scenario line 3: unexpected ..."
#ifndef SIM_SCENARIO_CURSOR_H_
#define SIM_SCENARIO_CURSOR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/scenario.h"
#include "sim/sim_time.h"

// Returns the status of `expr` if it is not OK.
#define SIM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    absl::Status sim_status_ = (expr);         \
    if (!sim_status_.ok()) return sim_status_; \
  } while (0)

namespace swim::sim {

// A statement's words; they point into the scenario text.
using Tokens = std::vector<absl::string_view>;

// InvalidArgument "scenario line LINE: MESSAGE".
absl::Status LineError(int line, absl::string_view message);

class TokenCursor {
 public:
  TokenCursor(const Tokens& tokens, size_t next, int line)
      : tokens_(tokens), next_(next), line_(line) {}

  int line() const { return line_; }
  size_t position() const { return next_; }
  bool AtEnd() const { return next_ >= tokens_.size(); }
  // Whether the next word is `word` (false at the end).
  bool NextIs(absl::string_view word) const {
    return !AtEnd() && tokens_[next_] == word;
  }
  // Steps over the next word if it is `word`.
  bool Consume(absl::string_view word);

  // The next word; "expected WHAT" at the end.
  absl::Status Word(absl::string_view what, absl::string_view& out);
  absl::Status Set(NodeSet& out);
  absl::Status Arrow();  // "->"
  absl::Status Duration(SimTime& out);
  absl::Status Percent(uint32_t& out);
  // "for D" if it comes next, else 0.
  absl::Status OptionalFor(SimTime& out);
  // Error unless every word was read.
  absl::Status End() const;

  absl::Status Error(absl::string_view message) const {
    return LineError(line_, message);
  }

 private:
  const Tokens& tokens_;
  size_t next_;
  int line_;
};

}  // namespace swim::sim

#endif  // SIM_SCENARIO_CURSOR_H_
