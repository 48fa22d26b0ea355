#include "swim/outbox.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "swim/fixed_log.h"

namespace swim {
namespace {

// Gossip candidates looked at per packet.
constexpr size_t kGossipCandidates = 64;
// The stream of the config seed that envelope nonces draw from.
constexpr uint64_t kNonceStream = 2;

EnvelopeOptions EnvelopeOptionsOf(const Config& config) {
  EnvelopeOptions options;
  options.encrypt = config.encrypt;
  options.require_encryption = config.require_encryption;
  options.max_datagram_bytes = config.max_datagram_bytes;
  options.accepted = {static_cast<uint8_t>(config.protocol_version_min),
                      static_cast<uint8_t>(config.protocol_version_max)};
  return options;
}

}  // namespace

Outbox::Outbox(NodeContext& ctx, const Keyring& keyring,
               const Suspicions& suspicions, PeerSampler& sampler,
               ProtocolPeers& versions, absl::Time now)
    : ctx_(ctx),
      keyring_(keyring),
      suspicions_(suspicions),
      sampler_(sampler),
      versions_(versions),
      envelope_(EnvelopeOptionsOf(ctx.config)),
      body_budget_(MaxEnvelopeBodyBytes(ctx.config.max_datagram_bytes)),
      nonce_rng_(Prng(ctx.config.seed).Split(kNonceStream)),
      nonce_source_(ctx.config.nonce_source != nullptr ? ctx.config.nonce_source
                                                       : &nonce_rng_),
      next_gossip_at_(now) {}

int Outbox::LimitOf(int mult) const {
  if (ctx_.config.testing.zero_retransmits) return 0;
  return mult * DecimalDigits(ctx_.members.size());
}

int Outbox::RetransmitLimit() const {
  return LimitOf(ctx_.config.retransmit_mult);
}

int Outbox::RetransmitLimitFor(uint32_t id) const {
  return LimitOf(ctx_.members.record(id).status == Status::kOffline
                     ? ctx_.config.offline_retransmit_mult
                     : ctx_.config.retransmit_mult);
}

absl::StatusOr<PacketWriter> Outbox::StartPacket(absl::string_view to_address,
                                                 const Message& message) const {
  return StartPacket(to_address, message, body_budget_);
}

absl::StatusOr<PacketWriter> Outbox::StartPacket(absl::string_view to_address,
                                                 const Message& message,
                                                 size_t budget_bytes) const {
  std::optional<Framing> framing = versions_.FramingFor(to_address);
  if (!framing.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(to_address, " speaks no protocol version we speak"));
  }
  return PacketWriter::Start(budget_bytes, ctx_.config.name, message, *framing);
}

uint8_t Outbox::VersionFor(absl::string_view to_address) const {
  std::optional<Framing> framing = versions_.FramingFor(to_address);
  return framing.has_value() ? framing->version : 0;
}

void Outbox::Seal(absl::string_view to_address, absl::string_view body,
                  uint8_t version, size_t type) {
  Transmit transmit;
  transmit.to_address = std::string(to_address);
  envelope_.version = version;
  absl::Status sealed = SealDatagram(keyring_, envelope_, body, *nonce_source_,
                                     &transmit.datagram);
  if (!sealed.ok()) return;  // cannot happen: bodies are built in budget
  if (type < kMessageTypeCount) {
    ++ctx_.counters.datagrams_out[type];
    ctx_.counters.bytes_out[type] += transmit.datagram.size();
  }
  if (version >= 2) ++ctx_.counters.versions.datagrams_out_v2;
  transmits_.push_back(std::move(transmit));
}

void Outbox::Send(absl::string_view to_address, PacketWriter&& packet,
                  size_t type) {
  SendAnnouncing(to_address, std::move(packet), type, /*may_announce=*/true);
}

void Outbox::SendAnnouncing(absl::string_view to_address, PacketWriter&& packet,
                            size_t type, bool may_announce) {
  const uint8_t version = packet.version();
  Seal(to_address, std::move(packet).Finish(), version, type);
  if (!may_announce || !versions_.ShouldAnnounce(to_address, version)) return;
  // Our own Alive, in the oldest version from 2 on that we speak: a peer
  // that speaks it learns our range (and talks to us in it from then on).
  absl::StatusOr<PacketWriter> announcement =
      PacketWriter::Start(body_budget_, ctx_.config.name, Gossip{},
                          versions_.AnnouncementFraming());
  if (!announcement.ok()) return;
  if (!announcement->Add(UpdateFor(Members::kLocalId)) &&
      !announcement->Add(UpdateFor(Members::kLocalId, false))) {
    return;
  }
  const uint8_t announced = announcement->version();
  Seal(to_address, std::move(*announcement).Finish(), announced,
       MessageTypeIndex<Gossip>());
}

