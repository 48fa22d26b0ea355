#include "sim/action_applier.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/network.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "swim/message.h"

namespace swim::sim {

ActionApplier::ActionApplier(Simulator& sim, std::vector<Oracle*> oracles)
    : sim_(sim), oracles_(std::move(oracles)) {}

absl::Status ActionApplier::Apply(const ResolvedAction& r) {
  const Action& a = *r.action;
  sim_.RecordNetworkFault(
      {static_cast<uint64_t>(a.kind), static_cast<uint64_t>(a.line)});
  if (ApplyToNetwork(r)) return absl::OkStatus();
  return ApplyToNodes(r);
}

// Applies a network action; false if r is not one.
bool ActionApplier::ApplyToNetwork(const ResolvedAction& r) {
  const Action& a = *r.action;
  NetworkModel& net = sim_.network();
  auto each = [&](size_t set, auto fn) {
    for (uint32_t n : r.sets[set]) fn(n);
  };
  auto pairs = [&](auto fn) {
    for (uint32_t x : r.sets[0]) {
      for (uint32_t y : r.sets[1]) {
        if (x != y) fn(x, y);
      }
    }
  };
  auto mark = [&](size_t set) {
    each(set, [&](uint32_t n) { sim_.MarkDisturbed(n); });
  };
  switch (a.kind) {
    case ActionKind::kPartition:
      for (size_t i = 0; i < r.sets.size(); ++i) mark(i);
      net.Partition(r.sets);
      break;
    case ActionKind::kHeal:
      MarkNetworkDisturbed();
      net.Heal();
      break;
    case ActionKind::kIsolate:
      mark(0);
      each(0, [&](uint32_t n) { net.Isolate(n); });
      break;
    case ActionKind::kRejoin:
      mark(0);
      each(0, [&](uint32_t n) { net.Rejoin(n); });
      break;
    case ActionKind::kCut:
    case ActionKind::kUncut:
    case ActionKind::kClog:
    case ActionKind::kLossLink:
      mark(0);
      mark(1);
      pairs([&](uint32_t x, uint32_t y) {
        if (a.kind == ActionKind::kCut) net.Cut(x, y);
        if (a.kind == ActionKind::kUncut) net.Uncut(x, y);
        if (a.kind == ActionKind::kClog)
          net.Clog(x, y, sim_.now() + a.duration);
        if (a.kind == ActionKind::kLossLink) net.SetLinkLoss(x, y, a.ppm);
      });
      break;
    case ActionKind::kCutInbound:
      mark(0);
      each(0, [&](uint32_t n) { net.SetInboundCut(n, a.flag); });
      break;
    case ActionKind::kLoss:
      net.set_loss_ppm(a.ppm);
      break;
    case ActionKind::kLossIn:
      mark(0);
      each(0, [&](uint32_t n) { net.SetInboundLoss(n, a.ppm); });
      break;
    case ActionKind::kLossOut:
      mark(0);
      each(0, [&](uint32_t n) { net.SetOutboundLoss(n, a.ppm); });
      break;
    case ActionKind::kLatency:
      net.set_latency(a.value, a.value2);
      break;
    case ActionKind::kDuplicate:
      net.set_duplicate_ppm(a.ppm);
      break;
    case ActionKind::kReorder:
      net.set_reorder(a.ppm, a.value);
      break;
    default:
      return false;
  }
  return true;
}

// Applies an action on nodes (crash, restart, pause, ...) or the start of
// the liveness phase.
absl::Status ActionApplier::ApplyToNodes(const ResolvedAction& r) {
  const Action& a = *r.action;
  auto each = [&](size_t set, auto fn) {
    for (uint32_t n : r.sets[set]) fn(n);
  };
  switch (a.kind) {
    case ActionKind::kCrash:
      each(0, [&](uint32_t n) { sim_.Crash(n); });
      break;
    case ActionKind::kRestart:
      return ApplyRestart(r);
    case ActionKind::kPause:
      each(0, [&](uint32_t n) { sim_.Pause(n, a.duration, a.flag); });
      break;
    case ActionKind::kResume:
      each(0, [&](uint32_t n) { sim_.Resume(n); });
      break;
    case ActionKind::kSlow:
      each(0, [&](uint32_t n) { sim_.SetSlow(n, a.value); });
      break;
    case ActionKind::kDrift:
      each(0, [&](uint32_t n) { sim_.SetDrift(n, a.signed_ppm); });
      break;
    case ActionKind::kMetadata:
      for (uint32_t n : r.sets[0]) {
        if (!sim_.IsUp(n)) continue;
        ++metadata_counter_;
        Metadata m = {{"sim", absl::StrCat("update-", metadata_counter_)}};
        if (absl::Status s = sim_.SetMetadata(n, std::move(m)); !s.ok()) {
          // A node that left refuses; that is the protocol's rule.
          if (!absl::IsFailedPrecondition(s)) return s;
        }
      }
      break;
    case ActionKind::kLeave:
      each(0, [&](uint32_t n) { sim_.Leave(n); });
      break;
    case ActionKind::kBroadcast:
      return ApplyBroadcast(r);
    case ActionKind::kSendTo:
      return ApplySendTo(r);
    case ActionKind::kState:
      for (uint32_t n : r.sets[0]) {
        if (!sim_.IsLive(n)) continue;
        absl::Status s = sim_.SetLocalState(n, static_cast<size_t>(a.value));
        if (!s.ok()) return s;  // over max_app_state_bytes
      }
      break;
    case ActionKind::kLiveness:
      MarkNetworkDisturbed();
      sim_.network().ClearFaults();
      sim_.ClearNodeFaults();
      for (Oracle* o : oracles_) o->OnLivenessStart(sim_, sim_.now());
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

// "restart SET [with K=V ...]"; "with" is an upgrade in place: a live
// node stops first.
absl::Status ActionApplier::ApplyRestart(const ResolvedAction& r) {
  const Action& a = *r.action;
  for (uint32_t n : r.sets[0]) {
    if (!a.config.empty()) sim_.Crash(n);
    for (const auto& [key, value] : a.config) {
      if (absl::Status s = sim_.Reconfigure(n, key, value); !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = sim_.Restart(n); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// "send SET -> SET": a direct message from each live node of the first
// set to each node of the second.
absl::Status ActionApplier::ApplySendTo(const ResolvedAction& r) {
  const Action& a = *r.action;
  for (uint32_t from : r.sets[0]) {
    for (uint32_t to : r.sets[1]) {
      if (from == to || !sim_.IsLive(from)) continue;
      absl::Status s =
          sim_.SendTo(from, to, std::string(static_cast<size_t>(a.value), 'm'));
      // A member the sender does not know (yet), or one offline to it,
      // is the API's answer, not a scenario error.
      if (!s.ok() && !absl::IsNotFound(s) && !absl::IsFailedPrecondition(s)) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

// "broadcast [one] SET": from each live node of the set, or from the
// next one in turn; every broadcast under a key of its own.
absl::Status ActionApplier::ApplyBroadcast(const ResolvedAction& r) {
  const Action& a = *r.action;
  const std::vector<uint32_t>& set = r.sets[0];
  std::vector<uint32_t> from;
  if (!a.flag) {
    from = set;
  } else {
    for (size_t tried = 0; tried < set.size(); ++tried) {
      const uint32_t n = set[broadcast_turn_++ % set.size()];
      if (sim_.IsLive(n)) {
        from.push_back(n);
        break;
      }
    }
  }
  for (uint32_t n : from) {
    if (!sim_.IsLive(n)) continue;
    ++broadcast_counter_;
    absl::Status s =
        sim_.Broadcast(n, absl::StrCat("sim-", broadcast_counter_),
                       std::string(static_cast<size_t>(a.value), 'b'));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

void ActionApplier::MarkNetworkDisturbed() {
  for (uint32_t n = 0; n < static_cast<uint32_t>(sim_.size()); ++n) {
    if (sim_.network().Disturbs(n)) sim_.MarkDisturbed(n);
  }
}

}  // namespace swim::sim
