// The simulator's application traffic: user broadcasts and direct messages
// sent through the nodes, and what the nodes deliver (swim/delivery.h);
// application states set and merged (swim/app_state.h).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/simulator.h"
#include "sim/trace.h"
#include "swim/delivery.h"

namespace swim::sim {

absl::Status Simulator::Broadcast(uint32_t node, absl::string_view key,
                                  absl::string_view payload) {
  Slot& s = slots_[node];
  if (s.node == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(s.name, " is down"));
  }
  Fault(FaultCode::kBroadcast, {node, static_cast<uint64_t>(payload.size())});
  absl::Status status = s.node->Broadcast(NodeNow(node), key, payload);
  if (status.ok()) {
    for (SimObserver* o : observers_) {
      o->OnUserBroadcast(*this, now_, node, key);
    }
  }
  Pump(node, /*after_tick=*/false);
  return status;
}

absl::Status Simulator::SendTo(uint32_t from, uint32_t to,
                               absl::string_view payload) {
  Slot& s = slots_[from];
  if (s.node == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(s.name, " is down"));
  }
  Fault(FaultCode::kSendTo, {from, to, static_cast<uint64_t>(payload.size())});
  absl::Status status = s.node->SendTo(NodeNow(from), slots_[to].name, payload);
  Pump(from, /*after_tick=*/false);
  return status;
}

absl::Status Simulator::SetLocalState(uint32_t node, size_t bytes) {
  Slot& s = slots_[node];
  if (s.node == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(s.name, " is down"));
  }
  Fault(FaultCode::kState, {node, static_cast<uint64_t>(bytes)});
  std::string state = absl::StrCat("state-", ++states_set_, "-");
  state.resize(bytes, 's');
  absl::Status status = s.node->SetLocalState(NodeNow(node), std::move(state));
  if (status.ok()) app_states_.OnSet(node);
  Pump(node, /*after_tick=*/false);
  return status;
}

void Simulator::PumpStateMerges(uint32_t node) {
  Node* n = slots_[node].node.get();
  while (std::optional<StateMerge> m = n->PollStateMerge()) {
    const std::optional<uint32_t> from = IndexOfName(m->from);
    trace_.Record(TraceKind::kMerge, now_,
                  {node, from.has_value() ? *from : ~uint64_t{0},
                   m->join ? 1u : 0u, m->version, PayloadHash(m->state)});
    if (from.has_value()) app_states_.OnMerge(node, *from, m->version, m->join);
  }
}

void Simulator::PumpDeliveries(uint32_t node) {
  Node* n = slots_[node].node.get();
  while (std::optional<Delivery> d = n->PollDelivery()) {
    const std::optional<uint32_t> from = IndexOfName(d->from);
    trace_.Record(
        TraceKind::kDelivery, now_,
        {node, from.has_value() ? *from : ~uint64_t{0},
         static_cast<uint64_t>(d->kind), d->version, PayloadHash(d->payload)});
    for (SimObserver* o : observers_) o->OnDelivery(*this, now_, node, *d);
  }
}

}  // namespace swim::sim
