// How much a node holds in each table a peer can grow, and the bound of
// each (swim/protocol.md, "Bounded state"): for monitoring, and for the
// fuzzers and tests that check no table outgrows its bound.
//
//   const StateSizes now = node->state_sizes();
//   const StateSizes bounds = StateBounds(node->config());
//   if (now.relays > bounds.relays) ...   // a bug: never happens
#ifndef SWIM_STATE_SIZES_H_
#define SWIM_STATE_SIZES_H_

#include <cstddef>

#include "swim/config.h"

namespace swim {

struct StateSizes {
  size_t members = 0;         // the member table, the local member included
  size_t suspicions = 0;      // suspicions held
  size_t out_of_turn = 0;     // suspects queued for an out-of-turn probe
  size_t relays = 0;          // pings relayed for others, in flight
  size_t fetches = 0;         // metadata fetches under way
  size_t offline = 0;         // members held OFFLINE, with their timestamps
  size_t gossip_queue = 0;    // the broadcast queue proper
  size_t gossip_backlog = 0;  // the backlog (swim/broadcast_queue.h)
  size_t state_fetches = 0;   // application states fetched (app_state.h)
  size_t state_merges = 0;    // application states waiting to be polled
};

// The bound of each table under `config`: max_members for members and
// everything kept per member, kMaxRelays, kMaxMetadataFetches,
// 2 × max_members for the backlog, and AppState's kMaxFetches and
// kMaxPendingMerges.
StateSizes StateBounds(const Config& config);

}  // namespace swim

#endif  // SWIM_STATE_SIZES_H_
