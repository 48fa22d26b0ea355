#include "net/delivery_listeners.h"

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "net/tsan_mutex_lock.h"

namespace swim::net {

Subscription DeliveryListeners::Add(DeliveryCallback callback) {
  auto entry = std::make_shared<Entry>();
  entry->callback = std::move(callback);
  TsanMutexLock lock(&mu_);
  uint64_t id = next_id_++;
  entries_.emplace(id, std::move(entry));
  return Subscription(weak_from_this(), id);
}

void DeliveryListeners::Notify(const Delivery& delivery) {
  TsanMutexLock dispatch(&dispatch_mu_);
  dispatch_thread_.store(std::this_thread::get_id());
  std::vector<std::shared_ptr<Entry>> entries;
  {
    TsanMutexLock lock(&mu_);
    entries.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) entries.push_back(entry);
  }
  for (const std::shared_ptr<Entry>& entry : entries) {
    if (entry->active.load()) entry->callback(delivery);
  }
  dispatch_thread_.store(std::thread::id());
}

void DeliveryListeners::Remove(uint64_t id) {
  {
    TsanMutexLock lock(&mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    it->second->active.store(false);
    entries_.erase(it);
  }
  // As ChangeListeners::Remove: wait out a dispatch unless we are in it.
  if (dispatch_thread_.load() != std::this_thread::get_id()) {
    TsanMutexLock wait(&dispatch_mu_);
  }
}

}  // namespace swim::net
