#include "sim/view_tracker.h"

#include "sim/cluster.h"
#include "swim/members.h"

namespace swim::sim {

ViewTracker::ViewTracker(int nodes)
    : online_(nodes, 0),
      suspect_(nodes, 0),
      offline_(nodes, 0),
      live_(nodes, 0),
      bad_flag_(nodes, 0),
      ever_started_(nodes, 0) {}

void ViewTracker::Count(uint32_t member, Status status, int delta) {
  switch (status) {
    case Status::kOnline:
      online_[member] += delta;
      total_online_ += delta;
      break;
    case Status::kSuspect:
      suspect_[member] += delta;
      total_suspect_ += delta;
      break;
    case Status::kOffline:
      offline_[member] += delta;
      total_offline_ += delta;
      break;
    default:
      break;
  }
}

void ViewTracker::UpdateBad(uint32_t m) {
  const bool bad =
      live_[m] != 0 ? online_[m] + 1 != live_count_ : available_seen(m) != 0;
  if (bad != (bad_flag_[m] != 0)) {
    bad_flag_[m] = bad ? 1 : 0;
    if (bad) {
      ++bad_;
    } else {
      --bad_;
    }
  }
}

void ViewTracker::RecomputeAllBad() {
  for (uint32_t m = 0; m < live_.size(); ++m) UpdateBad(m);
}

void ViewTracker::AfterChange(SimTime now) {
  const bool c = converged();
  if (c && !was_converged_) converged_since_ = now;
  was_converged_ = c;
}

void ViewTracker::OnMemberEvent(const Cluster& /*sim*/, SimTime now,
                                uint32_t observer, uint32_t member,
                                const MemberEvent& event) {
  if (live_[observer] == 0 || observer == member) return;
  Count(member, event.previous, -1);
  Count(member, event.current, +1);
  UpdateBad(member);
  AfterChange(now);
}

void ViewTracker::RemoveRow(const Cluster& sim, uint32_t node) {
  const Members* n = sim.members(node);
  if (n == nullptr) return;
  for (const MemberView& v : n->Others()) {
    if (std::optional<uint32_t> m = sim.IndexOfName(v.name)) {
      Count(*m, v.status, -1);
    }
  }
}

void ViewTracker::BeforeCrash(const Cluster& sim, SimTime /*now*/,
                              uint32_t node) {
  if (live_[node] == 0) return;
  RemoveRow(sim, node);
  live_[node] = 0;
  --live_count_;
}

void ViewTracker::OnLife(const Cluster& sim, SimTime now, uint32_t node,
                         Life life) {
  switch (life) {
    case Life::kStarted:
    case Life::kRestarted:
      if (ever_started_[node] == 0) {
        ever_started_[node] = 1;
        ++started_;
      }
      if (live_[node] == 0) {
        live_[node] = 1;
        ++live_count_;
      }
      // A fresh node's row is empty; its first events fill it.
      break;
    case Life::kCrashed:
      break;  // handled in BeforeCrash, while the view was readable
    case Life::kLeft:
      if (live_[node] != 0) {
        RemoveRow(sim, node);
        live_[node] = 0;
        --live_count_;
      }
      break;
  }
  RecomputeAllBad();
  AfterChange(now);
}

}  // namespace swim::sim
