#include "swim/node.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"

namespace swim {
namespace {

absl::string_view MemberOf(const UpdateView& update) {
  return std::visit([](const auto& u) -> absl::string_view { return u.member; },
                    update);
}

// Semantic checks the codec does not make; a packet failing them is dropped
// whole.
bool IsWellFormed(const PacketView& packet) {
  if (!IsValidMemberName(packet.sender)) return false;
  for (const UpdateView& update : packet.updates) {
    if (!IsValidMemberName(MemberOf(update))) return false;
    if (const AliveView* alive = std::get_if<AliveView>(&update)) {
      if (!ParseAddress(alive->address, nullptr, nullptr)) return false;
    }
  }
  if (const PingReqView* req = std::get_if<PingReqView>(&packet.message)) {
    if (!IsValidMemberName(req->target) ||
        !ParseAddress(req->target_address, nullptr, nullptr)) {
      return false;
    }
  }
  return true;
}

void CountDrop(Counters& counters, const absl::Status& status) {
  ++counters.drops[static_cast<size_t>(DropReasonOf(status))];
}

}  // namespace

absl::StatusOr<std::unique_ptr<Node>> Node::Create(Config config,
                                                   absl::Time now) {
  if (absl::Status status = config.Validate(); !status.ok()) return status;
  absl::StatusOr<Keyring> keyring =
      Keyring::Create(config.cluster_name, config.keys);
  if (!keyring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config.keys: ", keyring.status().message()));
  }
  // The keyring holds the keys now; do not keep a second copy around.
  for (std::string& key : config.keys) {
    std::fill(key.begin(), key.end(), '\0');
  }
  config.keys.clear();
  std::unique_ptr<Node> node(
      new Node(std::move(config), std::move(*keyring), now));
  return node;
}

Node::Node(Config config, Keyring keyring, absl::Time now)
    : ctx_(std::move(config)),
      keyring_(std::move(keyring)),
      sampler_(ctx_.members, ctx_.rng),
      suspicions_(ctx_),
      versions_(ctx_),
      outbox_(ctx_, keyring_, suspicions_, sampler_, versions_, now),
      gate_(ctx_, outbox_),
      round_trips_(ctx_),
      prober_(ctx_, outbox_, sampler_, suspicions_, now),
      relays_(ctx_, outbox_),
      fetcher_(ctx_, outbox_, sampler_),
      app_state_(ctx_, outbox_),
      anti_entropy_(ctx_, outbox_, sampler_, now),
      offline_(ctx_, outbox_, now),
      local_(ctx_, outbox_),
      admission_(ctx_.counters),
      membership_(
          ctx_, Membership::Parts{outbox_, prober_, suspicions_, fetcher_,
                                  anti_entropy_, offline_, local_, admission_}),
      user_(ctx_, outbox_),
      last_active_(now) {
  outbox_.set_validation(&gate_.validation());
  anti_entropy_.set_app_state(&app_state_);
  prober_.set_round_trips(&round_trips_);
  Metadata metadata = std::move(ctx_.config.metadata);
  ctx_.config.metadata.clear();
  local_.Start(std::move(metadata));
  anti_entropy_.RunJoin(now);
}

// ---------------------------------------------------------------- sizing

int Node::RetransmitLimit() const { return outbox_.RetransmitLimit(); }

StateSizes Node::state_sizes() const {
  StateSizes sizes;
  sizes.members = ctx_.members.size();
  sizes.suspicions = suspicions_.size();
  sizes.out_of_turn = suspicions_.queued_to_probe();
  sizes.relays = relays_.size();
  sizes.fetches = fetcher_.size();
  sizes.offline = offline_.size();
  sizes.gossip_queue = outbox_.queued();
  sizes.gossip_backlog = outbox_.backlog_size();
  sizes.state_fetches = app_state_.fetches();
  sizes.state_merges = app_state_.pending_merges();
  return sizes;
}

SuspicionTimeouts Node::CurrentSuspicionTimeouts() const {
  return suspicions_.CurrentTimeouts();
}

absl::Duration Node::CurrentSyncInterval() const {
  return anti_entropy_.CurrentSyncInterval();
}

// ------------------------------------------------------------- receiving

void Node::HandleDatagram(absl::Time now, absl::string_view from_address,
                          absl::string_view datagram) {
  last_active_ = std::max(last_active_, now);
  if (!Receive(datagram) || !gate_.AcceptStamp(now, received_)) return;
  const size_t type = received_.message.index();
  ++ctx_.counters.datagrams_in[type];
  ctx_.counters.bytes_in[type] += datagram.size();
  if (received_.sender == ctx_.config.name) {
    ++ctx_.counters.ignored;
    return;
  }
  versions_.OnPacket(from_address, received_);
  if (ctx_.left) {
    // A member that left still answers probes for as long as it is run,
    // with its Left leading the ack: a prober that has not heard the news
    // yet learns it instead of raising a suspicion.
    const PingView* ping = std::get_if<PingView>(&received_.message);
    if (ping != nullptr && ping->target == ctx_.config.name) {
      Ack ack;
      ack.seq = ping->seq;
      outbox_.SendReply(from_address, ack,
                        gate_.ReplyLimit(from_address, datagram.size()),
                        Members::kLocalId);
    } else {
      ++ctx_.counters.ignored;
    }
    return;
  }
  HandlePacket(now, from_address, received_, datagram.size());
}

absl::StatusOr<KeyId> Node::AddKey(absl::string_view key) {
  absl::Status added = keyring_.Add(key);
  if (!added.ok()) return added;
  return KeyIdOf(key);
}

absl::Status Node::UseKey(KeyId id) { return keyring_.SetPrimaryById(id); }

absl::Status Node::RemoveKey(KeyId id) { return keyring_.RemoveById(id); }

bool Node::Receive(absl::string_view datagram) {
  // Zero-copy decoding into buffers reused across datagrams: most updates
  // (say, a full-state exchange) tell us nothing new and are never copied.
  if (absl::Status opened =
          OpenDatagram(keyring_, outbox_.envelope(), datagram, &received_body_);
      !opened.ok()) {
    CountDrop(ctx_.counters, opened);
    return false;
  }
  // The envelope's version byte, authenticated by now, is the body's.
  const auto version = static_cast<uint8_t>(datagram[0]);
  if (absl::Status decoded = DecodePacketView(received_body_, &received_,
                                              kMaxDatagramBytes, version);
      !decoded.ok()) {
    CountDrop(ctx_.counters, decoded);
    return false;
  }
  if (!IsWellFormed(received_)) {
    ++ctx_.counters.drops[static_cast<size_t>(DropReason::kBadValue)];
    return false;
  }
  return true;
}

void Node::HandlePacket(absl::Time now, absl::string_view from_address,
                        const PacketView& packet, size_t datagram_bytes) {
  const Membership::Via via = std::holds_alternative<Sync>(packet.message)
                                  ? Membership::Via::kSync
                                  : Membership::Via::kGossip;
  for (const UpdateView& update : packet.updates) {
    if (const AliveView* alive = std::get_if<AliveView>(&update);
        alive != nullptr && membership_.TellsNothingNew(*alive)) {
      continue;
    }
    membership_.Apply(now, ToUpdate(update), packet.sender, from_address, via);
  }
  if (ctx_.left) return;
  if (!packet.broadcasts.empty()) user_.OnBroadcasts(now, packet.broadcasts);
  const Message owned = ToMessage(packet.message);
  std::visit(
      [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, Ping>) {
          round_trips_.OnPing(packet.sender, message.coordinate);
          OnPing(message, from_address,
                 gate_.ReplyLimit(from_address, datagram_bytes));
        } else if constexpr (std::is_same_v<T, Ack>) {
          OnAck(now, message, from_address);
        } else if constexpr (std::is_same_v<T, Nack>) {
          prober_.OnNack(now, message);
        } else if constexpr (std::is_same_v<T, PingReq>) {
          relays_.OnPingReq(now, message, from_address,
                            gate_.ReplyLimit(from_address, datagram_bytes));
        } else if constexpr (std::is_same_v<T, Sync> ||
                             std::is_same_v<T, SyncDigest> ||
                             std::is_same_v<T, MetaRequest> ||
                             std::is_same_v<T, StateRequest>) {
          OnLargeRequest(now, from_address, packet.sender, message,
                         datagram_bytes);
        } else if constexpr (std::is_same_v<T, MetaChunk>) {
          fetcher_.OnChunk(now, message);
        } else if constexpr (std::is_same_v<T, StateOffer>) {
          app_state_.OnOffer(now, packet.sender, message, from_address);
        } else if constexpr (std::is_same_v<T, StateChunk>) {
          app_state_.OnChunk(now, packet.sender, message);
        } else if constexpr (std::is_same_v<T, UserMessage>) {
          user_.OnMessage(packet.sender, message);
        }
      },
      owned);
}

