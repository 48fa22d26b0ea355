// Keys (member ids, say) each waiting for a deadline, found both by key
// and in deadline order. It keeps its two views in step, so that a caller
// never has to remember a key's old deadline to move or erase it.
//
//   DeadlineIndex<uint32_t> timers;
//   timers.Set(id, now + timeout);       // starts or moves id's deadline
//   for (uint32_t due : timers.Due(now)) Expire(due);
//   if (std::optional<absl::Time> next = timers.Earliest()) Wake(*next);
//
// Ties are broken by key, so iteration is deterministic.
#ifndef SWIM_DEADLINE_INDEX_H_
#define SWIM_DEADLINE_INDEX_H_

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace swim {

template <typename Key>
class DeadlineIndex {
 public:
  // Gives `key` the deadline `deadline`, replacing any it had.
  void Set(Key key, absl::Time deadline) {
    auto [it, inserted] = by_key_.try_emplace(key, deadline);
    if (!inserted) {
      by_time_.erase({it->second, key});
      it->second = deadline;
    }
    by_time_.insert({deadline, key});
  }

  // Removes `key`; false if it had no deadline.
  bool Erase(Key key) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return false;
    by_time_.erase({it->second, key});
    by_key_.erase(it);
    return true;
  }

  void Clear() {
    by_key_.clear();
    by_time_.clear();
  }

  bool Contains(Key key) const { return by_key_.count(key) != 0; }
  std::optional<absl::Time> DeadlineOf(Key key) const {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return std::nullopt;
    return it->second;
  }

  // The earliest deadline, if any.
  std::optional<absl::Time> Earliest() const {
    if (by_time_.empty()) return std::nullopt;
    return by_time_.begin()->first;
  }
  // The key with the earliest deadline, if any.
  std::optional<Key> First() const {
    if (by_time_.empty()) return std::nullopt;
    return by_time_.begin()->second;
  }
  // The keys whose deadline is at or before `now`, earliest first.
  std::vector<Key> Due(absl::Time now) const {
    std::vector<Key> due;
    for (auto it = by_time_.begin(); it != by_time_.end() && it->first <= now;
         ++it) {
      due.push_back(it->second);
    }
    return due;
  }

  // Every key with its deadline, in key order.
  const std::map<Key, absl::Time>& by_key() const { return by_key_; }
  bool empty() const { return by_key_.empty(); }
  size_t size() const { return by_key_.size(); }

 private:
  std::map<Key, absl::Time> by_key_;
  std::set<std::pair<absl::Time, Key>> by_time_;
};

}  // namespace swim

#endif  // SWIM_DEADLINE_INDEX_H_
