// Draws random members for a node's fan-outs: relays for an indirect
// probe, gossip and leave targets, exchange peers, fetch sources.
//
//   PeerSampler sampler(ctx.members, ctx.rng);
//   for (uint32_t id : sampler.Draw(3, Status::kOnline, /*exclude=*/target))
//     SendPingReq(id);
//
// Draws come from the node's protocol PRNG, so a sample is reproducible
// from the seed and the order of calls.
#ifndef SWIM_PEER_SAMPLER_H_
#define SWIM_PEER_SAMPLER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "swim/members.h"
#include "swim/prng.h"
#include "swim/status.h"

namespace swim {

class PeerSampler {
 public:
  PeerSampler(const Members& members, Prng& rng)
      : members_(members), rng_(rng) {}

  // Up to `count` distinct random members with a status in `query`,
  // excluding the local member and `exclude`.
  std::vector<uint32_t> Draw(size_t count, Status query,
                             std::optional<uint32_t> exclude);

 private:
  const Members& members_;
  Prng& rng_;
};

}  // namespace swim

#endif  // SWIM_PEER_SAMPLER_H_