void Node::OnPing(const Ping& ping, absl::string_view from_address,
                  size_t reply_max_bytes) {
  if (ping.target != ctx_.config.name) {
    ++ctx_.counters.ignored;  // meant for a member that used to be here
    return;
  }
  Ack ack;
  ack.seq = ping.seq;
  ack.coordinate = round_trips_.LocalCoordinate();
  // Unvalidated, the ack carries only the gossip that fits 3x the ping.
  // No challenge: a challenge per first ping from each member costs more
  // dissemination (join_2000: 5.1 s against 4.6 s) than the fuller acks
  // it would buy; probes validate addresses as they go.
  outbox_.SendReply(from_address, ack, reply_max_bytes);
}

void Node::OnLargeRequest(absl::Time now, absl::string_view from_address,
                          absl::string_view sender, Message request,
                          size_t datagram_bytes) {
  if (gate_.Admit(now, from_address, sender, request, datagram_bytes)) {
    AnswerRequest(now, from_address, request);
  }
}

void Node::AnswerRequest(absl::Time now, absl::string_view from_address,
                         const Message& request) {
  if (const Sync* sync = std::get_if<Sync>(&request)) {
    anti_entropy_.OnSync(now, *sync, from_address);
  } else if (const SyncDigest* digest = std::get_if<SyncDigest>(&request)) {
    anti_entropy_.OnSyncDigest(now, *digest, from_address);
  } else if (const MetaRequest* req = std::get_if<MetaRequest>(&request)) {
    fetcher_.OnRequest(*req, from_address);
  } else if (const auto* state = std::get_if<StateRequest>(&request)) {
    app_state_.OnRequest(*state, from_address);
  }
}