void Outbox::SendWithGossip(absl::string_view to_address,
                            const Message& message,
                            std::optional<uint32_t> buddy) {
  SendReply(to_address, message, ctx_.config.max_datagram_bytes, buddy);
}

bool Outbox::SendReply(absl::string_view to_address, const Message& message,
                       size_t max_bytes, std::optional<uint32_t> buddy) {
  const size_t budget = std::min(body_budget_, MaxEnvelopeBodyBytes(max_bytes));
  absl::StatusOr<PacketWriter> writer =
      StartPacket(to_address, message, budget);
  if (!writer.ok()) return false;
  AddGossip(*writer, buddy);
  if (budget < body_budget_ && broadcasts_.queued() > 0) {
    ++ctx_.counters.replies_trimmed;
  }
  if (validation_ != nullptr) {
    if (const Ping* ping = std::get_if<Ping>(&message)) {
      validation_->OnPingSent(ping->seq, to_address);
    }
  }
  // A reply held to 3x goes without the announcement, which would add to
  // it; the next datagram in full carries it.
  SendAnnouncing(to_address, std::move(*writer), message.index(),
                 /*may_announce=*/budget >= body_budget_);
  return true;
}

bool Outbox::SendGossip(absl::string_view to_address,
                        std::optional<uint32_t> lead) {
  absl::StatusOr<PacketWriter> writer = StartPacket(to_address, Gossip{});
  if (!writer.ok()) return false;
  if (lead.has_value()) writer->Add(UpdateFor(*lead));
  AddGossip(*writer, std::nullopt);
  if (writer->update_count() == 0 && writer->broadcast_count() == 0) {
    return false;  // every update ran out
  }
  Send(to_address, std::move(*writer), MessageTypeIndex<Gossip>());
  return true;
}

bool Outbox::SendBare(absl::string_view to_address, const Message& message,
                      size_t max_bytes) {
  const size_t budget = std::min(body_budget_, MaxEnvelopeBodyBytes(max_bytes));
  absl::StatusOr<PacketWriter> writer =
      StartPacket(to_address, message, budget);
  if (!writer.ok()) return false;
  if (validation_ != nullptr) {
    if (const Ping* ping = std::get_if<Ping>(&message)) {
      validation_->OnPingSent(ping->seq, to_address);
    }
  }
  // A reply held to 3x goes without the announcement, which would add to
  // it; the next datagram in full carries it.
  SendAnnouncing(to_address, std::move(*writer), message.index(),
                 /*may_announce=*/budget >= body_budget_);
  return true;
}

Update Outbox::UpdateFor(uint32_t id, bool inline_metadata) const {
  const Members& members = ctx_.members;
  const Members::Record& record = members.record(id);
  const absl::string_view name = members.NameOf(id);
  switch (record.status) {
    case Status::kSuspect: {
      Suspect suspect;
      suspect.member = std::string(name);
      suspect.incarnation = record.incarnation;
      const Suspicion* suspicion = suspicions_.Find(id);
      suspect.accuser =
          suspicion != nullptr ? suspicion->latest_accuser() : ctx_.config.name;
      return suspect;
    }
    case Status::kOffline: {
      if (record.offline_reason == OfflineReason::kLeft) {
        Left left;
        left.member = std::string(name);
        left.incarnation = record.incarnation;
        return left;
      }
      Offline offline;
      offline.member = std::string(name);
      offline.incarnation = record.incarnation;
      offline.accuser = ctx_.config.name;
      return offline;
    }
    default: {
      Alive alive;
      alive.member = std::string(name);
      alive.address = std::string(members.AddressOf(id));
      alive.incarnation = record.incarnation;
      alive.metadata_version = record.metadata_version;
      alive.metadata_size = record.metadata_size;
      alive.protocol =
          versions_.AdvertisedRange(id == Members::kLocalId, alive.address);
      if (inline_metadata &&
          record.metadata_size <= ctx_.config.metadata_inline_max_bytes &&
          members.HeldMetadataVersion(id) == record.metadata_version) {
        alive.metadata = members.HeldMap(id);
      }
      return alive;
    }
  }
}

