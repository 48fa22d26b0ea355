// The gate in front of every request whose reply may be large (a state
// exchange's Sync or SyncDigest, a MetaRequest, a StateRequest): a part of
// swim::Node (swim/protocol.md, "No amplification").
//
// It refuses replayed and stale request stamps, holds replies to source
// addresses that have not answered at that address yet within 3x the
// request, and keeps a large request from such an address behind a
// challenge Ping until the address acks it. It owns the validated
// addresses (swim/address_validation.h), the held requests
// (swim/deferred_requests.h) and the stamps seen (swim/replay_guard.h);
// answering stays with the node, which knows which part answers what.
//
//   if (!gate.AcceptStamp(now, packet)) return;                 // counted
//   outbox.SendReply(from, ack, gate.ReplyLimit(from, bytes));
//   if (gate.Admit(now, from, sender, request, bytes)) Answer(request);
//   for (const Message& m : gate.OnAck(ack.seq, from)) Answer(m);
//   gate.Expire(now);                                            // on Tick
#ifndef SWIM_REQUEST_GATE_H_
#define SWIM_REQUEST_GATE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/address_validation.h"
#include "swim/deferred_requests.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/packet_view.h"
#include "swim/replay_guard.h"

namespace swim {

class RequestGate {
 public:
  RequestGate(NodeContext& ctx, Outbox& outbox);

  RequestGate(const RequestGate&) = delete;
  RequestGate& operator=(const RequestGate&) = delete;

  // Whether `packet`'s request stamp (if it carries one) is fresh; a
  // replayed or stale one is counted as a drop. Version 1 requests have
  // no stamp: accepted, counted as unstamped.
  bool AcceptStamp(absl::Time now, const PacketView& packet);
  // The most a reply to a `datagram_bytes` datagram from `from_address`
  // may be: unlimited once the address is validated, 3x before.
  size_t ReplyLimit(absl::string_view from_address,
                    size_t datagram_bytes) const;
  // Whether `request` (from `sender` at `from_address`) may be answered
  // now. If not, it is held, and the address challenged unless a ping to
  // it is already awaited for a held request.
  bool Admit(absl::Time now, absl::string_view from_address,
             absl::string_view sender, Message& request, size_t datagram_bytes);
  // The held requests an ack from `from_address` releases (oldest first):
  // none unless it answers a ping this node sent there.
  std::vector<Message> OnAck(uint32_t seq, absl::string_view from_address);
  // Drops held requests that waited too long, and the awaited pings to
  // their addresses with them.
  void Expire(absl::Time now);

  AddressValidation& validation() { return validation_; }

 private:
  void SendChallenge(absl::string_view to_address, absl::string_view member,
                     size_t max_bytes);

  NodeContext& ctx_;
  Outbox& outbox_;
  AddressValidation validation_;
  DeferredRequests deferred_;
  ReplayGuard replay_guard_;
};

}  // namespace swim

#endif  // SWIM_REQUEST_GATE_H_
