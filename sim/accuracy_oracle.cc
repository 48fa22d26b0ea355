#include "sim/accuracy_oracle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/cluster.h"

namespace swim::sim {

void AccuracyOracle::OnMemberEvent(const Cluster& sim, SimTime now,
                                   uint32_t observer, uint32_t member,
                                   const MemberEvent& event) {
  if (observer == member || event.previous == event.current) return;
  if (event.previous == Status::kUnknown || event.current == Status::kUnknown) {
    return;  // learnt or forgotten, not a change of status
  }
  if (!sim.IsLive(member) || !sim.IsLive(observer)) return;
  if (sim.Disturbed(member, grace_) || sim.Disturbed(observer, grace_)) return;
  ++healthy_changes_;
  if (event.current == Status::kSuspect) {
    ++false_suspicions_;
    return;
  }
  if (event.current == Status::kOffline &&
      event.offline_reason == OfflineReason::kFailed) {
    ++false_offlines_;
    auto it = std::lower_bound(falsely_offline_.begin(), falsely_offline_.end(),
                               member);
    if (it == falsely_offline_.end() || *it != member) {
      falsely_offline_.insert(it, member);
    }
    bool quiet = true;
    if (!strict_) {
      for (uint32_t n = 0; n < static_cast<uint32_t>(sim.size()) && quiet;
           ++n) {
        if (sim.IsUp(n) && sim.Disturbed(n, grace_)) quiet = false;
      }
    }
    if (strict_ || quiet) {
      Report(now, absl::StrCat(sim.name(observer), " declared healthy ",
                               sim.name(member), " OFFLINE at ",
                               FormatSimTime(now)));
    }
  }
}

void AccuracyOracle::Finish(const Cluster& /*sim*/, SimTime now) {
  if (false_suspicions_ > max_false_suspicions_) {
    Report(now, absl::StrCat(false_suspicions_,
                             " suspicions of healthy nodes (limit ",
                             max_false_suspicions_, ")"));
  }
}

}  // namespace swim::sim
