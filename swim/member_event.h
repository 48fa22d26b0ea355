// A change a swim::Node observed in a member, as Node::PollEvent returns it.
//
//   while (std::optional<MemberEvent> e = node->PollEvent()) {
//     if (e->kind == MemberEvent::Kind::kNameConflict) {
//       Warn(e->member, e->address, e->claimant_address);
//     } else if (e->forgotten) {
//       Drop(e->member);
//     } else {
//       if (e->current != e->previous) Log(e->member, StatusName(e->current));
//       if (e->address_changed) Reconnect(e->member, e->address);
//       if (e->metadata_changed) Reload(node->members().Find(e->member));
//     }
//   }
#ifndef SWIM_MEMBER_EVENT_H_
#define SWIM_MEMBER_EVENT_H_

#include <cstdint>
#include <string>

#include "swim/status.h"

namespace swim {

// A change the node observed in a member (the local one included).
struct MemberEvent {
  enum class Kind : uint8_t {
    // The member's status, metadata or address changed (or it was learnt
    // of, or forgotten).
    kChange,
    // Another address claimed the member's name while the member was
    // alive (swim/name_policy.h). Nothing changed unless a kChange
    // follows (a takeover, under config.name_takeover): previous and
    // current are both the holder's status, address its address.
    kNameConflict,
  };
  Kind kind = Kind::kChange;
  std::string member;
  // kUnknown when the member was just learnt of.
  Status previous = Status::kUnknown;
  // kUnknown when the member was forgotten (see `forgotten`).
  Status current = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  // Where the member is (as of this event).
  std::string address;
  // The member's metadata map (as held locally) changed.
  bool metadata_changed = false;
  // The member moved from previous_address to `address`: it came back
  // under its name at a new address.
  bool address_changed = false;
  std::string previous_address;
  // An offline member was forgotten after config.offline_retention.
  bool forgotten = false;
  // kNameConflict: the address that claimed the name, and at which
  // incarnation.
  std::string claimant_address;
  uint64_t claimant_incarnation = 0;
};

}  // namespace swim

#endif  // SWIM_MEMBER_EVENT_H_
