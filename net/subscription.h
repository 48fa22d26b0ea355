// Change listeners: callbacks on every member status, metadata or address
// change (and name conflict), held by RAII Subscription objects (the
// seed's listener.on_notify).
//
// The adapter's loop thread calls Notify; callbacks run there, one at a
// time, and must not block (no sleeping, no waiting on the node: UdpNode's
// own methods may be called, though). Destroying or cancelling a
// Subscription from any other thread waits for a callback in flight, so
// whatever the callback captured may be freed right after; a callback may
// also cancel subscriptions (its own included). A Subscription may outlive
// the node it came from.
//
//   Subscription s = node->Subscribe([](const MemberChange& change) {
//     std::cout << change.member.name << " "
//               << StatusName(change.member.status) << "\n";
//   });
//   ...  // `s` going out of scope unsubscribes.
#ifndef NET_SUBSCRIPTION_H_
#define NET_SUBSCRIPTION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "net/member_snapshot.h"
#include "net/tsan_mutex_lock.h"
#include "swim/node.h"

namespace swim::net {

// One change, as a listener sees it: exactly what changed, and the member
// as of that change (not as of when the callback runs).
//
//   if (change.status_changed) Log(m.name, StatusName(m.status));
//   if (change.metadata_changed) Reload(m.metadata);
//   if (change.address_changed) Reconnect(change.event.previous_address,
//                                         m.address);
struct MemberChange {
  // The node's event (previous and current status, previous_address, ...).
  MemberEvent event;
  // The member's state right after the change: status, offline reason,
  // incarnation and address from the event itself; metadata as held once
  // the node had handled the input (datagram, timer, call) that made the
  // change. The last state known, for a forgotten member.
  MemberInfo member;
  // What changed; several at once is possible (a member back at a new
  // address with new metadata). All false for a name conflict
  // (event.kind == MemberEvent::Kind::kNameConflict), which changes
  // nothing.
  bool status_changed = false;  // status or offline reason; learnt, forgotten
  bool metadata_changed = false;
  bool address_changed = false;  // from event.previous_address

  // The change `event` describes, `member` as held after it (with the
  // event's status, reason, incarnation and address put in).
  static MemberChange Of(MemberEvent event, MemberInfo member);
};

using ChangeCallback = std::function<void(const MemberChange&)>;

// What a Subscription cancels itself with: ChangeListeners here, the
// deliveries' listeners of net/delivery_listeners.h.
class ListenerRegistry {
 public:
  virtual ~ListenerRegistry() = default;

 protected:
  friend class Subscription;
  // Stops callback `id`; off the dispatching thread, waits out a dispatch.
  virtual void Remove(uint64_t id) = 0;
};

// Unsubscribes on destruction (or Cancel). Movable, not copyable. Like any
// value, one Subscription object must not be used from two threads at once
// (e.g. assigned on one while a callback cancels it on the loop thread)
// without a lock.
class Subscription {
 public:
  Subscription() = default;
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { Cancel(); }

  // Stops the callback; after return (off the loop thread) it runs no more.
  void Cancel();
  bool active() const { return id_ != 0; }

 private:
  template <typename Event>
  friend class Listeners;
  Subscription(std::weak_ptr<ListenerRegistry> listeners, uint64_t id)
      : listeners_(std::move(listeners)), id_(id) {}

  std::weak_ptr<ListenerRegistry> listeners_;
  uint64_t id_ = 0;
};

// A registry of callbacks on `Event`s, behind UdpNode's Subscribe
// (ChangeListeners) and SubscribeDeliveries (DeliveryListeners,
// net/delivery_listeners.h); UdpNode owns each through a shared_ptr.
template <typename Event>
class Listeners : public ListenerRegistry,
                  public std::enable_shared_from_this<Listeners<Event>> {
 public:
  using Callback = std::function<void(const Event&)>;

  Subscription Add(Callback callback) ABSL_LOCKS_EXCLUDED(mu_) {
    auto entry = std::make_shared<Entry>();
    entry->callback = std::move(callback);
    TsanMutexLock lock(&mu_);
    uint64_t id = next_id_++;
    entries_.emplace(id, std::move(entry));
    return Subscription(this->weak_from_this(), id);
  }

  // Calls every active callback with `event`, on the calling thread.
  void Notify(const Event& event) ABSL_LOCKS_EXCLUDED(mu_) {
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
      if (entry->active.load()) entry->callback(event);
    }
    dispatch_thread_.store(std::thread::id());
  }

  bool empty() const ABSL_LOCKS_EXCLUDED(mu_) {
    TsanMutexLock lock(&mu_);
    return entries_.empty();
  }

 private:
  struct Entry {
    Callback callback;
    std::atomic<bool> active{true};
  };

  void Remove(uint64_t id) override ABSL_LOCKS_EXCLUDED(mu_) {
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

  mutable absl::Mutex mu_;
  std::map<uint64_t, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Held while callbacks run, so that Remove can wait for them.
  absl::Mutex dispatch_mu_;
  std::atomic<std::thread::id> dispatch_thread_{};
};

using ChangeListeners = Listeners<MemberChange>;

}  // namespace swim::net

#endif  // NET_SUBSCRIPTION_H_
