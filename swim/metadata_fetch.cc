#include "swim/metadata_fetch.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "swim/drop_reason.h"
#include "swim/replay_guard.h"

namespace swim {
namespace {

// A fetch gives up after this many silent attempts; the next announcement
// of the member's metadata starts a new one.
constexpr int kMaxFetchAttempts = 8;

}  // namespace

bool MetadataFetcher::OnAnnounced(absl::Time now, uint32_t id,
                                  const Alive& alive,
                                  absl::string_view from_address) {
  Members& members = ctx_.members;
  const uint64_t held_version = members.HeldMetadataVersion(id);
  if (alive.metadata_version < held_version) return false;  // stale
  members.Announce(id, alive.metadata_version, alive.metadata_size);
  if (alive.metadata_version == held_version) return false;
  if (alive.metadata.has_value()) {
    absl::StatusOr<std::string> encoded = EncodeMetadata(*alive.metadata);
    if (!encoded.ok()) return false;
    const bool changed = members.HeldMap(id) != *alive.metadata;
    Members::MetadataEntry entry;
    entry.version = alive.metadata_version;
    entry.map = *alive.metadata;
    entry.encoded = std::move(*encoded);
    members.InstallMetadata(id, std::move(entry));
    fetches_.erase(id);
    return changed;
  }
  if (alive.metadata_size > ctx_.config.max_metadata_bytes) return false;
  auto it = fetches_.find(id);
  if (it != fetches_.end() && it->second.version >= alive.metadata_version) {
    return false;  // already on it
  }
  if (it == fetches_.end() && fetches_.size() >= kMaxMetadataFetches) {
    ++ctx_.counters.fetches_refused;
    return false;
  }
  Fetch fetch;
  fetch.version = alive.metadata_version;
  fetch.total_size = alive.metadata_size;
  fetch.source = std::string(from_address);
  fetch.deadline = now + ctx_.config.metadata_fetch_timeout;
  Fetch& stored = fetches_[id] = std::move(fetch);
  Request(now, id, stored);
  return false;
}

void MetadataFetcher::Request(absl::Time now, uint32_t id, Fetch& fetch) {
  MetaRequest req;
  req.member = std::string(ctx_.members.NameOf(id));
  req.version = fetch.version;
  req.offset = static_cast<uint32_t>(fetch.data.size());
  req.stamp = NextRequestStamp(ctx_.last_stamp, now);
  fetch.window_start = req.offset;
  absl::StatusOr<PacketWriter> writer = outbox_.StartPacket(fetch.source, req);
  if (!writer.ok()) return;
  outbox_.Send(fetch.source, std::move(*writer),
               MessageTypeIndex<MetaRequest>());
}

void MetadataFetcher::OnRequest(const MetaRequest& req,
                                absl::string_view from_address) {
  std::optional<uint32_t> id = ctx_.members.IdOf(req.member);
  if (!id.has_value()) return;
  const Members::MetadataEntry* entry = ctx_.members.MetadataOf(*id);
  if (entry == nullptr || entry->version != req.version ||
      req.offset >= entry->encoded.size()) {
    return;  // not ours to give; the requester will ask elsewhere
  }
  MetaChunk chunk;
  chunk.member = req.member;
  chunk.version = entry->version;
  chunk.total_size = static_cast<uint32_t>(entry->encoded.size());
  chunk.offset = req.offset;
  SendChunks(outbox_, from_address, std::move(chunk), entry->encoded,
             ctx_.config.metadata_chunks_per_request);
}

void MetadataFetcher::OnChunk(absl::Time now, const MetaChunk& chunk) {
  std::optional<uint32_t> id = ctx_.members.IdOf(chunk.member);
  if (!id.has_value()) return;
  auto it = fetches_.find(*id);
  if (it == fetches_.end()) return;
  Fetch& fetch = it->second;
  switch (fetch.Take(chunk.version, chunk.total_size, chunk.offset, chunk.data,
                     ctx_.config.max_metadata_bytes,
                     ctx_.config.metadata_chunks_per_request,
                     now + ctx_.config.metadata_fetch_timeout)) {
    case Fetch::Step::kRejected:  // duplicate, out of order or inconsistent
    case Fetch::Step::kWait:
      return;
    case Fetch::Step::kAskMore:
      Request(now, *id, fetch);
      return;
    case Fetch::Step::kComplete:
      break;
  }
  Fetch done = std::move(fetch);
  fetches_.erase(it);
  Complete(*id, std::move(done));
}

void MetadataFetcher::Complete(uint32_t id, Fetch fetch) {
  Members& members = ctx_.members;
  absl::StatusOr<Metadata> map = DecodeMetadata(fetch.data);
  if (!map.ok()) {
    ++ctx_.counters.drops[static_cast<size_t>(DropReasonOf(map.status()))];
    return;
  }
  // Overtaken by a newer announcement: that one's fetch is under way.
  if (members.record(id).metadata_version != fetch.version) return;
  const bool changed = members.HeldMap(id) != *map;
  Members::MetadataEntry entry;
  entry.version = fetch.version;
  entry.map = std::move(*map);
  entry.encoded = std::move(fetch.data);
  members.SetMetadata(id, std::move(entry));
  ++ctx_.counters.metadata_fetched;
  if (changed) ctx_.Emit(id, members.ShownStatus(id), true);
}

void MetadataFetcher::RunTimers(absl::Time now) {
  std::vector<uint32_t> due;
  for (const auto& [id, fetch] : fetches_) {
    if (now >= fetch.deadline) due.push_back(id);
  }
  for (uint32_t id : due) {
    Fetch& fetch = fetches_[id];
    if (++fetch.attempts > kMaxFetchAttempts) {
      fetches_.erase(id);
      continue;
    }
    // Ask the owner next, then random members, alternating.
    const std::string owner(ctx_.members.AddressOf(id));
    if (fetch.source != owner) {
      fetch.source = owner;
    } else {
      std::vector<uint32_t> other = sampler_.Draw(1, Status::kOnline, id);
      if (!other.empty()) {
        fetch.source = std::string(ctx_.members.AddressOf(other[0]));
      }
    }
    fetch.deadline = now + ctx_.config.metadata_fetch_timeout;
    Request(now, id, fetch);
  }
}

absl::Time MetadataFetcher::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [id, fetch] : fetches_)
    next = std::min(next, fetch.deadline);
  return next;
}

}  // namespace swim
