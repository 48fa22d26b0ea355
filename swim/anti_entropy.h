// Anti-entropy: the exchanges of whole state that repair what gossip
// missed. It owns the periodic push-pull (a digest first, then only the
// buckets that differ), the churn exchanges (full states while many new
// members arrive, then one settling digest), the join (full states to the
// seed peers, with backoff, until someone answers) and catch-up exchanges
// that other parts ask for (SyncAt, SyncNoLaterThan).
//
//   anti_entropy.RunJoin(now);
//   anti_entropy.RunSync(now);
//   anti_entropy.RunChurnSync(now);
//   anti_entropy.OnSyncDigest(now, digest, from);  // reply if we differ
#ifndef SWIM_ANTI_ENTROPY_H_
#define SWIM_ANTI_ENTROPY_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/peer_sampler.h"

namespace swim {

class AntiEntropy {
 public:
  // Draws where in its first interval the first periodic exchange falls.
  AntiEntropy(NodeContext& ctx, Outbox& outbox, PeerSampler& sampler,
              absl::Time now);

  AntiEntropy(const AntiEntropy&) = delete;
  AntiEntropy& operator=(const AntiEntropy&) = delete;

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

  void RunJoin(absl::Time now);
  void RunSync(absl::Time now);
  void RunChurnSync(absl::Time now);
  absl::Time NextDeadline() const;

 private:
  // A digest of our state (config.sync_digest_buckets buckets).
  void SendDigest(absl::Time now, absl::string_view to_address,
                  bool reply_wanted);

  NodeContext& ctx_;
  Outbox& outbox_;
  PeerSampler& sampler_;
  absl::Time next_sync_at_;
  int new_members_since_sync_ = 0;  // learnt through gossip
  absl::Time last_churn_sync_;
  absl::Time settle_sync_at_ = absl::InfiniteFuture();
  absl::Time next_join_at_;
  absl::Duration join_backoff_;
};

}  // namespace swim

#endif  // SWIM_ANTI_ENTROPY_H_
