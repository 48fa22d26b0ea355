#include "swim/node_context.h"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace swim {
namespace {

// The stream of the config seed that protocol choices draw from.
constexpr uint64_t kProtocolStream = 1;

// Events whose room a drained queue keeps (more is released).
constexpr size_t kEventsKept = 64;

}  // namespace

NodeContext::NodeContext(Config node_config)
    : config(std::move(node_config)),
      members(config.name, config.address, config.initial_incarnation),
      rng(Prng(config.seed).Split(kProtocolStream)),
      health(config.health_max) {}

void NodeContext::UpdateHealth(int delta) {
  health.Apply(delta);
  counters.health_score = health.score();
}

MemberEvent NodeContext::EventOf(uint32_t id) const {
  MemberEvent event;
  event.member = std::string(members.NameOf(id));
  const Members::Record& record = members.record(id);
  event.current = members.ShownStatus(id);
  event.offline_reason = record.offline_reason;
  event.incarnation = record.incarnation;
  event.address = std::string(members.AddressOf(id));
  return event;
}

void NodeContext::Emit(uint32_t id, Status previous, bool metadata_changed,
                       absl::string_view previous_address) {
  MemberEvent event = EventOf(id);
  event.previous = previous;
  event.metadata_changed = metadata_changed;
  if (!previous_address.empty()) {
    event.address_changed = true;
    event.previous_address = std::string(previous_address);
  }
  events.push_back(std::move(event));
}

void NodeContext::EmitNameConflict(uint32_t id,
                                   absl::string_view claimant_address,
                                   uint64_t claimant_incarnation) {
  MemberEvent event = EventOf(id);
  event.kind = MemberEvent::Kind::kNameConflict;
  event.previous = event.current;
  event.claimant_address = std::string(claimant_address);
  event.claimant_incarnation = claimant_incarnation;
  events.push_back(std::move(event));
}

std::optional<MemberEvent> NodeContext::TakeEvent() {
  if (events_taken == events.size()) return std::nullopt;
  std::optional<MemberEvent> event(std::move(events[events_taken++]));
  if (events_taken == events.size()) {
    events_taken = 0;
    if (events.capacity() > kEventsKept) {
      std::vector<MemberEvent>().swap(events);
    } else {
      events.clear();
    }
  } else if (events_taken > kEventsKept && 2 * events_taken > events.size()) {
    // A caller that never drains the queue: drop what it took, so the
    // queue holds only what is pending (amortised O(1) per event).
    events.erase(events.begin(),
                 events.begin() + static_cast<std::ptrdiff_t>(events_taken));
    events_taken = 0;
  }
  return event;
}

void NodeContext::ReserveEvents(size_t more) {
  events.reserve(events.size() + more);
}

void NodeContext::EmitForgotten(uint32_t id) {
  MemberEvent event = EventOf(id);
  event.previous = event.current;
  event.current = Status::kUnknown;
  event.forgotten = true;
  events.push_back(std::move(event));
}

}  // namespace swim
