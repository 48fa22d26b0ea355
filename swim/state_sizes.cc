#include "swim/state_sizes.h"

#include "swim/app_state.h"
#include "swim/metadata_fetch.h"
#include "swim/relays.h"

namespace swim {

StateSizes StateBounds(const Config& config) {
  const size_t members = static_cast<size_t>(config.max_members);
  StateSizes bounds;
  bounds.members = members;
  bounds.suspicions = members;
  bounds.out_of_turn = members;
  bounds.relays = kMaxRelays;
  bounds.fetches = kMaxMetadataFetches;
  bounds.offline = members;
  bounds.gossip_queue = members;
  bounds.gossip_backlog = 2 * members;
  bounds.state_fetches = AppState::kMaxFetches;
  bounds.state_merges = AppState::kMaxPendingMerges;
  return bounds;
}

}  // namespace swim
