#include "swim/anti_entropy.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/fixed_log.h"
#include "swim/members.h"
#include "swim/replay_guard.h"
#include "swim/state_digest.h"
#include "swim/status.h"

namespace swim {

AntiEntropy::AntiEntropy(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler,
                         absl::Time now)
    : ctx_(ctx), outbox_(outbox), sampler_(sampler) {
  const Config& config = ctx.config;
  // Spread the first exchanges over an interval so that nodes started
  // together do not sync in lockstep.
  const int64_t jitter_permille = static_cast<int64_t>(ctx.rng.Uniform(1000));
  next_sync_at_ = now + config.sync_interval * jitter_permille / 1000;
  join_backoff_ = config.join_retry_initial;
  next_join_at_ = now;
  join_peers_ = config.seed_peers;
  awaited_.insert(join_peers_.begin(), join_peers_.end());
  last_acked_ = now;
  next_seed_recheck_at_ = now + kSeedRecheckInterval;
  // As if the last churn exchange were an interval ago: one may start at
  // once, and NextDeadline() stays a real time.
  last_churn_sync_ = now - config.churn_sync_interval;
}

absl::Duration AntiEntropy::CurrentSyncInterval() const {
  // memberlist's pushPullScale: one more interval per doubling past 32.
  constexpr uint64_t kScaleThreshold = 32;
  const uint64_t n = ctx_.members.CountHeld(Status::kAvailable);
  if (n <= kScaleThreshold) return ctx_.config.sync_interval;
  const int64_t excess = Log2Fixed(n) - Log2Fixed(kScaleThreshold);
  const int64_t one = int64_t{1} << kLog2FractionBits;
  const int64_t multiplier = (excess + one - 1) / one + 1;
  return ctx_.config.sync_interval * multiplier;
}

void AntiEntropy::SendState(absl::Time now, absl::string_view to_address,
                            bool reply_wanted,
                            const std::vector<bool>& buckets) {
  const Members& members = ctx_.members;
  ++ctx_.counters.syncs_sent;
  // A full exchange brings whatever news gossip was still carrying.
  if (reply_wanted) new_members_since_sync_ = 0;
  const auto wanted = [&](uint32_t id) {
    return buckets.empty() ||
           buckets[DigestBucketOf(members.NameOf(id), buckets.size())];
  };
  std::vector<uint32_t> ids;
  ids.reserve(members.size());
  for (uint32_t id = 1; id < members.id_bound(); ++id) {
    if (members.InUse(id) && wanted(id)) ids.push_back(id);
  }
  // In a random order after our own entry: the receiver queues what was
  // news to it in this order for piggybacking, and varied orders spread
  // different members first (and a lost datagram loses different ones).
  ctx_.rng.Shuffle(ids);
  if (wanted(Members::kLocalId)) ids.insert(ids.begin(), Members::kLocalId);
  // Only the first datagram asks for a reply: one exchange, not one per
  // datagram. Every datagram is useful on its own.
  Sync sync;
  sync.reply_wanted = reply_wanted;
  if (reply_wanted) sync.stamp = NextRequestStamp(ctx_.last_stamp, now);
  std::optional<PacketWriter> writer;
  for (uint32_t id : ids) {
    // Inline metadata, in this datagram or a fresh one; else without.
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (!writer.has_value()) {
        absl::StatusOr<PacketWriter> started =
            outbox_.StartPacket(to_address, sync);
        if (!started.ok()) return;
        writer.emplace(std::move(*started));
        sync.reply_wanted = false;
        sync.stamp = 0;
      }
      if (writer->Add(outbox_.UpdateFor(id, /*inline_metadata=*/attempt < 2))) {
        break;
      }
      if (writer->update_count() > 0) {
        outbox_.Send(to_address, std::move(*writer), MessageTypeIndex<Sync>());
        writer.reset();
      }
    }
  }
  if (writer.has_value()) {
    outbox_.Send(to_address, std::move(*writer), MessageTypeIndex<Sync>());
  }
}

