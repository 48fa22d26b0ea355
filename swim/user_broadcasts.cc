#include "swim/user_broadcasts.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/message.h"
#include "swim/state_digest.h"

namespace swim {

UserBroadcasts::Key UserBroadcasts::KeyOf(absl::string_view origin,
                                          absl::string_view key) {
  std::string joined;
  joined.reserve(origin.size() + 1 + key.size());
  joined.append(origin.data(), origin.size());
  joined.push_back('\0');
  joined.append(key.data(), key.size());
  return StableHash(joined);
}

UserBroadcasts::UserBroadcasts(NodeContext& ctx, Outbox& outbox)
    : ctx_(ctx), outbox_(outbox) {}

size_t UserBroadcasts::MaxBroadcastBytes() const {
  const size_t budget = outbox_.body_budget();
  return budget > kBroadcastOverheadBytes ? budget - kBroadcastOverheadBytes
                                          : 0;
}

size_t UserBroadcasts::MaxMessageBytes() const {
  const size_t budget = outbox_.body_budget();
  return budget > kMessageOverheadBytes ? budget - kMessageOverheadBytes : 0;
}

absl::Status UserBroadcasts::Broadcast(absl::Time now, absl::string_view key,
                                       absl::string_view payload) {
  if (key.empty() || key.size() > kMaxUserKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("Broadcast: a key has 1 to ",
                                                   kMaxUserKeyBytes,
                                                   " bytes, not ", key.size()));
  }
  if (key.size() + payload.size() > MaxBroadcastBytes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Broadcast: key and payload are ", key.size() + payload.size(),
        " bytes; at most ", MaxBroadcastBytes(),
        " fit a datagram next to the protocol's header"));
  }
  // Versions follow the clock (in microseconds), so that a restarted
  // member's broadcasts are newer than its previous life's; and they grow
  // by at least one, so that none repeats.
  const int64_t micros = absl::ToUnixMicros(now);
  const uint64_t clock = micros > 0 ? static_cast<uint64_t>(micros) : 0;
  last_version_ = std::max(last_version_ + 1, clock);
  UserBroadcast broadcast;
  broadcast.origin = ctx_.config.name;
  broadcast.key = std::string(key);
  broadcast.version = last_version_;
  broadcast.payload = std::string(payload);
  outbox_.EnqueueBroadcast(std::move(broadcast));
  outbox_.GossipSoon(now);
  ++ctx_.counters.user.broadcasts_sent;
  return absl::OkStatus();
}

absl::Status UserBroadcasts::SendTo(absl::string_view member,
                                    absl::string_view payload) {
  const std::optional<uint32_t> id = ctx_.members.IdOf(member);
  if (!id.has_value() || *id == Members::kLocalId) {
    return absl::NotFoundError(
        absl::StrCat("SendTo: no member named \"", member, "\""));
  }
  if (ctx_.members.record(*id).status == Status::kOffline) {
    return absl::FailedPreconditionError(
        absl::StrCat("SendTo: \"", member, "\" is offline"));
  }
  if (payload.size() > MaxMessageBytes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SendTo: the payload is ", payload.size(), " bytes; at most ",
        MaxMessageBytes(), " fit a datagram next to the protocol's header"));
  }
  if (outbox_.VersionFor(ctx_.members.AddressOf(*id)) < 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("SendTo: \"", member,
                     "\" is not known to speak protocol version 2, which "
                     "direct messages need"));
  }
  outbox_.SendWithGossip(ctx_.members.AddressOf(*id),
                         UserMessage{std::string(payload)});
  ++ctx_.counters.user.messages_sent;
  return absl::OkStatus();
}

void UserBroadcasts::OnBroadcasts(
    absl::Time now, const std::vector<UserBroadcastView>& broadcasts) {
  for (const UserBroadcastView& broadcast : broadcasts) {
    OnBroadcast(now, broadcast);
  }
}

void UserBroadcasts::OnBroadcast(absl::Time now,
                                 const UserBroadcastView& broadcast) {
  UserCounters& counters = ctx_.counters.user;
  if (!IsValidMemberName(broadcast.origin) || broadcast.key.empty() ||
      broadcast.key.size() > kMaxUserKeyBytes) {
    ++counters.broadcasts_malformed;
    return;
  }
  if (broadcast.origin == ctx_.config.name) {
    ++counters.broadcasts_duplicate;  // our own, coming back
    return;
  }
  const Key key = KeyOf(broadcast.origin, broadcast.key);
  auto it = delivered_.find(key);
  if (it != delivered_.end() && it->second >= broadcast.version) {
    ++counters.broadcasts_duplicate;
    // Still circulating: remember it for as long as copies arrive.
    forget_at_.Set(key, now + kRememberFor);
    return;
  }
  if (it == delivered_.end()) {
    if (delivered_.size() >= kMaxRememberedBroadcasts) {
      ++counters.broadcasts_refused;
      return;
    }
    it = delivered_.emplace(key, broadcast.version).first;
  } else {
    it->second = broadcast.version;
  }
  forget_at_.Set(key, now + kRememberFor);
  ++counters.broadcasts_delivered;
  UserBroadcast owned = ToUserBroadcast(broadcast);
  Delivery delivery;
  delivery.kind = Delivery::Kind::kBroadcast;
  delivery.from = owned.origin;
  delivery.key = owned.key;
  delivery.version = owned.version;
  delivery.payload = owned.payload;
  Deliver(std::move(delivery));
  outbox_.EnqueueBroadcast(std::move(owned));
  outbox_.GossipSoon(now);
}

void UserBroadcasts::OnMessage(absl::string_view sender,
                               const UserMessage& message) {
  ++ctx_.counters.user.messages_received;
  Delivery delivery;
  delivery.kind = Delivery::Kind::kDirect;
  delivery.from = std::string(sender);
  delivery.payload = message.payload;
  Deliver(std::move(delivery));
}

void UserBroadcasts::RunExpiry(absl::Time now) {
  while (std::optional<absl::Time> earliest = forget_at_.Earliest()) {
    if (*earliest > now) break;
    const Key key = *forget_at_.First();
    forget_at_.Erase(key);
    delivered_.erase(key);
    ++ctx_.counters.user.broadcasts_forgotten;
  }
}

void UserBroadcasts::Deliver(Delivery delivery) {
  if (deliveries_.size() >= kMaxPendingDeliveries) {
    ++ctx_.counters.user.deliveries_dropped;
    return;
  }
  deliveries_.push_back(std::move(delivery));
}

std::optional<Delivery> UserBroadcasts::Poll() {
  if (deliveries_.empty()) return std::nullopt;
  Delivery delivery = std::move(deliveries_.front());
  deliveries_.pop_front();
  return delivery;
}

}  // namespace swim
