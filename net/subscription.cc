#include "net/subscription.h"

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "net/tsan_mutex_lock.h"

namespace swim::net {

MemberChange MemberChange::Of(MemberEvent event, MemberInfo member) {
  MemberChange change;
  member.name = event.member;
  member.status = event.current;
  member.offline_reason = event.offline_reason;
  member.incarnation = event.incarnation;
  if (!event.address.empty()) member.address = event.address;
  if (event.kind == MemberEvent::Kind::kChange) {
    change.metadata_changed = event.metadata_changed;
    change.address_changed = event.address_changed;
    // The node reports a change only when the status, offline reason,
    // metadata or address changed: with neither of the last two, it was
    // the status or its reason.
    change.status_changed = event.previous != event.current ||
                            event.forgotten ||
                            (!event.metadata_changed && !event.address_changed);
  }
  change.event = std::move(event);
  change.member = std::move(member);
  return change;
}

Subscription::Subscription(Subscription&& other) noexcept
    : listeners_(std::move(other.listeners_)),
      id_(std::exchange(other.id_, 0)) {}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    Cancel();
    listeners_ = std::move(other.listeners_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Subscription::Cancel() {
  if (id_ == 0) return;
  if (std::shared_ptr<ListenerRegistry> listeners = listeners_.lock()) {
    listeners->Remove(id_);
  }
  listeners_.reset();
  id_ = 0;
}

Subscription ChangeListeners::Add(ChangeCallback callback) {
  auto entry = std::make_shared<Entry>();
  entry->callback = std::move(callback);
  TsanMutexLock lock(&mu_);
  uint64_t id = next_id_++;
  entries_.emplace(id, std::move(entry));
  return Subscription(weak_from_this(), id);
}

void ChangeListeners::Notify(const MemberChange& change) {
  TsanMutexLock dispatch(&dispatch_mu_);
  dispatch_thread_.store(std::this_thread::get_id());
  std::vector<std::shared_ptr<Entry>> entries;
  {
    TsanMutexLock lock(&mu_);
    entries.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) entries.push_back(entry);
  }
  for (const std::shared_ptr<Entry>& entry : entries) {
    // Cancelled by an earlier callback of this round: skip.
    if (entry->active.load()) entry->callback(change);
  }
  dispatch_thread_.store(std::thread::id());
}

bool ChangeListeners::empty() const {
  TsanMutexLock lock(&mu_);
  return entries_.empty();
}

void ChangeListeners::Remove(uint64_t id) {
  {
    TsanMutexLock lock(&mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    it->second->active.store(false);
    entries_.erase(it);
  }
  // From a callback (the dispatching thread) the entry is merely skipped
  // from now on; from elsewhere, wait out a dispatch in progress so the
  // callback is not running once we return.
  if (dispatch_thread_.load() != std::this_thread::get_id()) {
    TsanMutexLock wait(&dispatch_mu_);
  }
}

}  // namespace swim::net