void AntiEntropy::SendDigest(absl::Time now, absl::string_view to_address,
                             bool reply_wanted, size_t bucket_count) {
  ++ctx_.counters.digests_sent;
  SyncDigest digest;
  digest.reply_wanted = reply_wanted;
  // Even without reply_wanted a digest asks for the buckets that differ.
  digest.stamp = NextRequestStamp(ctx_.last_stamp, now);
  digest.buckets = ComputeDigest(ctx_.members, bucket_count);
  outbox_.SendWithGossip(to_address, digest);
}

void AntiEntropy::OnSync(absl::Time now, const Sync& sync,
                         absl::string_view from_address) {
  if (!sync.reply_wanted && !awaited_.empty()) {
    auto it = awaited_.find(std::string(from_address));
    if (it != awaited_.end()) answered_.insert(*it);
  }
  if (sync.reply_wanted) {
    SendState(now, from_address, /*reply_wanted=*/false);
    OfferAppState(now, from_address, /*join=*/false);
  }
}

void AntiEntropy::OnSyncDigest(absl::Time now, const SyncDigest& digest,
                               absl::string_view from_address) {
  // A periodic exchange's first digest: our state's offer goes back.
  if (digest.reply_wanted) OfferAppState(now, from_address, /*join=*/false);
  // Compare at the sender's bucket count, so that nodes configured
  // differently still understand each other.
  const std::vector<uint64_t> mine =
      ComputeDigest(ctx_.members, digest.buckets.size());
  std::vector<bool> differs(mine.size(), false);
  bool any = false;
  for (size_t b = 0; b < mine.size(); ++b) {
    differs[b] = mine[b] != digest.buckets[b];
    any = any || differs[b];
  }
  if (!any) return;
  SendState(now, from_address, /*reply_wanted=*/false, differs);
  // Our digest lets the sender send what we lack in those buckets.
  if (digest.reply_wanted) {
    SendDigest(now, from_address, /*reply_wanted=*/false,
               digest.buckets.size());
  }
}

void AntiEntropy::SyncNoLaterThan(absl::Time now) {
  next_sync_at_ = std::min(next_sync_at_, now);
}

absl::Status AntiEntropy::Join(absl::Time now,
                               absl::Span<const std::string> peers) {
  if (peers.empty()) {
    return absl::InvalidArgumentError("Join: no peers given");
  }
  for (const std::string& peer : peers) {
    if (!ParseAddress(peer, nullptr, nullptr)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Join: \"", peer, "\" is not host:port"));
    }
  }
  awaited_.clear();
  answered_.clear();
  for (const std::string& peer : peers) {
    if (std::find(join_peers_.begin(), join_peers_.end(), peer) ==
        join_peers_.end()) {
      join_peers_.push_back(peer);
    }
    if (peer == ctx_.config.address || !awaited_.insert(peer).second) continue;
    SendState(now, peer, /*reply_wanted=*/true);
    OfferAppState(now, peer, /*join=*/true);
  }
  // Retries (while alone) from the first backoff again.
  join_backoff_ = ctx_.config.join_retry_initial;
  next_join_at_ = now + join_backoff_;
  return absl::OkStatus();
}

bool AntiEntropy::Unjoined(absl::Time now) const {
  return ctx_.members.CountHeld(Status::kAvailable) <= 1 ||
         now - last_acked_ >= kSilenceBeforeRejoin;
}

void AntiEntropy::RunJoin(absl::Time now) {
  const Config& config = ctx_.config;
  if (join_peers_.empty() || now < next_join_at_) return;
  if (!Unjoined(now)) {
    // Joined; should every member vanish, start over quickly.
    join_backoff_ = config.join_retry_initial;
    next_join_at_ = now + join_backoff_;
    // (Not in NextDeadline: a joined node ticks every probe interval.)
    if (now >= next_seed_recheck_at_) RecheckSeeds(now);
    return;
  }
  for (const std::string& peer : join_peers_) {
    if (peer == config.address) continue;
    SendState(now, peer, /*reply_wanted=*/true);
    OfferAppState(now, peer, /*join=*/true);
  }
  next_join_at_ = now + join_backoff_;
  join_backoff_ = std::min(join_backoff_ * 2, config.join_retry_max);
}

