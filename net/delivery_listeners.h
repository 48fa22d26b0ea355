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

#include "net/subscription.h"
#include "swim/delivery.h"

namespace swim::net {

using DeliveryListeners = Listeners<Delivery>;
using DeliveryCallback = DeliveryListeners::Callback;

}  // namespace swim::net

#endif  // NET_DELIVERY_LISTENERS_H_
