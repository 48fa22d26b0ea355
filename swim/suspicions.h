// Every suspicion a node holds, with its timer, and the queue of suspects
// to probe next, out of turn (Lifeguard's suspicion lifecycle).
//
// A suspicion starts when a probe fails or a Suspect is heard, shrinks
// toward its minimum timeout as independent members confirm it, and at its
// deadline either condemns the member (the node has evidence of its own)
// or, after a grace interval, has the node probe the suspect itself first.
// What the node then does is the caller's: Expire and OnProbed return it.
//
//   suspicions.Start(now, id, accuser, Suspicions::Source::kGossip);
//   for (uint32_t id : suspicions.Expire(now)) DeclareOffline(now, id);
//   if (std::optional<uint32_t> next = suspicions.NextToProbe()) Probe(*next);
#ifndef SWIM_SUSPICIONS_H_
#define SWIM_SUSPICIONS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/deadline_index.h"
#include "swim/node_context.h"
#include "swim/suspicion.h"

namespace swim {

class Suspicions {
 public:
  // How a suspicion came about.
  enum class Source {
    kOwnProbe,     // one of our probes of the member just failed
    kGossip,       // a Suspect heard from others
    kOfflineNews,  // an OFFLINE declaration heard in a full-state exchange
  };
  // What a probe of a suspect calls for.
  enum class Verdict {
    kNone,
    kDeclareOffline,      // its verification failed twice in a row
    kSpreadConfirmation,  // our failed probe confirmed the suspicion
  };

  explicit Suspicions(NodeContext& ctx) : ctx_(ctx) {}

  // The timeouts a suspicion started now gets (they depend on N).
  SuspicionTimeouts CurrentTimeouts() const;

  // Starts (or restarts) the suspicion of `id`, and may queue the suspect
  // for an out-of-turn probe.
  void Start(absl::Time now, uint32_t id, absl::string_view accuser,
             Source source);
  // Counts a confirmation; true if it was independent (and counted).
  bool Confirm(uint32_t id, absl::string_view accuser);
  void Erase(uint32_t id);
  // A probe of suspect `id` ended: `failed` with evidence that our own
  // network works (a relay's nack), or not.
  Verdict OnProbed(absl::Time now, uint32_t id, bool failed);
  // Runs the timers due at `now`; returns the members to declare OFFLINE.
  std::vector<uint32_t> Expire(absl::Time now);

  // The next queued suspect that is still suspect, if any.
  std::optional<uint32_t> NextToProbe();

  // nullptr if `id` is not suspected.
  const Suspicion* Find(uint32_t id) const;
  absl::Time NextDeadline() const;
  // Suspicions held (one per member at most).
  size_t size() const { return suspicions_.size(); }
  // Entries of the out-of-turn queue (at most config.max_members).
  size_t queued_to_probe() const { return to_probe_.size(); }

 private:
  // Queues `id` for an out-of-turn probe, `first` (a verification) or
  // last, within the bound.
  void QueueToProbe(uint32_t id, bool first);

  NodeContext& ctx_;
  // Ordered containers wherever iteration order reaches the output.
  std::map<uint32_t, Suspicion> suspicions_;
  // The running timers; a suspicion being verified has none.
  DeadlineIndex<uint32_t> timers_;
  // Members to probe next, out of turn (oldest first).
  std::deque<uint32_t> to_probe_;
};

}  // namespace swim

#endif  // SWIM_SUSPICIONS_H_
