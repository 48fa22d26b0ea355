// A change a swim::Node observed in a member, as Node::PollEvent returns it.
//
//   while (std::optional<MemberEvent> e = node->PollEvent()) {
//     if (e->forgotten) Drop(e->member);
//     else if (e->current != e->previous) Log(e->member,
//     StatusName(e->current)); if (e->metadata_changed)
//     Reload(node->members().Find(e->member));
//   }
#ifndef SWIM_MEMBER_EVENT_H_
#define SWIM_MEMBER_EVENT_H_

#include <cstdint>
#include <string>

#include "swim/status.h"

namespace swim {

// A change the node observed in a member (the local one included).
struct MemberEvent {
  std::string member;
  // kUnknown when the member was just learnt of.
  Status previous = Status::kUnknown;
  // kUnknown when the member was forgotten (see `forgotten`).
  Status current = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  // The member's metadata map (as held locally) changed.
  bool metadata_changed = false;
  // An offline member was forgotten after config.offline_retention.
  bool forgotten = false;
};

}  // namespace swim

#endif  // SWIM_MEMBER_EVENT_H_
