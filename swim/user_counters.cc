#include "swim/user_counters.h"

namespace swim {

// A new count must be added below too.
static_assert(sizeof(UserCounters) == sizeof(uint64_t) * 18,
              "UserCounters changed: update operator+=");

UserCounters& UserCounters::operator+=(const UserCounters& other) {
  broadcasts_sent += other.broadcasts_sent;
  broadcasts_delivered += other.broadcasts_delivered;
  broadcasts_duplicate += other.broadcasts_duplicate;
  broadcasts_refused += other.broadcasts_refused;
  broadcasts_evicted += other.broadcasts_evicted;
  broadcasts_forgotten += other.broadcasts_forgotten;
  broadcast_transmits += other.broadcast_transmits;
  broadcasts_malformed += other.broadcasts_malformed;
  messages_sent += other.messages_sent;
  messages_received += other.messages_received;
  deliveries_dropped += other.deliveries_dropped;
  states_offered += other.states_offered;
  states_merged += other.states_merged;
  states_unchanged += other.states_unchanged;
  states_refused += other.states_refused;
  state_chunks_ignored += other.state_chunks_ignored;
  state_fetches_failed += other.state_fetches_failed;
  state_merges_dropped += other.state_merges_dropped;
  return *this;
}

}  // namespace swim
