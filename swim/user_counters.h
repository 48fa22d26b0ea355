// The counters of the application traffic that rides on the protocol:
// user broadcasts (swim/user_broadcasts.h) and direct messages. Part of
// swim::Counters, as `user`.
//
//   const UserCounters& u = node->counters().user;
//   if (u.broadcasts_refused > 0) LOG(WARNING) << "broadcast flood";
#ifndef SWIM_USER_COUNTERS_H_
#define SWIM_USER_COUNTERS_H_

#include <cstdint>

namespace swim {

struct UserCounters {
  uint64_t broadcasts_sent = 0;       // Node::Broadcast calls accepted
  uint64_t broadcasts_delivered = 0;  // delivered here, once each
  // Received again, or older than a version already delivered.
  uint64_t broadcasts_duplicate = 0;
  // New (origin, key) pairs refused while the table of delivered ones was
  // full (UserBroadcasts::kMaxRememberedBroadcasts): a flood; not
  // delivered, not spread.
  uint64_t broadcasts_refused = 0;
  // Dropped from the in-flight queue (kMaxQueuedBroadcasts) before their
  // retransmit budget was spent.
  uint64_t broadcasts_evicted = 0;
  uint64_t broadcasts_forgotten = 0;  // remembered ones that expired
  uint64_t broadcast_transmits = 0;   // copies piggybacked or gossiped
  // Received with a bad origin, an empty or long key: dropped.
  uint64_t broadcasts_malformed = 0;
  uint64_t messages_sent = 0;      // Node::SendTo datagrams
  uint64_t messages_received = 0;  // UserMessage datagrams delivered
  // Deliveries lost because the application did not poll them
  // (kMaxPendingDeliveries were waiting).
  uint64_t deliveries_dropped = 0;
  // Application state exchange (swim/app_state.h): offers sent; remote
  // states fetched whole and queued for the application; offers of a
  // version already merged (not fetched again); offers refused (an unknown
  // or offline sender, empty or over max_app_state_bytes, AppState::
  // kMaxFetches under way); chunks that continued no fetch (duplicate, out
  // of order, inconsistent, unasked); fetches given up; merges lost because
  // the application did not poll them (AppState::kMaxPendingMerges).
  uint64_t states_offered = 0;
  uint64_t states_merged = 0;
  uint64_t states_unchanged = 0;
  uint64_t states_refused = 0;
  uint64_t state_chunks_ignored = 0;
  uint64_t state_fetches_failed = 0;
  uint64_t state_merges_dropped = 0;

  UserCounters& operator+=(const UserCounters& other);
};

}  // namespace swim

#endif  // SWIM_USER_COUNTERS_H_
