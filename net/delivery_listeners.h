// Delivery listeners: callbacks on every user broadcast and direct message
// the node receives (swim::Delivery), held by the same RAII Subscription
// objects as membership changes (net/subscription.h), with the same rules:
// callbacks run on the adapter's loop thread, one at a time, and must not
// block; cancelling from another thread waits for a callback in flight.
//
//   Subscription s = node->SubscribeDeliveries([](const Delivery& d) {
//     std::cout << d.from << " says " << d.payload << "\n";
//   });
#ifndef NET_DELIVERY_LISTENERS_H_
#define NET_DELIVERY_LISTENERS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "net/subscription.h"
#include "swim/delivery.h"

namespace swim::net {

using DeliveryCallback = std::function<void(const Delivery&)>;

// The registry behind SubscribeDeliveries; UdpNode owns one through a
// shared_ptr.
class DeliveryListeners
    : public ListenerRegistry,
      public std::enable_shared_from_this<DeliveryListeners> {
 public:
  Subscription Add(DeliveryCallback callback) ABSL_LOCKS_EXCLUDED(mu_);
  // Calls every active callback with `delivery`, on the calling thread.
  void Notify(const Delivery& delivery) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    DeliveryCallback callback;
    std::atomic<bool> active{true};
  };
  void Remove(uint64_t id) override ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  std::map<uint64_t, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::Mutex dispatch_mu_;
  std::atomic<std::thread::id> dispatch_thread_{};
};

}  // namespace swim::net

#endif  // NET_DELIVERY_LISTENERS_H_
