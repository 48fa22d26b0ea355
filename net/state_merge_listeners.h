// State-merge listeners: callbacks on every remote application state the
// node fetched in a state exchange (swim::StateMerge, swim/app_state.h),
// held by the same RAII Subscription objects as membership changes
// (net/subscription.h), with the same rules: callbacks run on the
// adapter's loop thread, one at a time, and must not block; cancelling
// from another thread waits for a callback in flight.
//
//   Subscription s = node->SubscribeStateMerges([&](const StateMerge& m) {
//     ring.Merge(m.state);  // idempotent: the same state may come again
//   });
#ifndef NET_STATE_MERGE_LISTENERS_H_
#define NET_STATE_MERGE_LISTENERS_H_

#include "net/subscription.h"
#include "swim/app_state.h"

namespace swim::net {

using StateMergeListeners = Listeners<StateMerge>;
using StateMergeCallback = StateMergeListeners::Callback;

}  // namespace swim::net

#endif  // NET_STATE_MERGE_LISTENERS_H_
