// The members a node holds OFFLINE: when each went offline, a rare ping to
// one of the failed ones (a healed partition shows itself: the member
// refutes in its ack), and when each is due to be forgotten
// (config.offline_retention after it went offline).
//
//   offline.Add(now, id);                     // it just went OFFLINE
//   offline.RunProbe(now);
//   while (std::optional<uint32_t> id = offline.NextToForget(now))
//     Forget(*id);                            // must Remove(*id)
#ifndef SWIM_OFFLINE_MEMBERS_H_
#define SWIM_OFFLINE_MEMBERS_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "swim/deadline_index.h"
#include "swim/node_context.h"
#include "swim/outbox.h"

namespace swim {

class OfflineMembers {
 public:
  OfflineMembers(NodeContext& ctx, Outbox& outbox, absl::Time now)
      : ctx_(ctx),
        outbox_(outbox),
        next_probe_at_(now + ctx.config.offline_probe_interval) {}

  OfflineMembers(const OfflineMembers&) = delete;
  OfflineMembers& operator=(const OfflineMembers&) = delete;

  // `id` went OFFLINE at `now`.
  void Add(absl::Time now, uint32_t id) { since_.Set(id, now); }
  // `id` is back, or forgotten.
  void Remove(uint32_t id) { since_.Erase(id); }

  // Pings one random member that failed (not one that left), if due.
  void RunProbe(absl::Time now);
  // A member whose retention is over at `now`, if any (oldest first).
  std::optional<uint32_t> NextToForget(absl::Time now) const;
  absl::Time NextDeadline() const;
  // Members held OFFLINE (one entry per member at most).
  size_t size() const { return since_.size(); }

 private:
  NodeContext& ctx_;
  Outbox& outbox_;
  // By member: when it went OFFLINE.
  DeadlineIndex<uint32_t> since_;
  absl::Time next_probe_at_;
};

}  // namespace swim

#endif  // SWIM_OFFLINE_MEMBERS_H_
