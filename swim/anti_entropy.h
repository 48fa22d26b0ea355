// Anti-entropy: the exchanges of whole state that repair what gossip
// missed. It owns the periodic push-pull (a digest first, then only the
// buckets that differ), the churn exchanges (fine digests, or full states
// in small clusters, while many new members arrive, then one settling
// digest), the join (full states to the seed peers, with backoff, until
// someone answers) and catch-up exchanges that other parts ask for
// (SyncAt, SyncNoLaterThan).
//
//   anti_entropy.RunJoin(now);
//   anti_entropy.RunSync(now);
//   anti_entropy.RunChurnSync(now);
//   anti_entropy.OnSyncDigest(now, digest, from);  // reply if we differ
#ifndef SWIM_ANTI_ENTROPY_H_
#define SWIM_ANTI_ENTROPY_H_

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "swim/app_state.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/peer_sampler.h"

namespace swim {

// How long a node holding available members may go without an ack to any
// of its probes before it asks its seed peers again: two join_retry_max
// defaults, far beyond the loss bursts and partitions the node rides out
// on its own (its probes are acked again within seconds of a heal).
inline constexpr absl::Duration kSilenceBeforeRejoin = absl::Minutes(1);

// How often a joined node checks that its seed peers are still members: a
// joined node otherwise never contacts them again, so two groups that each
// came to forget the other (an insider's lies, or a partition, outlasting
// offline_retention) would stay apart for good. A seed peer that no
// available member holds at its address gets a digest exchange, which
// merges the two states if they differ (Serf likewise keeps reconnecting
// to failed members). In a whole cluster the seeds are members: nothing is
// sent.
inline constexpr absl::Duration kSeedRecheckInterval = absl::Minutes(1);

class AntiEntropy {
 public:
  // Draws where in its first interval the first periodic exchange falls.
  AntiEntropy(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler,
              absl::Time now);

  AntiEntropy(const AntiEntropy&) = delete;
  AntiEntropy& operator=(const AntiEntropy&) = delete;

  // The application's state (swim/app_state.h) offered at each exchange
  // started or answered here; none if null.
  void set_app_state(AppState* app_state) { app_state_ = app_state; }

  // The interval between periodic exchanges at the current size.
  absl::Duration CurrentSyncInterval() const;

  // Full state in as many Sync datagrams as it takes; only the members of
  // the digest buckets marked in `buckets` (all if empty). A reply wanted
  // is a request: its first datagram carries a stamp (swim/replay_guard.h).
  void SendState(absl::Time now, absl::string_view to_address,
                 bool reply_wanted, const std::vector<bool>& buckets = {});
  void OnSync(absl::Time now, const Sync& sync, absl::string_view from_address);
  void OnSyncDigest(absl::Time now, const SyncDigest& digest,
                    absl::string_view from_address);

  // A member new to us arrived (from any source but a known-members list).
  void NoteNewMember() { ++new_members_since_sync_; }
  // The next periodic exchange starts at `now`.
  void SyncAt(absl::Time now) { next_sync_at_ = now; }
  // The next periodic exchange starts by `now` at the latest.
  void SyncNoLaterThan(absl::Time now);

  // Contacts `peers` ("host:port") now with our full state, and adds them
  // to the seed peers retried while this node knows no other member.
  // InvalidArgument (nothing contacted) for an empty list or a bad
  // address.
  absl::Status Join(absl::Time now, absl::Span<const std::string> peers);
  // How many of the last Join's peers (all seed peers before any Join)
  // have answered with their state.
  size_t join_answers() const { return answered_.size(); }

  // One of our probes was acked at `now`: we are in touch with the cluster.
  void NoteAcked(absl::Time now) { last_acked_ = now; }
  // Contacts the seed peers (with backoff) while the node knows no
  // available member, or has had no probe acked for kSilenceBeforeRejoin:
  // members it holds that never answer (a stale view, or names an insider
  // planted before the join's answer came) would otherwise keep it from
  // ever joining.
  void RunJoin(absl::Time now);
  void RunSync(absl::Time now);
  void RunChurnSync(absl::Time now);
  absl::Time NextDeadline() const;

 private:
  // A digest of our state in `bucket_count` buckets (1 to
  // kMaxDigestBuckets).
  void SendDigest(absl::Time now, absl::string_view to_address,
                  bool reply_wanted, size_t bucket_count);
  size_t DefaultDigestBuckets() const {
    return static_cast<size_t>(ctx_.config.sync_digest_buckets);
  }

  // The application state's hook, at each exchange with `address`.
  void OfferAppState(absl::Time now, absl::string_view address, bool join) {
    if (app_state_ != nullptr) app_state_->OnExchange(now, address, join);
  }

  NodeContext& ctx_;
  Outbox& outbox_;
  PeerSampler& sampler_;
  AppState* app_state_ = nullptr;
  absl::Time next_sync_at_;
  int new_members_since_sync_ = 0;  // learnt through gossip
  absl::Time last_churn_sync_;
  absl::Time settle_sync_at_ = absl::InfiniteFuture();
  // Whether the join should run: no available member, or silence.
  bool Unjoined(absl::Time now) const;
  // Joined: a digest exchange with each seed peer no available member
  // holds (kSeedRecheckInterval).
  void RecheckSeeds(absl::Time now);
  // Whether an available member is at `address`; `hint` is the id found
  // there last time (checked first), updated when found elsewhere.
  bool HeldAvailable(absl::string_view address, uint32_t& hint) const;

  absl::Time next_join_at_;
  absl::Duration join_backoff_;
  // Seed peers: config.seed_peers, then those of Join() calls.
  std::vector<std::string> join_peers_;
  // Per seed peer, the id of the member last found at its address.
  std::vector<uint32_t> seed_member_hints_;
  absl::Time next_seed_recheck_at_;
  std::set<std::string> awaited_;  // the last Join's peers
  std::set<std::string> answered_;
  absl::Time last_acked_;
};

}  // namespace swim

#endif  // SWIM_ANTI_ENTROPY_H_