void AntiEntropy::RecheckSeeds(absl::Time now) {
  next_seed_recheck_at_ = now + kSeedRecheckInterval;
  seed_member_hints_.resize(join_peers_.size(), Members::kLocalId);
  for (size_t i = 0; i < join_peers_.size(); ++i) {
    const std::string& peer = join_peers_[i];
    if (peer == ctx_.config.address ||
        HeldAvailable(peer, seed_member_hints_[i])) {
      continue;
    }
    ++ctx_.counters.seed_rechecks;
    SendDigest(now, peer, /*reply_wanted=*/true, DefaultDigestBuckets());
  }
}

bool AntiEntropy::HeldAvailable(absl::string_view address,
                                uint32_t& hint) const {
  const Members& members = ctx_.members;
  const auto available_at = [&](uint32_t id) {
    return members.InUse(id) &&
           Matches(members.record(id).status, Status::kAvailable) &&
           members.AddressOf(id) == address;
  };
  if (hint != Members::kLocalId && available_at(hint)) return true;
  for (uint32_t id = 1; id < members.id_bound(); ++id) {
    if (available_at(id)) {
      hint = id;
      return true;
    }
  }
  return false;
}

void AntiEntropy::RunSync(absl::Time now) {
  if (now < next_sync_at_) return;
  next_sync_at_ = now + CurrentSyncInterval();
  std::vector<uint32_t> peer = sampler_.Draw(1, Status::kOnline, std::nullopt);
  if (peer.empty()) return;
  SendDigest(now, ctx_.members.AddressOf(peer[0]), /*reply_wanted=*/true,
             DefaultDigestBuckets());
  OfferAppState(now, ctx_.members.AddressOf(peer[0]), /*join=*/false);
}

void AntiEntropy::RunChurnSync(absl::Time now) {
  const Config& config = ctx_.config;
  const bool churning =
      new_members_since_sync_ >= config.churn_sync_threshold &&
      now >= last_churn_sync_ + config.churn_sync_interval;
  const bool settling = now >= settle_sync_at_;
  if (!churning && !settling) return;
  std::vector<uint32_t> peer = sampler_.Draw(1, Status::kOnline, std::nullopt);
  if (peer.empty()) {
    settle_sync_at_ = absl::InfiniteFuture();
    new_members_since_sync_ = 0;
    return;
  }
  last_churn_sync_ = now;
  // One last exchange once the churn is over (each new one postpones it).
  settle_sync_at_ =
      churning ? now + config.churn_settle_delay : absl::InfiniteFuture();
  ++ctx_.counters.churn_syncs;
  const absl::string_view address = ctx_.members.AddressOf(peer[0]);
  OfferAppState(now, address, /*join=*/false);
  if (!churning) {
    // Settling: gossip has carried most of the storm, so compare digests
    // and exchange only the buckets that differ.
    SendDigest(now, address, /*reply_wanted=*/true, DefaultDigestBuckets());
    return;
  }
  // Churning: two nodes deep in a storm hold mostly the same members, so a
  // fine digest (eight members a bucket at 1,000) finds the buckets that
  // differ, where full states sent each node every member many times over
  // (swim/protocol.md, "Churn exchanges"). While a digest would be no
  // smaller than the state, the state goes at once.
  if (ctx_.members.size() <= kMaxDigestBuckets) {
    SendState(now, address, /*reply_wanted=*/true);  // resets the count
    return;
  }
  // As SendState does: the exchange brings what gossip was still carrying.
  new_members_since_sync_ = 0;
  SendDigest(now, address, /*reply_wanted=*/true, kMaxDigestBuckets);
}

absl::Time AntiEntropy::NextDeadline() const {
  const Config& config = ctx_.config;
  absl::Time next = absl::InfiniteFuture();
  if (ctx_.members.CountHeld(Status::kOnline) > 1) {
    next = std::min(next, next_sync_at_);
    if (new_members_since_sync_ >= config.churn_sync_threshold) {
      next = std::min(next, last_churn_sync_ + config.churn_sync_interval);
    }
    next = std::min(next, settle_sync_at_);
  }
  if (!join_peers_.empty()) {
    // With available members, not before the silence would be over.
    next = std::min(next, ctx_.members.CountHeld(Status::kAvailable) <= 1
                              ? next_join_at_
                              : std::max(next_join_at_,
                                         last_acked_ + kSilenceBeforeRejoin));
  }
  return next;
}

}  // namespace swim
