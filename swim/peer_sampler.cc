#include "swim/peer_sampler.h"

#include <algorithm>
#include <utility>

namespace swim {

std::vector<uint32_t> PeerSampler::Draw(size_t count, Status query,
                                        std::optional<uint32_t> exclude) {
  std::vector<uint32_t> candidates;
  if (count == 0) return candidates;
  auto eligible = [&](uint32_t id) {
    return members_.InUse(id) && !(exclude.has_value() && id == *exclude) &&
           Matches(members_.record(id).status, query);
  };
  // Usually most ids qualify: draw ids at random, which costs O(count)
  // rather than a scan of every member.
  const uint32_t bound = members_.id_bound();
  if (bound > 64) {
    for (size_t draws = 0; draws < 4 * count + 16; ++draws) {
      const uint32_t id = 1 + static_cast<uint32_t>(rng_.Uniform(bound - 1));
      if (eligible(id) && std::find(candidates.begin(), candidates.end(), id) ==
                              candidates.end()) {
        candidates.push_back(id);
        if (candidates.size() == count) return candidates;
      }
    }
    candidates.clear();  // too few qualify for sampling: scan instead
  }
  for (uint32_t id = 1; id < bound; ++id) {
    if (eligible(id)) candidates.push_back(id);
  }
  // Partial Fisher-Yates: the first `count` are a uniform sample.
  const size_t take = std::min(count, candidates.size());
  for (size_t i = 0; i < take; ++i) {
    const size_t j = i + rng_.Uniform(candidates.size() - i);
    std::swap(candidates[i], candidates[j]);
  }
  candidates.resize(take);
  return candidates;
}

}  // namespace swim
