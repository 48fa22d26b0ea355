// The simulator's agenda: events ordered by (time, sequence number).
//
// The sequence number is the order in which events were scheduled, so two
// events at the same nanosecond always run in the same order: ties are
// deterministic and never depend on a heap's internal layout.
//
//   EventQueue q;
//   q.Push(Seconds(1), EventKind::kTick, /*node=*/3, /*slot=*/0);
//   while (!q.empty() && q.top().time <= end) { Event e = q.Pop(); ... }
#ifndef SIM_EVENT_QUEUE_H_
#define SIM_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/sim_time.h"

namespace swim::sim {

enum class EventKind : uint8_t {
  kStart,    // a node boots (node)
  kTick,     // a node's timers are due (node)
  kDeliver,  // a datagram arrives at a node (node, slot = datagram)
  kProcess,  // a slow node finishes reading a datagram (node, slot)
  kResume,   // a paused node resumes (node, slot = pause generation)
};

struct Event {
  SimTime time = 0;
  uint64_t seq = 0;
  EventKind kind = EventKind::kTick;
  uint32_t node = 0;
  uint32_t slot = 0;
};

class EventQueue {
 public:
  void Push(SimTime time, EventKind kind, uint32_t node, uint32_t slot);
  // The earliest event; the queue must not be empty.
  const Event& top() const { return heap_.front(); }
  Event Pop();
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  uint64_t pushed() const { return next_seq_; }

 private:
  // A binary min-heap on (time, seq) kept by hand (std::push_heap with a
  // greater-than comparator would do the same; this keeps it explicit).
  static bool Before(const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
  std::vector<Event> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace swim::sim

#endif  // SIM_EVENT_QUEUE_H_