void Node::OnAck(absl::Time now, const Ack& ack,
                 absl::string_view from_address) {
  for (const Message& request : gate_.OnAck(ack.seq, from_address)) {
    AnswerRequest(now, from_address, request);
  }
  const Prober::AckResult result = prober_.OnAck(now, ack);
  if (result != Prober::AckResult::kNotOurs) anti_entropy_.NoteAcked(now);
  switch (result) {
    case Prober::AckResult::kOursReconnected:
      // Back in touch after being cut off (say, an isolated node after
      // the heal): what we missed meanwhile, members declared OFFLINE
      // included, comes with a state exchange now rather than at the next
      // periodic one, minutes away in a large cluster.
      anti_entropy_.SyncAt(now);
      break;
    case Prober::AckResult::kOurs:
      break;
    case Prober::AckResult::kNotOurs:
      relays_.OnAck(ack);
      break;
  }
}

// ----------------------------------------------------------- application

absl::StatusOr<Alive> Node::Announcement(const Config& config) {
  if (absl::Status status = config.Validate(); !status.ok()) return status;
  absl::StatusOr<std::string> encoded = EncodeMetadata(config.metadata);
  if (!encoded.ok()) return encoded.status();
  Alive alive;
  alive.member = config.name;
  alive.address = config.address;
  alive.incarnation = config.initial_incarnation;
  alive.metadata_version = FirstMetadataVersion(config);
  alive.metadata_size = static_cast<uint32_t>(encoded->size());
  alive.protocol = {static_cast<uint8_t>(config.protocol_version_min),
                    static_cast<uint8_t>(config.protocol_version_max)};
  if (encoded->size() <= config.metadata_inline_max_bytes) {
    alive.metadata = config.metadata;
  }
  return alive;
}

absl::Status Node::AddKnownMembers(absl::Time now,
                                   absl::Span<const Alive> members) {
  if (ctx_.left) {
    return absl::FailedPreconditionError("AddKnownMembers: the node has left");
  }
  for (size_t i = 0; i < members.size(); ++i) {
    const Alive& alive = members[i];
    if (!IsValidMemberName(alive.member) ||
        !ParseAddress(alive.address, nullptr, nullptr)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "AddKnownMembers: entry ", i, " has an invalid name or address"));
    }
    if (alive.metadata.has_value() && !alive.metadata->empty() &&
        !EncodeMetadata(*alive.metadata).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "AddKnownMembers: entry ", i, " has metadata that cannot be sent"));
    }
  }
  last_active_ = std::max(last_active_, now);
  ctx_.members.Reserve(ctx_.members.size() + members.size());
  versions_.ReserveForKnown(members);
  ctx_.ReserveEvents(members.size());
  for (const Alive& alive : members) {
    versions_.OnKnown(alive);
    membership_.ApplyAlive(now, alive, /*sender=*/"", alive.address,
                           Membership::Via::kKnown);
  }
  return absl::OkStatus();
}

