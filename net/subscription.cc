#include "net/subscription.h"

#include <memory>
#include <utility>

namespace swim::net {

MemberChange MemberChange::Of(MemberEvent event, MemberInfo member) {
  MemberChange change;
  member.name = event.member;
  member.status = event.current;
  member.offline_reason = event.offline_reason;
  member.incarnation = event.incarnation;
  if (!event.address.empty()) member.address = event.address;
  if (event.kind == MemberEvent::Kind::kChange) {
    change.metadata_changed = event.metadata_changed;
    change.address_changed = event.address_changed;
    // The node reports a change only when the status, offline reason,
    // metadata or address changed: with neither of the last two, it was
    // the status or its reason.
    change.status_changed = event.previous != event.current ||
                            event.forgotten ||
                            (!event.metadata_changed && !event.address_changed);
  }
  change.event = std::move(event);
  change.member = std::move(member);
  return change;
}

Subscription::Subscription(Subscription&& other) noexcept
    : listeners_(std::move(other.listeners_)),
      id_(std::exchange(other.id_, 0)) {}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    Cancel();
    listeners_ = std::move(other.listeners_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void Subscription::Cancel() {
  if (id_ == 0) return;
  if (std::shared_ptr<ListenerRegistry> listeners = listeners_.lock()) {
    listeners->Remove(id_);
  }
  listeners_.reset();
  id_ = 0;
}

}  // namespace swim::net
