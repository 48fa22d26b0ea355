// Who holds a name: the rule for an Alive that names a member at another
// address than the one held for it (swim/protocol.md, "Names").
//
//  - The holder is OFFLINE (failed or left): the member came back at a new
//    address. The claim is merged like any Alive (it must out-incarnate
//    the OFFLINE) and the move is reported (MemberEvent::address_changed).
//  - The holder is alive (ONLINE or SUSPECT) and the claim is at least as
//    new as the holder's incarnation, or comes from the claimant itself: a
//    conflict, reported (MemberEvent::Kind::kNameConflict, both addresses)
//    and counted (Counters::name_conflicts). Then config.name_takeover
//    decides: false keeps the holder and refuses the claim (memberlist's
//    rule); true lets a claim at a newer incarnation take the name.
//  - Otherwise (an older incarnation, relayed by a third member): old news
//    of an address the member had before; ignored.
//
// A claim of the local member's name at another address is a conflict too
// when it is at least as new as our incarnation. Under name_takeover the
// local member out-incarnates it (so that nobody hands our name to the
// claimant); otherwise nobody gives a live holder's name away, and
// refuting would only start an incarnation race with the claimant.
//
//   NamePolicy names(ctx);
//   if (names.Judge(id, alive, sender) == NamePolicy::Verdict::kRefuse)
//     return;
//   if (names.OnLocalClaim(alive)) local.Refute(alive.incarnation);
#ifndef SWIM_NAME_POLICY_H_
#define SWIM_NAME_POLICY_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "swim/message.h"
#include "swim/node_context.h"

namespace swim {

class NamePolicy {
 public:
  enum class Verdict {
    kMerge,   // weigh the Alive by the precedence rules, as usual
    kRefuse,  // leave the holder alone
  };

  explicit NamePolicy(NodeContext& ctx) : ctx_(ctx) {}

  NamePolicy(const NamePolicy&) = delete;
  NamePolicy& operator=(const NamePolicy&) = delete;

  // An Alive naming known member `id` (not the local one) at another
  // address than its own, in a packet from `sender`.
  Verdict Judge(uint32_t id, const Alive& alive, absl::string_view sender);

  // An Alive naming the local member at another address than ours:
  // whether the local member should out-incarnate it.
  bool OnLocalClaim(const Alive& alive);

 private:
  NodeContext& ctx_;
};

}  // namespace swim

#endif  // SWIM_NAME_POLICY_H_