absl::Status Node::SetMetadata(absl::Time now, Metadata metadata) {
  if (ctx_.left) {
    return absl::FailedPreconditionError("SetMetadata: the node has left");
  }
  absl::Status status = local_.SetMetadata(std::move(metadata));
  // Spread it in the next fast gossip round, as a user broadcast.
  if (status.ok()) outbox_.GossipSoon(now);
  return status;
}

absl::Status Node::SetLocalState(absl::Time now, std::string state) {
  if (ctx_.left) {
    return absl::FailedPreconditionError("SetLocalState: the node has left");
  }
  return app_state_.Set(now, std::move(state));
}

absl::Status Node::Join(absl::Time now, absl::Span<const std::string> peers) {
  if (ctx_.left)
    return absl::FailedPreconditionError("Join: the node has left");
  last_active_ = std::max(last_active_, now);
  return anti_entropy_.Join(now, peers);
}

absl::Status Node::Broadcast(absl::Time now, absl::string_view key,
                             absl::string_view payload) {
  if (ctx_.left) {
    return absl::FailedPreconditionError("Broadcast: the node has left");
  }
  return user_.Broadcast(now, key, payload);
}

absl::Status Node::SendTo(absl::Time now, absl::string_view member,
                          absl::string_view payload) {
  if (ctx_.left)
    return absl::FailedPreconditionError("SendTo: the node has left");
  (void)now;  // no timer depends on it; part of the input contract
  return user_.SendTo(member, payload);
}

void Node::Leave(absl::Time now) {
  if (ctx_.left) return;
  membership_.Transition(now, Members::kLocalId, Status::kOffline,
                         OfflineReason::kLeft, false);
  // Tell a few members directly; they gossip it on (the local member's
  // Left is the newest update, so it leads every packet).
  outbox_.Enqueue(Members::kLocalId);
  const std::vector<uint32_t> peers =
      sampler_.Draw(static_cast<size_t>(ctx_.config.leave_fanout),
                    Status::kOnline, std::nullopt);
  for (uint32_t peer : peers) {
    if (!outbox_.SendGossip(ctx_.members.AddressOf(peer), Members::kLocalId)) {
      break;
    }
  }
  ctx_.left = true;
  prober_.Stop();
  relays_.Clear();
  fetcher_.Clear();
  app_state_.Clear();
}

// ---------------------------------------------------------------- timers

void Node::Tick(absl::Time now) {
  if (ctx_.left) return;
  // The shell calls us at least every (scaled) probe interval; a longer
  // silence means this process stalled (a long pause), and what it missed
  // meanwhile (a member declared OFFLINE, say) comes with a state exchange
  // now rather than at the next periodic one, minutes away.
  if (now - last_active_ > 2 * ctx_.health.Scale(ctx_.config.probe_interval)) {
    anti_entropy_.SyncNoLaterThan(now);
  }
  last_active_ = std::max(last_active_, now);
  relays_.RunTimers(now);
  prober_.RunTimeout(now);
  if (std::optional<Prober::Outcome> outcome = prober_.FinishIfDue(now)) {
    membership_.OnProbeEnded(now, *outcome);
  }
  prober_.StartIfDue(now);
  membership_.ExpireSuspicions(now);
  outbox_.RunGossip(now);
  fetcher_.RunTimers(now);
  app_state_.RunTimers(now);
  anti_entropy_.RunJoin(now);
  anti_entropy_.RunSync(now);
  anti_entropy_.RunChurnSync(now);
  offline_.RunProbe(now);
  membership_.Reap(now);
  gate_.Expire(now);
  user_.RunExpiry(now);
}

absl::Time Node::NextDeadline() const {
  if (ctx_.left) return absl::InfiniteFuture();
  return std::min({prober_.NextDeadline(), relays_.NextDeadline(),
                   suspicions_.NextDeadline(), outbox_.NextDeadline(),
                   fetcher_.NextDeadline(), app_state_.NextDeadline(),
                   anti_entropy_.NextDeadline(), offline_.NextDeadline()});
}

// --------------------------------------------------------------- outputs

std::optional<Transmit> Node::PollTransmit() { return outbox_.Poll(); }

std::optional<MemberEvent> Node::PollEvent() { return ctx_.TakeEvent(); }

}  // namespace swim
