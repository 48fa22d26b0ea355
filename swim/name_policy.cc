#include "swim/name_policy.h"

#include "swim/members.h"
#include "swim/status.h"

namespace swim {

NamePolicy::Verdict NamePolicy::Judge(uint32_t id, const Alive& alive,
                                      absl::string_view sender) {
  const Members::Record& holder = ctx_.members.record(id);
  if (holder.status == Status::kOffline) return Verdict::kMerge;
  if (alive.incarnation < holder.incarnation && sender != alive.member) {
    // Relayed news of an older life: the member was there before it moved
    // (a member that missed the move still syncs it). Not a conflict.
    return Verdict::kRefuse;
  }
  ++ctx_.counters.name_conflicts;
  ctx_.EmitNameConflict(id, alive.address, alive.incarnation);
  if (ctx_.config.name_takeover && alive.incarnation > holder.incarnation) {
    return Verdict::kMerge;
  }
  return Verdict::kRefuse;
}

bool NamePolicy::OnLocalClaim(const Alive& alive) {
  const uint64_t ours = ctx_.members.record(Members::kLocalId).incarnation;
  if (alive.incarnation < ours) return false;  // an older life's address
  ++ctx_.counters.name_conflicts;
  ctx_.EmitNameConflict(Members::kLocalId, alive.address, alive.incarnation);
  return ctx_.config.name_takeover && !ctx_.left;
}

}  // namespace swim
