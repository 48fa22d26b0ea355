// The simulator's node faults: crash, restart (under its own name or
// another's, with a new config), pause and resume, slowness, clock drift,
// metadata changes and leaving; each recorded in the trace (Fault) and
// marking the node disturbed.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "sim/simulator.h"
#include "swim/config_knobs.h"

namespace swim::sim {

void Simulator::Crash(uint32_t node) {
  Slot& s = slots_[node];
  if (s.node == nullptr) return;
  Fault(FaultCode::kCrash, {node});
  for (SimObserver* o : observers_) o->BeforeCrash(*this, now_, node);
  crashed_counters_ += s.node->counters();
  s.node.reset();
  app_states_.OnCrash(node);
  s.left = false;
  s.paused = false;
  ++s.crashes;
  ++s.epoch;
  s.tick_at = kNever;
  s.slow_per_datagram = 0;
  for (uint32_t slot : s.pending) FreeDatagram(slot);
  s.pending.clear();
  MarkDisturbed(node);
  for (SimObserver* o : observers_)
    o->OnLife(*this, now_, node, Life::kCrashed);
}

absl::Status Simulator::Restart(uint32_t node) {
  Slot& s = slots_[node];
  if (s.node != nullptr) return absl::OkStatus();
  Fault(FaultCode::kRestart, {node});
  MarkDisturbed(node);
  s.claimed_name.clear();
  return StartNode(node, /*restart=*/true);
}

absl::Status Simulator::RestartAs(uint32_t node, uint32_t claimed) {
  Slot& s = slots_[node];
  if (s.node != nullptr) return absl::OkStatus();
  Fault(FaultCode::kRestartAs, {node, claimed});
  MarkDisturbed(node);
  s.claimed_name = slots_[claimed].name;
  return StartNode(node, /*restart=*/true);
}

absl::Status Simulator::Reconfigure(uint32_t node, absl::string_view key,
                                    absl::string_view value) {
  Config scratch;
  if (absl::Status s = SetConfigKnob(scratch, key, value); !s.ok()) return s;
  slots_[node].config.emplace_back(std::string(key), std::string(value));
  return absl::OkStatus();
}

void Simulator::Pause(uint32_t node, SimTime duration, bool drop_input) {
  Slot& s = slots_[node];
  if (s.node == nullptr) return;
  Fault(FaultCode::kPause,
        {node, static_cast<uint64_t>(duration), drop_input ? 1u : 0u});
  s.paused = true;
  s.drop_while_paused = drop_input;
  ++s.pause_generation;
  MarkDisturbed(node);
  if (duration > 0) {
    queue_.Push(now_ + duration, EventKind::kResume, node, s.pause_generation);
  }
}

void Simulator::Resume(uint32_t node) {
  Slot& s = slots_[node];
  if (s.node == nullptr || !s.paused) return;
  Fault(FaultCode::kResume, {node});
  s.paused = false;
  MarkDisturbed(node);
  std::deque<uint32_t> pending;
  pending.swap(s.pending);
  for (uint32_t slot : pending) {
    if (s.node == nullptr) {
      FreeDatagram(slot);
      continue;
    }
    Deliver(node, slot);
  }
  if (s.node == nullptr) return;
  s.node->Tick(NodeNow(node));
  Pump(node, /*after_tick=*/true);
}

void Simulator::SetSlow(uint32_t node, SimTime per_datagram) {
  Fault(FaultCode::kSlow, {node, static_cast<uint64_t>(per_datagram)});
  slots_[node].slow_per_datagram = std::max<SimTime>(0, per_datagram);
  MarkDisturbed(node);
}

void Simulator::SetDrift(uint32_t node, int64_t ppm) {
  Slot& s = slots_[node];
  Fault(FaultCode::kDrift, {node, static_cast<uint64_t>(ppm)});
  // Re-anchor so the local clock is continuous.
  s.local_anchor = LocalTime(node, now_);
  s.global_anchor = now_;
  s.drift_ppm = std::max<int64_t>(ppm, -900000);
  if (s.node != nullptr && !s.paused) {
    s.tick_at = kNever;
    Reschedule(node, /*after_tick=*/false);
  }
}

absl::Status Simulator::SetMetadata(uint32_t node, Metadata metadata) {
  Slot& s = slots_[node];
  if (s.node == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(s.name, " is down"));
  }
  Fault(FaultCode::kMetadata, {node});
  absl::Status status = s.node->SetMetadata(NodeNow(node), std::move(metadata));
  if (status.ok()) {
    const uint64_t version = s.node->members().local().metadata_version;
    for (SimObserver* o : observers_) {
      o->OnMetadataSet(*this, now_, node, version);
    }
  }
  Pump(node, /*after_tick=*/false);
  return status;
}

void Simulator::Leave(uint32_t node) {
  Slot& s = slots_[node];
  if (s.node == nullptr || s.left) return;
  Fault(FaultCode::kLeave, {node});
  s.node->Leave(NodeNow(node));
  s.left = true;
  Pump(node, /*after_tick=*/false);
  for (SimObserver* o : observers_) o->OnLife(*this, now_, node, Life::kLeft);
}

void Simulator::ClearNodeFaults() {
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (s.paused) Resume(i);
    if (s.slow_per_datagram > 0) SetSlow(i, 0);
    if (s.drift_ppm != 0) SetDrift(i, 0);
  }
}

}  // namespace swim::sim
