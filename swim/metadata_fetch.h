// Members' metadata maps, both ways: taking the map an Alive carries
// inline, fetching the ones too large to carry (MetaRequest / MetaChunk,
// a window of chunks per request, from the announcer, then the owner and
// random members in turn), and serving the maps this node holds to
// others' fetches.
//
//   bool changed = fetcher.OnAnnounced(now, id, alive, from_address);
//   fetcher.OnChunk(now, chunk);      // emits an event once a map is whole
//   fetcher.RunTimers(now);           // asks again, elsewhere
#ifndef SWIM_METADATA_FETCH_H_
#define SWIM_METADATA_FETCH_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/chunked_download.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/peer_sampler.h"

namespace swim {

// Fetches under way at once, at most: each holds up to max_metadata_bytes
// (32 MiB at 256 × 128 KiB), and a peer that announces many members with
// large maps should not make the node hold a buffer for each.
inline constexpr size_t kMaxMetadataFetches = 256;

class MetadataFetcher {
 public:
  MetadataFetcher(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler)
      : ctx_(ctx), outbox_(outbox), sampler_(sampler) {}

  MetadataFetcher(const MetadataFetcher&) = delete;
  MetadataFetcher& operator=(const MetadataFetcher&) = delete;

  // `alive` announced member `id`'s metadata version: records it, installs
  // the map if it came inline, or starts fetching it from `from_address`.
  // Returns whether the map we hold changed.
  bool OnAnnounced(absl::Time now, uint32_t id, const Alive& alive,
                   absl::string_view from_address);
  // Serves a part of a map we hold.
  void OnRequest(const MetaRequest& req, absl::string_view from_address);
  // Takes a part of a map being fetched; installs the map once whole.
  void OnChunk(absl::Time now, const MetaChunk& chunk);
  // Asks again for fetches that went quiet, or gives up on them.
  void RunTimers(absl::Time now);

  void Cancel(uint32_t id) { fetches_.erase(id); }
  void Clear() { fetches_.clear(); }
  // Fetches under way (at most kMaxMetadataFetches).
  size_t size() const { return fetches_.size(); }
  absl::Time NextDeadline() const;

 private:
  // A metadata map being fetched in MetaChunk parts.
  using Fetch = ChunkedDownload;

  void Request(absl::Time now, uint32_t id, Fetch& fetch);
  // Installs the whole map of a finished fetch.
  void Complete(uint32_t id, Fetch fetch);

  NodeContext& ctx_;
  Outbox& outbox_;
  PeerSampler& sampler_;
  std::map<uint32_t, Fetch> fetches_;  // by member id
};

}  // namespace swim

#endif  // SWIM_METADATA_FETCH_H_
