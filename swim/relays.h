// The pings a node sends on behalf of others (SWIM's indirect probes):
// on a PingReq it pings the target, forwards the target's ack to the
// requester, or sends a Nack (Lifeguard) when none came in time, so the
// requester can tell a dead target from its own bad network.
//
//   relays.OnPingReq(now, req, from_address);
//   if (!prober.OnAck(ack)) relays.OnAck(ack);  // forwards it, if ours
//   relays.RunTimers(now);                      // nacks the overdue
#ifndef SWIM_RELAYS_H_
#define SWIM_RELAYS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"

namespace swim {

// Relayed pings in flight at once, at most: each waits probe_timeout × 4/5
// for its ack, so an honest cluster needs about indirect_checks per member
// probing us at once; past this, requests are refused (and counted) rather
// than held.
inline constexpr size_t kMaxRelays = 1024;

class Relays {
 public:
  Relays(NodeContext& ctx, Outbox& outbox) : ctx_(ctx), outbox_(outbox) {}

  Relays(const Relays&) = delete;
  Relays& operator=(const Relays&) = delete;

  // Acks a request that names the local member; otherwise pings the
  // target for the requester (up to a bound on relays in flight). What
  // the request makes us send, to anyone, stays within `reply_max_bytes`
  // (3x the request from an unvalidated address): two thirds for the
  // ping, one for the answer.
  void OnPingReq(absl::Time now, const PingReq& req,
                 absl::string_view from_address, size_t reply_max_bytes);
  // Forwards the ack of one of our relayed pings; false if it was none.
  bool OnAck(const Ack& ack);
  // Nacks the requests whose target has not answered in time.
  void RunTimers(absl::Time now);
  void Clear() { relays_.clear(); }
  // Relayed pings in flight (at most kMaxRelays).
  size_t size() const { return relays_.size(); }

  absl::Time NextDeadline() const;

 private:
  struct Relay {
    std::string requester_address;
    uint32_t requester_seq = 0;
    size_t reply_max_bytes = 0;  // for the forwarded ack or the nack
    absl::Time nack_at;
  };

  NodeContext& ctx_;
  Outbox& outbox_;
  std::map<uint32_t, Relay> relays_;  // by our ping's seq
};

}  // namespace swim

#endif  // SWIM_RELAYS_H_