void Outbox::AddToBacklog(uint32_t id) {
  // Members forgotten and learnt again (churn, or an insider's flood of
  // Alives and Lefts) add entries faster than a quiet node sends them.
  if (broadcasts_.backlog_size() >= BacklogMax()) {
    ++ctx_.counters.backlog_refused;
    return;
  }
  broadcasts_.AddToBacklog(id);
}

size_t Outbox::BacklogMax() const {
  return 2 * static_cast<size_t>(ctx_.config.max_members);
}

void Outbox::AddGossip(PacketWriter& writer, std::optional<uint32_t> buddy) {
  if (buddy.has_value()) writer.Add(UpdateFor(*buddy));
  const int limit = RetransmitLimit();
  if (limit <= 0) return;
  if (broadcasts_.empty()) {
    AddUserBroadcasts(writer, limit);
    return;
  }
  std::vector<uint32_t> sent;
  for (uint32_t id : broadcasts_.InSendOrder(kGossipCandidates)) {
    if (buddy.has_value() && id == *buddy) continue;
    // An update too big for any packet with its map inline goes without
    // it, alone; receivers fetch the map.
    const bool added = writer.Add(UpdateFor(id)) ||
                       (writer.update_count() == 0 &&
                        writer.Add(UpdateFor(id, /*inline_metadata=*/false)));
    if (added) sent.push_back(id);
  }
  for (uint32_t id : sent) broadcasts_.MarkSent(id, RetransmitLimitFor(id));
  ctx_.counters.updates_sent += sent.size();
  AddUserBroadcasts(writer, limit);
  // Then the backlog, in whatever room is left.
  while (std::optional<uint32_t> id = broadcasts_.BacklogFront()) {
    if (!ctx_.members.InUse(*id) || broadcasts_.Contains(*id)) {
      broadcasts_.PopBacklog(/*sent=*/false);  // gone, or fresher news
      continue;
    }
    // Full: keep the FIFO order; the next packet has room.
    if (!writer.Add(UpdateFor(*id))) break;
    broadcasts_.PopBacklog(/*sent=*/true);
    ++ctx_.counters.updates_sent;
  }
}

void Outbox::AddUserBroadcasts(PacketWriter& writer, int limit) {
  // Version 1 has no broadcasts' section (swim/wire_format.md).
  if (user_broadcasts_.empty() || writer.version() < 2) return;
  std::vector<uint64_t> sent;
  for (uint64_t id : user_broadcasts_.InSendOrder(kGossipCandidates)) {
    if (writer.AddBroadcast(user_broadcasts_.Get(id))) sent.push_back(id);
  }
  for (uint64_t id : sent) user_broadcasts_.MarkSent(id, limit);
  ctx_.counters.user.broadcast_transmits += sent.size();
}

void Outbox::EnqueueBroadcast(UserBroadcast broadcast) {
  user_broadcasts_.Enqueue(std::move(broadcast),
                           &ctx_.counters.user.broadcasts_evicted);
}

absl::Duration Outbox::UserGossipInterval() const {
  return ctx_.config.gossip_interval / kUserGossipSpeedup;
}

void Outbox::GossipSoon(absl::Time now) {
  const absl::Time soon = std::max(now, last_gossip_at_ + UserGossipInterval());
  next_gossip_at_ = std::min(next_gossip_at_, soon);
}

bool Outbox::HasGossipToSend() const {
  return ctx_.config.gossip_fanout > 0 &&
         (broadcasts_.queued() > 0 || !user_broadcasts_.empty()) &&
         RetransmitLimit() > 0;
}

void Outbox::RunGossip(absl::Time now) {
  if (now < next_gossip_at_) return;
  // Nothing to tell: the timer stays due, so that news goes out as soon as
  // it arrives.
  if (!HasGossipToSend()) return;
  next_gossip_at_ =
      now + (user_broadcasts_.empty() ? ctx_.config.gossip_interval
                                      : UserGossipInterval());
  last_gossip_at_ = now;
  const std::vector<uint32_t> peers =
      sampler_.Draw(static_cast<size_t>(ctx_.config.gossip_fanout),
                    Status::kAvailable, std::nullopt);
  for (uint32_t peer : peers) {
    if (!SendGossip(ctx_.members.AddressOf(peer), std::nullopt)) return;
  }
}

absl::Time Outbox::NextDeadline() const {
  return HasGossipToSend() ? next_gossip_at_ : absl::InfiniteFuture();
}

std::optional<Transmit> Outbox::Poll() {
  if (transmits_.empty()) return std::nullopt;
  Transmit transmit = std::move(transmits_.front());
  transmits_.pop_front();
  return transmit;
}

}  // namespace swim
