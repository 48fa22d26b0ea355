#include "sim/event_queue.h"

#include <utility>

namespace swim::sim {

void EventQueue::Push(SimTime time, EventKind kind, uint32_t node,
                      uint32_t slot) {
  Event e;
  e.time = time;
  e.seq = next_seq_++;
  e.kind = kind;
  e.node = node;
  e.slot = slot;
  heap_.push_back(e);
  size_t i = heap_.size() - 1;
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!Before(heap_[i], heap_[parent])) break;
    std::swap(heap_[i], heap_[parent]);
    i = parent;
  }
}

Event EventQueue::Pop() {
  Event out = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  size_t i = 0;
  for (;;) {
    const size_t l = 2 * i + 1;
    const size_t r = l + 1;
    size_t best = i;
    if (l < n && Before(heap_[l], heap_[best])) best = l;
    if (r < n && Before(heap_[r], heap_[best])) best = r;
    if (best == i) break;
    std::swap(heap_[i], heap_[best]);
    i = best;
  }
  return out;
}

}  // namespace swim::sim
