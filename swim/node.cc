#include "swim/node.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "swim/drop_reason.h"
#include "swim/fixed_log.h"
#include "swim/state_digest.h"

namespace swim {
namespace {

// Relay registrations beyond this are refused (bounds memory under abuse).
constexpr size_t kMaxRelays = 1024;
// Gossip candidates looked at per packet.
constexpr size_t kGossipCandidates = 64;
// Members that, on average, probe a suspect out of turn when they hear of
// the suspicion (see StartSuspicion).
constexpr uint64_t kEarlyCheckers = 4;
// Failed probes, in a row, after which a member that only heard of a
// suspicion agrees with it (see OnSuspectProbed).
constexpr int kFailedVerificationsToDeclare = 2;
// A fetch gives up after this many silent attempts; the next announcement
// of the member's metadata starts a new one.
constexpr int kMaxFetchAttempts = 8;
// Streams of the config seed.
constexpr uint64_t kProtocolStream = 1;
constexpr uint64_t kNonceStream = 2;

template <class T>
constexpr size_t TypeIndex() {
  return MessageTypeIndex<T>();
}

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

// The local metadata's first version; versions start at 1 so that a member
// we hold no map for (version 0) always lacks it.
uint64_t FirstMetadataVersion(const Config& config) {
  return config.initial_incarnation + 1;
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
    : config_(std::move(config)),
      keyring_(std::move(keyring)),
      body_budget_(MaxEnvelopeBodyBytes(config_.max_datagram_bytes)),
      rng_(Prng(config_.seed).Split(kProtocolStream)),
      nonce_rng_(Prng(config_.seed).Split(kNonceStream)),
      nonce_source_(config_.nonce_source != nullptr ? config_.nonce_source
                                                    : &nonce_rng_),
      members_(config_.name, config_.address, config_.initial_incarnation),
      health_(config_.health_max) {
  envelope_.encrypt = config_.encrypt;
  envelope_.require_encryption = config_.require_encryption;
  envelope_.max_datagram_bytes = config_.max_datagram_bytes;

  Members::MetadataEntry local;
  local.version = FirstMetadataVersion(config_);
  local.encoded = EncodeMetadata(config_.metadata).value();  // validated
  local.map = std::move(config_.metadata);
  config_.metadata.clear();
  members_.Announce(Members::kLocalId, local.version,
                    static_cast<uint32_t>(local.encoded.size()));
  members_.SetMetadata(Members::kLocalId, std::move(local));
  Emit(Members::kLocalId, Status::kUnknown, /*metadata_changed=*/true);

  next_probe_at_ = now + config_.probe_interval;
  // Spread the first exchanges over an interval so that nodes started
  // together do not sync in lockstep.
  const int64_t jitter_permille = static_cast<int64_t>(rng_.Uniform(1000));
  next_sync_at_ = now + config_.sync_interval * jitter_permille / 1000;
  next_offline_probe_at_ = now + config_.offline_probe_interval;
  join_backoff_ = config_.join_retry_initial;
  next_join_at_ = now;
  // As if the last churn exchange were an interval ago: one may start at
  // once, and NextDeadline() stays a real time.
  last_churn_sync_ = now - config_.churn_sync_interval;
  next_gossip_at_ = now;
  last_active_ = now;
  RunJoin(now);
}

// ---------------------------------------------------------------- sizing

int Node::RetransmitLimit() const {
  if (config_.testing.zero_retransmits) return 0;
  return config_.retransmit_mult * DecimalDigits(members_.size());
}

SuspicionTimeouts Node::CurrentSuspicionTimeouts() const {
  return ComputeSuspicionTimeouts(
      config_.suspicion_min_intervals, config_.suspicion_max_mult,
      config_.suspicion_confirmations, members_.Count(Status::kAvailable),
      config_.probe_interval);
}

absl::Duration Node::CurrentSyncInterval() const {
  // memberlist's pushPullScale: one more interval per doubling past 32.
  constexpr uint64_t kScaleThreshold = 32;
  const uint64_t n = members_.Count(Status::kAvailable);
  if (n <= kScaleThreshold) return config_.sync_interval;
  const int64_t excess = Log2Fixed(n) - Log2Fixed(kScaleThreshold);
  const int64_t one = int64_t{1} << kLog2FractionBits;
  const int64_t multiplier = (excess + one - 1) / one + 1;
  return config_.sync_interval * multiplier;
}

// --------------------------------------------------------------- sending

void Node::Send(absl::string_view to_address, std::string body, size_t type) {
  Transmit transmit;
  transmit.to_address = std::string(to_address);
  absl::Status sealed = SealDatagram(keyring_, envelope_, body, *nonce_source_,
                                     &transmit.datagram);
  if (!sealed.ok()) return;  // cannot happen: bodies are built in budget
  if (type < kMessageTypeCount) {
    ++counters_.datagrams_out[type];
    counters_.bytes_out[type] += transmit.datagram.size();
  }
  transmits_.push_back(std::move(transmit));
}

absl::StatusOr<PacketWriter> Node::StartPacket(const Message& message) const {
  return PacketWriter::Start(body_budget_, config_.name, message);
}

Update Node::UpdateFor(uint32_t id, bool inline_metadata) const {
  const Members::Record& record = members_.record(id);
  const absl::string_view name = members_.NameOf(id);
  switch (record.status) {
    case Status::kSuspect: {
      Suspect suspect;
      suspect.member = std::string(name);
      suspect.incarnation = record.incarnation;
      auto it = suspicions_.find(id);
      suspect.accuser =
          it != suspicions_.end() ? it->second.latest_accuser() : config_.name;
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
      offline.accuser = config_.name;
      return offline;
    }
    default: {
      Alive alive;
      alive.member = std::string(name);
      alive.address = std::string(members_.AddressOf(id));
      alive.incarnation = record.incarnation;
      alive.metadata_version = record.metadata_version;
      alive.metadata_size = record.metadata_size;
      if (inline_metadata &&
          record.metadata_size <= config_.metadata_inline_max_bytes &&
          members_.HeldMetadataVersion(id) == record.metadata_version) {
        const Members::MetadataEntry* entry = members_.MetadataOf(id);
        alive.metadata = entry != nullptr ? entry->map : Metadata();
      }
      return alive;
    }
  }
}

void Node::AddGossip(PacketWriter& writer, std::optional<uint32_t> buddy) {
  if (buddy.has_value()) writer.Add(UpdateFor(*buddy));
  const int limit = RetransmitLimit();
  if (limit <= 0 || broadcasts_.empty()) return;
  std::vector<uint32_t> sent;
  for (uint32_t id : broadcasts_.InSendOrder(kGossipCandidates)) {
    if (buddy.has_value() && id == *buddy) continue;
    if (writer.Add(UpdateFor(id))) {
      sent.push_back(id);
    } else if (writer.update_count() == 0 &&
               writer.Add(UpdateFor(id, /*inline_metadata=*/false))) {
      // Too big for any packet with its map inline; receivers fetch it.
      sent.push_back(id);
    }
  }
  for (uint32_t id : sent) broadcasts_.MarkSent(id, limit);
  counters_.updates_sent += sent.size();
  // Then the backlog, in whatever room is left.
  while (std::optional<uint32_t> id = broadcasts_.BacklogFront()) {
    if (!members_.InUse(*id) || broadcasts_.Contains(*id)) {
      broadcasts_.PopBacklog(/*sent=*/false);  // gone, or fresher news
      continue;
    }
    // Full: keep the FIFO order; the next packet has room.
    if (!writer.Add(UpdateFor(*id))) break;
    broadcasts_.PopBacklog(/*sent=*/true);
    ++counters_.updates_sent;
  }
}

void Node::SendWithGossip(absl::string_view to_address, const Message& message,
                          std::optional<uint32_t> buddy) {
  absl::StatusOr<PacketWriter> writer = StartPacket(message);
  if (!writer.ok()) return;
  AddGossip(*writer, buddy);
  Send(to_address, std::move(*writer).Finish(), message.index());
}

void Node::SendState(absl::string_view to_address, bool reply_wanted,
                     const std::vector<bool>& buckets) {
  ++counters_.syncs_sent;
  // A full exchange brings whatever news gossip was still carrying.
  if (reply_wanted) new_members_since_sync_ = 0;
  const auto wanted = [&](uint32_t id) {
    return buckets.empty() ||
           buckets[DigestBucketOf(members_.NameOf(id), buckets.size())];
  };
  std::vector<uint32_t> ids;
  ids.reserve(members_.size());
  for (uint32_t id = 1; id < members_.id_bound(); ++id) {
    if (members_.InUse(id) && wanted(id)) ids.push_back(id);
  }
  // In a random order after our own entry: the receiver queues what was
  // news to it in this order for piggybacking, and varied orders spread
  // different members first (and a lost datagram loses different ones).
  rng_.Shuffle(ids);
  if (wanted(Members::kLocalId)) ids.insert(ids.begin(), Members::kLocalId);
  // Only the first datagram asks for a reply: one exchange, not one per
  // datagram. Every datagram is useful on its own.
  Sync sync;
  sync.reply_wanted = reply_wanted;
  std::optional<PacketWriter> writer;
  for (uint32_t id : ids) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (!writer.has_value()) {
        absl::StatusOr<PacketWriter> started = StartPacket(sync);
        if (!started.ok()) return;
        writer.emplace(std::move(*started));
        sync.reply_wanted = false;
      }
      if (writer->Add(UpdateFor(id, /*inline_metadata=*/attempt < 2))) break;
      if (writer->update_count() > 0) {
        Send(to_address, std::move(*writer).Finish(), TypeIndex<Sync>());
        writer.reset();
      }
    }
  }
  if (writer.has_value()) {
    Send(to_address, std::move(*writer).Finish(), TypeIndex<Sync>());
  }
}

void Node::SendDigest(absl::string_view to_address, bool reply_wanted) {
  ++counters_.digests_sent;
  SyncDigest digest;
  digest.reply_wanted = reply_wanted;
  digest.buckets =
      ComputeDigest(members_, static_cast<size_t>(config_.sync_digest_buckets));
  SendWithGossip(to_address, digest);
}

void Node::OnSyncDigest(const SyncDigest& digest,
                        absl::string_view from_address) {
  // Compare at the sender's bucket count, so that nodes configured
  // differently still understand each other.
  const std::vector<uint64_t> mine =
      ComputeDigest(members_, digest.buckets.size());
  std::vector<bool> differs(mine.size(), false);
  bool any = false;
  for (size_t b = 0; b < mine.size(); ++b) {
    differs[b] = mine[b] != digest.buckets[b];
    any = any || differs[b];
  }
  if (!any) return;
  SendState(from_address, /*reply_wanted=*/false, differs);
  // Our digest lets the sender send what we lack in those buckets.
  if (digest.reply_wanted) SendDigest(from_address, /*reply_wanted=*/false);
}

// ------------------------------------------------------------- receiving

void Node::HandleDatagram(absl::Time now, absl::string_view from_address,
                          absl::string_view datagram) {
  last_active_ = std::max(last_active_, now);
  // Zero-copy decoding into buffers reused across datagrams: most updates
  // (say, a full-state exchange) tell us nothing new and are never copied.
  if (absl::Status opened =
          OpenDatagram(keyring_, envelope_, datagram, &received_body_);
      !opened.ok()) {
    ++counters_.drops[static_cast<size_t>(DropReasonOf(opened))];
    return;
  }
  if (absl::Status decoded = DecodePacketView(received_body_, &received_);
      !decoded.ok()) {
    ++counters_.drops[static_cast<size_t>(DropReasonOf(decoded))];
    return;
  }
  if (!IsWellFormed(received_)) {
    ++counters_.drops[static_cast<size_t>(DropReason::kBadValue)];
    return;
  }
  const size_t type = received_.message.index();
  ++counters_.datagrams_in[type];
  counters_.bytes_in[type] += datagram.size();
  if (received_.sender == config_.name) {
    ++counters_.ignored;
    return;
  }
  if (left_) {
    // A member that left still answers probes for as long as it is run,
    // with its Left leading the ack: a prober that has not heard the news
    // yet learns it instead of raising a suspicion.
    const PingView* ping = std::get_if<PingView>(&received_.message);
    if (ping != nullptr && ping->target == config_.name) {
      Ack ack;
      ack.seq = ping->seq;
      SendWithGossip(from_address, ack, Members::kLocalId);
    } else {
      ++counters_.ignored;
    }
    return;
  }
  HandlePacket(now, from_address, received_);
}

void Node::HandlePacket(absl::Time now, absl::string_view from_address,
                        const PacketView& packet) {
  const Via via =
      std::holds_alternative<Sync>(packet.message) ? Via::kSync : Via::kGossip;
  for (const UpdateView& update : packet.updates) {
    if (const AliveView* alive = std::get_if<AliveView>(&update);
        alive != nullptr && TellsNothingNew(*alive)) {
      continue;
    }
    ApplyUpdate(now, ToUpdate(update), packet.sender, from_address, via);
  }
  if (left_) return;
  const Message owned = ToMessage(packet.message);
  std::visit(
      [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, Ping>) {
          OnPing(message, from_address);
        } else if constexpr (std::is_same_v<T, Ack>) {
          OnAck(now, message);
        } else if constexpr (std::is_same_v<T, Nack>) {
          OnNack(now, message);
        } else if constexpr (std::is_same_v<T, PingReq>) {
          OnPingReq(now, message, from_address);
        } else if constexpr (std::is_same_v<T, Sync>) {
          if (message.reply_wanted) SendState(from_address, false);
        } else if constexpr (std::is_same_v<T, SyncDigest>) {
          OnSyncDigest(message, from_address);
        } else if constexpr (std::is_same_v<T, MetaRequest>) {
          OnMetaRequest(message, from_address);
        } else if constexpr (std::is_same_v<T, MetaChunk>) {
          OnMetaChunk(now, message);
        }
      },
      owned);
}

bool Node::TellsNothingNew(const AliveView& alive) const {
  if (alive.member == config_.name) return false;
  std::optional<uint32_t> id = members_.IdOf(alive.member);
  if (!id.has_value()) return false;
  const Members::Record& record = members_.record(*id);
  if (Supersedes(UpdateKind::kAlive, alive.incarnation, record.status,
                 record.offline_reason, record.incarnation)) {
    return false;
  }
  // As ApplyAlive: an older announcement only matters within the same life
  // and metadata version, where it may tell of metadata we lack.
  if (alive.incarnation != record.incarnation ||
      alive.metadata_version != record.metadata_version ||
      record.status == Status::kOffline) {
    return true;
  }
  return members_.HeldMetadataVersion(*id) == alive.metadata_version &&
         record.metadata_size == alive.metadata_size;
}

void Node::ApplyUpdate(absl::Time now, const Update& update,
                       absl::string_view sender, absl::string_view from_address,
                       Via via) {
  if (const Alive* alive = std::get_if<Alive>(&update)) {
    ApplyAlive(now, *alive, sender, from_address, via);
  } else if (const Suspect* suspect = std::get_if<Suspect>(&update)) {
    ApplySuspect(now, *suspect);
  } else if (const Offline* offline = std::get_if<Offline>(&update)) {
    if (via == Via::kSync && offline->member != config_.name) {
      // Full-state exchanges carry old news (and the other side of a
      // partition); like memberlist, suspect rather than condemn, which
      // gives the member time to refute.
      Suspect suspect;
      suspect.member = offline->member;
      suspect.incarnation = offline->incarnation;
      suspect.accuser = offline->accuser;
      ApplySuspect(now, suspect, /*offline_news=*/true);
      return;
    }
    ApplyOffline(now, offline->member, offline->incarnation,
                 OfflineReason::kFailed);
  } else if (const Left* left = std::get_if<Left>(&update)) {
    ApplyOffline(now, left->member, left->incarnation, OfflineReason::kLeft);
  }
}

void Node::ApplyAlive(absl::Time now, const Alive& alive,
                      absl::string_view sender, absl::string_view from_address,
                      Via via) {
  if (alive.member == config_.name) {
    // Someone holds a newer incarnation of us than we do: a previous life
    // of this member. Out-incarnate it.
    if (alive.incarnation > members_.record(Members::kLocalId).incarnation) {
      Refute(alive.incarnation);
    }
    return;
  }
  std::optional<uint32_t> found = members_.IdOf(alive.member);
  if (!found.has_value()) {
    const uint32_t id = members_.Add(alive.member, alive.address,
                                     Status::kOnline, alive.incarnation);
    bool metadata_changed = false;
    OnAnnouncedMetadata(now, id, alive, from_address, &metadata_changed);
    AddToProbeOrder(id);
    Emit(id, Status::kUnknown, metadata_changed);
    if (via == Via::kKnown) return;
    // A full state exchange introduces many members at once; most of them
    // the cluster already knows, so they are gossiped only in the room
    // fresher news leaves, twice. The exchange's sender is real news.
    if (via == Via::kGossip || alive.member == sender) {
      broadcasts_.Enqueue(id);
    } else {
      broadcasts_.AddToBacklog(id);
    }
    // Churn: enough new members (from any source) since our last exchange
    // start another one; exchanges continue while they bring news.
    ++new_members_since_sync_;
    return;
  }
  const uint32_t id = *found;
  const Members::Record& record = members_.record(id);
  if (!Supersedes(UpdateKind::kAlive, alive.incarnation, record.status,
                  record.offline_reason, record.incarnation)) {
    // Same life: the announcement may still tell us of metadata we lack
    // (for instance, a fetch that gave up).
    if (alive.incarnation == record.incarnation &&
        alive.metadata_version == record.metadata_version &&
        record.status != Status::kOffline) {
      bool metadata_changed = false;
      OnAnnouncedMetadata(now, id, alive, from_address, &metadata_changed);
      if (metadata_changed) Emit(id, record.status, true);
    }
    return;
  }
  const Status previous = record.status;
  members_.SetAddress(id, alive.address);
  members_.mutable_record(id).incarnation = alive.incarnation;
  bool metadata_changed = false;
  OnAnnouncedMetadata(now, id, alive, from_address, &metadata_changed);
  if (previous == Status::kOffline) AddToProbeOrder(id);
  Transition(now, id, Status::kOnline, OfflineReason::kNone, metadata_changed);
  broadcasts_.Enqueue(id);
}

void Node::ApplySuspect(absl::Time now, const Suspect& suspect,
                        bool offline_news) {
  if (suspect.member == config_.name) {
    // The local member never suspects itself.
    if (!left_) RebutAccusation(suspect.incarnation);
    return;
  }
  std::optional<uint32_t> found = members_.IdOf(suspect.member);
  if (!found.has_value()) return;  // no address to probe it at
  const uint32_t id = *found;
  const Members::Record& record = members_.record(id);
  if (Supersedes(UpdateKind::kSuspect, suspect.incarnation, record.status,
                 record.offline_reason, record.incarnation)) {
    members_.mutable_record(id).incarnation = suspect.incarnation;
    StartSuspicion(now, id, suspect.accuser,
                   offline_news ? SuspicionSource::kOfflineNews
                                : SuspicionSource::kGossip);
    Transition(now, id, Status::kSuspect, OfflineReason::kNone, false);
    broadcasts_.Enqueue(id);
    return;
  }
  if (record.status == Status::kOnline &&
      suspect.incarnation < record.incarnation) {
    RespondToStale(id);
    return;
  }
  if (record.status == Status::kSuspect &&
      suspect.incarnation == record.incarnation &&
      suspect.accuser != suspect.member) {
    if (ConfirmSuspicion(id, suspect.accuser)) {
      ++counters_.suspicion_confirmations;
      broadcasts_.Enqueue(id);  // pass the confirmation on
    }
  }
}

void Node::ApplyOffline(absl::Time now, absl::string_view member,
                        uint64_t incarnation, OfflineReason reason) {
  if (member == config_.name) {
    if (left_) return;
    const uint64_t before = members_.record(Members::kLocalId).incarnation;
    RebutAccusation(incarnation);
    if (reason == OfflineReason::kFailed &&
        members_.record(Members::kLocalId).incarnation > before) {
      // We were declared OFFLINE (and just refuted it): others stopped
      // gossiping to us and probing us for a while, so the news of that
      // time (refutations of members we still hold OFFLINE, say) has
      // passed us by. Catch up with a state exchange now rather than at
      // the next periodic one, minutes away. Once per declaration: later
      // copies of it are stale.
      next_sync_at_ = std::min(next_sync_at_, now);
    }
    return;
  }
  std::optional<uint32_t> found = members_.IdOf(member);
  if (!found.has_value()) return;
  const uint32_t id = *found;
  const Members::Record& record = members_.record(id);
  const UpdateKind kind =
      reason == OfflineReason::kLeft ? UpdateKind::kLeft : UpdateKind::kOffline;
  if (!Supersedes(kind, incarnation, record.status, record.offline_reason,
                  record.incarnation)) {
    if (record.status == Status::kOnline && incarnation < record.incarnation) {
      RespondToStale(id);
    }
    return;
  }
  members_.mutable_record(id).incarnation = incarnation;
  Transition(now, id, Status::kOffline, reason, false);
  broadcasts_.Enqueue(id);
}

void Node::OnPing(const Ping& ping, absl::string_view from_address) {
  if (ping.target != config_.name) {
    ++counters_.ignored;  // meant for a member that used to be here
    return;
  }
  Ack ack;
  ack.seq = ping.seq;
  SendWithGossip(from_address, ack);
}

void Node::OnAck(absl::Time now, const Ack& ack) {
  if (probe_.has_value() && probe_->seq == ack.seq) {
    if (!probe_->acked) {
      probe_->acked = true;
      UpdateHealth(-1);
    }
    if (cut_off_) {
      // Back in touch after being cut off (say, an isolated node after
      // the heal): what we missed meanwhile, members declared OFFLINE
      // included, comes with a state exchange now rather than at the next
      // periodic one, minutes away in a large cluster.
      cut_off_ = false;
      next_sync_at_ = now;
    }
    return;
  }
  auto relay = relays_.find(ack.seq);
  if (relay != relays_.end()) {
    Ack forwarded;
    forwarded.seq = relay->second.requester_seq;
    SendWithGossip(relay->second.requester_address, forwarded);
    relays_.erase(relay);
  }
}

void Node::OnNack(absl::Time now, const Nack& nack) {
  if (probe_.has_value() && probe_->seq == nack.seq && probe_->indirect_sent &&
      probe_->nacks < probe_->expected_nacks) {
    ++probe_->nacks;
    ++counters_.nacks_received;
    // Every relay failed too: judge now rather than at the interval's end.
    if (probe_->nacks == probe_->expected_nacks && !probe_->acked) {
      probe_->end_at = std::min(probe_->end_at, now);
    }
  }
}

void Node::OnPingReq(absl::Time now, const PingReq& req,
                     absl::string_view from_address) {
  if (req.target == config_.name) {
    Ack ack;
    ack.seq = req.seq;
    SendWithGossip(from_address, ack);
    return;
  }
  if (relays_.size() >= kMaxRelays) return;
  const uint32_t seq = ++next_seq_;
  Relay relay;
  relay.requester_address = std::string(from_address);
  relay.requester_seq = req.seq;
  relay.nack_at = now + config_.probe_timeout * 4 / 5;
  relays_[seq] = std::move(relay);
  ++counters_.relayed_pings;
  Ping ping;
  ping.seq = seq;
  ping.target = req.target;
  std::optional<uint32_t> target = members_.IdOf(req.target);
  std::optional<uint32_t> buddy;
  if (target.has_value() &&
      members_.record(*target).status == Status::kSuspect) {
    buddy = target;
  }
  SendWithGossip(req.target_address, ping, buddy);
}

// -------------------------------------------------------------- metadata

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
  if (encoded->size() <= config.metadata_inline_max_bytes) {
    alive.metadata = config.metadata;
  }
  return alive;
}

absl::Status Node::AddKnownMembers(absl::Time now,
                                   absl::Span<const Alive> members) {
  if (left_) {
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
  members_.Reserve(members_.size() + members.size());
  for (const Alive& alive : members) {
    ApplyAlive(now, alive, /*sender=*/"", alive.address, Via::kKnown);
  }
  return absl::OkStatus();
}

absl::Status Node::SetMetadata(absl::Time now, Metadata metadata) {
  if (left_) {
    return absl::FailedPreconditionError("SetMetadata: the node has left");
  }
  for (const auto& [key, value] : metadata) {
    if (key.size() > kMaxMetadataKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("SetMetadata: a key is ", key.size(),
                       " bytes; the limit is ", kMaxMetadataKeyBytes));
    }
  }
  absl::StatusOr<std::string> encoded = EncodeMetadata(metadata);
  if (!encoded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetMetadata: ", encoded.status().message()));
  }
  if (encoded->size() > config_.max_metadata_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetMetadata: the map encodes to ", encoded->size(),
                     " bytes; the limit (config.max_metadata_bytes) is ",
                     config_.max_metadata_bytes));
  }
  Members::Record& record = members_.mutable_record(Members::kLocalId);
  // A new incarnation, so that the new Alive wins everywhere.
  ++record.incarnation;
  Members::MetadataEntry entry;
  entry.version = std::max(record.metadata_version + 1, record.incarnation);
  entry.map = std::move(metadata);
  entry.encoded = std::move(*encoded);
  members_.Announce(Members::kLocalId, entry.version,
                    static_cast<uint32_t>(entry.encoded.size()));
  members_.SetMetadata(Members::kLocalId, std::move(entry));
  broadcasts_.Enqueue(Members::kLocalId);
  Emit(Members::kLocalId, Status::kOnline, /*metadata_changed=*/true);
  (void)now;  // no timer depends on it (yet); part of the input contract
  return absl::OkStatus();
}

void Node::OnAnnouncedMetadata(absl::Time now, uint32_t id, const Alive& alive,
                               absl::string_view from_address, bool* changed) {
  const uint64_t held_version = members_.HeldMetadataVersion(id);
  if (alive.metadata_version < held_version) return;  // stale announcement
  members_.Announce(id, alive.metadata_version, alive.metadata_size);
  if (alive.metadata_version == held_version) return;
  if (alive.metadata.has_value()) {
    absl::StatusOr<std::string> encoded = EncodeMetadata(*alive.metadata);
    if (!encoded.ok()) return;
    *changed = HeldMap(id) != *alive.metadata;
    Members::MetadataEntry entry;
    entry.version = alive.metadata_version;
    entry.map = *alive.metadata;
    members_.Announce(id, alive.metadata_version,
                      static_cast<uint32_t>(encoded->size()));
    entry.encoded = std::move(*encoded);
    members_.SetMetadata(id, std::move(entry));
    fetches_.erase(id);
    return;
  }
  if (alive.metadata_size > config_.max_metadata_bytes) return;
  auto it = fetches_.find(id);
  if (it != fetches_.end() && it->second.version >= alive.metadata_version) {
    return;  // already on it
  }
  Fetch fetch;
  fetch.version = alive.metadata_version;
  fetch.total_size = alive.metadata_size;
  fetch.source = std::string(from_address);
  fetch.deadline = now + config_.metadata_fetch_timeout;
  Fetch& stored = fetches_[id] = std::move(fetch);
  RequestMetadata(id, stored);
}

const Metadata& Node::HeldMap(uint32_t id) const {
  static const Metadata* const kEmpty = new Metadata();
  const Members::MetadataEntry* entry = members_.MetadataOf(id);
  return entry != nullptr ? entry->map : *kEmpty;
}

void Node::RequestMetadata(uint32_t id, Fetch& fetch) {
  MetaRequest req;
  req.member = std::string(members_.NameOf(id));
  req.version = fetch.version;
  req.offset = static_cast<uint32_t>(fetch.data.size());
  fetch.window_start = req.offset;
  absl::StatusOr<PacketWriter> writer = StartPacket(req);
  if (!writer.ok()) return;
  Send(fetch.source, std::move(*writer).Finish(), TypeIndex<MetaRequest>());
}

void Node::OnMetaRequest(const MetaRequest& req,
                         absl::string_view from_address) {
  std::optional<uint32_t> id = members_.IdOf(req.member);
  if (!id.has_value()) return;
  const Members::MetadataEntry* entry = members_.MetadataOf(*id);
  if (entry == nullptr || entry->version != req.version ||
      req.offset >= entry->encoded.size()) {
    return;  // not ours to give; the requester will ask elsewhere
  }
  MetaChunk chunk;
  chunk.member = req.member;
  chunk.version = entry->version;
  chunk.total_size = static_cast<uint32_t>(entry->encoded.size());
  chunk.offset = req.offset;
  // Room for data: the budget less the chunk's own fields and a generous
  // allowance for the data's length prefix.
  absl::StatusOr<PacketWriter> empty = StartPacket(chunk);
  if (!empty.ok() || empty->size() + 8 >= body_budget_) return;
  const size_t room = body_budget_ - empty->size() - 8;
  for (int i = 0; i < config_.metadata_chunks_per_request; ++i) {
    if (chunk.offset >= entry->encoded.size()) break;
    const size_t take = std::min(room, entry->encoded.size() - chunk.offset);
    chunk.data = entry->encoded.substr(chunk.offset, take);
    absl::StatusOr<PacketWriter> writer = StartPacket(chunk);
    if (!writer.ok()) return;
    Send(from_address, std::move(*writer).Finish(), TypeIndex<MetaChunk>());
    chunk.offset += static_cast<uint32_t>(take);
  }
}

void Node::OnMetaChunk(absl::Time now, const MetaChunk& chunk) {
  std::optional<uint32_t> id = members_.IdOf(chunk.member);
  if (!id.has_value()) return;
  auto it = fetches_.find(*id);
  if (it == fetches_.end()) return;
  Fetch& fetch = it->second;
  if (chunk.version != fetch.version || chunk.data.empty() ||
      chunk.offset != fetch.data.size() ||
      chunk.total_size > config_.max_metadata_bytes ||
      uint64_t{chunk.offset} + chunk.data.size() > chunk.total_size) {
    return;  // duplicate, out of order or inconsistent
  }
  fetch.total_size = chunk.total_size;
  fetch.data += chunk.data;
  fetch.deadline = now + config_.metadata_fetch_timeout;
  fetch.attempts = 0;
  if (fetch.chunk_bytes == 0) {
    fetch.chunk_bytes = static_cast<uint32_t>(chunk.data.size());
  }
  if (fetch.data.size() < fetch.total_size) {
    const uint64_t window_end =
        uint64_t{fetch.window_start} +
        uint64_t{fetch.chunk_bytes} *
            static_cast<uint64_t>(config_.metadata_chunks_per_request);
    if (fetch.data.size() >= window_end) RequestMetadata(*id, fetch);
    return;
  }
  absl::StatusOr<Metadata> map = DecodeMetadata(fetch.data);
  if (!map.ok()) {
    ++counters_.drops[static_cast<size_t>(DropReasonOf(map.status()))];
    fetches_.erase(it);
    return;
  }
  const bool changed = HeldMap(*id) != *map;
  if (members_.record(*id).metadata_version != fetch.version) {
    fetches_.erase(it);  // overtaken by a newer announcement
    return;
  }
  Members::MetadataEntry entry;
  entry.version = fetch.version;
  entry.map = std::move(*map);
  entry.encoded = std::move(fetch.data);
  fetches_.erase(it);
  members_.SetMetadata(*id, std::move(entry));
  ++counters_.metadata_fetched;
  if (changed) Emit(*id, members_.record(*id).status, true);
}

// --------------------------------------------------------- state changes

void Node::UpdateHealth(int delta) {
  health_.Apply(delta);
  counters_.health_score = health_.score();
}

void Node::RespondToStale(uint32_t id) {
  // Someone still spreads an accusation the member has since refuted
  // (refutations can miss a few members on a lossy network). Gossip the
  // refutation again, so that our next packets (the reply to the stale
  // sender's packet first) carry it.
  if (!broadcasts_.Contains(id)) broadcasts_.Enqueue(id);
}

void Node::RebutAccusation(uint64_t accused_incarnation) {
  if (accused_incarnation >= members_.record(Members::kLocalId).incarnation) {
    Refute(accused_incarnation);
    return;
  }
  // Stale: we already out-incarnated it, but whoever sent it has not heard.
  // Spread the current Alive again (no new incarnation), so that it leads
  // our next packets, the ack to a buddy-system ping included.
  if (!config_.testing.disable_refutation &&
      !broadcasts_.Contains(Members::kLocalId)) {
    broadcasts_.Enqueue(Members::kLocalId);
  }
}

void Node::Refute(uint64_t accused_incarnation) {
  if (config_.testing.disable_refutation) return;
  Members::Record& record = members_.mutable_record(Members::kLocalId);
  const bool previous_life = accused_incarnation > record.incarnation;
  record.incarnation = std::max(record.incarnation, accused_incarnation) + 1;
  if (previous_life) {
    // The cluster may hold metadata of that life under versions we also
    // used; move past them so everyone takes ours.
    // (A life's versions never exceed its incarnation + 1.)
    Members::MetadataEntry entry;
    entry.map = HeldMap(Members::kLocalId);
    entry.encoded = EncodeMetadata(entry.map).value();  // it was valid
    entry.version =
        std::max(record.metadata_version + 1, record.incarnation + 1);
    members_.Announce(Members::kLocalId, entry.version,
                      static_cast<uint32_t>(entry.encoded.size()));
    members_.SetMetadata(Members::kLocalId, std::move(entry));
  }
  ++counters_.refutations;
  UpdateHealth(+1);
  broadcasts_.Enqueue(Members::kLocalId);
}

void Node::Emit(uint32_t id, Status previous, bool metadata_changed) {
  MemberEvent event;
  event.member = std::string(members_.NameOf(id));
  event.previous = previous;
  const Members::Record& record = members_.record(id);
  event.current = record.status;
  event.offline_reason = record.offline_reason;
  event.incarnation = record.incarnation;
  event.metadata_changed = metadata_changed;
  events_.push_back(std::move(event));
}

void Node::Transition(absl::Time now, uint32_t id, Status status,
                      OfflineReason reason, bool metadata_changed) {
  const Members::Record& record = members_.record(id);
  const Status previous = record.status;
  const OfflineReason previous_reason = record.offline_reason;
  if (previous == Status::kOffline && status != Status::kOffline) {
    auto it = offline_since_.find(id);
    if (it != offline_since_.end()) {
      offline_by_time_.erase({it->second, id});
      offline_since_.erase(it);
    }
  }
  if (status != Status::kSuspect) EraseSuspicion(id);
  if (status == Status::kOffline) {
    fetches_.erase(id);
    if (previous != Status::kOffline) {
      offline_since_[id] = now;
      offline_by_time_.insert({now, id});
    }
  }
  members_.SetStatus(id, status, reason);
  if (previous != status || previous_reason != reason || metadata_changed) {
    Emit(id, previous, metadata_changed);
  }
}

void Node::StartSuspicion(absl::Time now, uint32_t id,
                          absl::string_view accuser, SuspicionSource source) {
  EraseSuspicion(id);
  Suspicion& suspicion =
      suspicions_
          .emplace(id, Suspicion(now, CurrentSuspicionTimeouts(), accuser))
          .first->second;
  if (source == SuspicionSource::kOwnProbe) suspicion.AddOwnEvidence();
  // Someone declared it OFFLINE already; we only want to see for
  // ourselves (below) before agreeing.
  if (source == SuspicionSource::kOfflineNews) suspicion.AssumeConfirmed();
  suspicion_deadlines_.insert({suspicion.deadline(), id});
  // The suspect is probed next, out of turn, by its accuser and by a few
  // (on average kEarlyCheckers) of the members that hear of it. If it is
  // alive, the ping tells it of the suspicion (buddy system) and it refutes
  // at once rather than when gossip reaches it; if it is not, the failed
  // probes are the independent confirmations that shorten the timeout.
  // Not everyone: a thousand pings per suspicion cost more than they tell.
  const uint64_t available = members_.Count(Status::kAvailable);
  if (source != SuspicionSource::kGossip ||
      rng_.Uniform(available) < kEarlyCheckers) {
    suspects_to_probe_.push_back(id);
  }
}

bool Node::ConfirmSuspicion(uint32_t id, absl::string_view accuser) {
  auto it = suspicions_.find(id);
  if (it == suspicions_.end()) return false;
  const absl::Time before = it->second.deadline();
  if (!it->second.Confirm(accuser)) return false;
  if (!it->second.verifying()) {  // a verifying one has left the timers
    suspicion_deadlines_.erase({before, id});
    suspicion_deadlines_.insert({it->second.deadline(), id});
  }
  return true;
}

void Node::DeclareOffline(absl::Time now, uint32_t id) {
  ++counters_.members_declared_offline;
  Transition(now, id, Status::kOffline, OfflineReason::kFailed, false);
  broadcasts_.Enqueue(id);
}

void Node::OnSuspectProbed(absl::Time now, uint32_t id, bool failed) {
  auto it = suspicions_.find(id);
  if (it == suspicions_.end()) return;
  Suspicion& suspicion = it->second;
  if (failed && suspicion.verifying()) {
    // One failed probe is 1 in ~800 at 10% loss on every link, and
    // verifications are of members that may well be alive (whose
    // refutation we missed): condemn only after two in a row.
    if (suspicion.AddFailedVerification() >= kFailedVerificationsToDeclare) {
      DeclareOffline(now, id);
    } else {
      suspects_to_probe_.push_front(id);
    }
    return;
  }
  if (failed) {
    suspicion.AddOwnEvidence();
    if (ConfirmSuspicion(id, config_.name)) broadcasts_.Enqueue(id);
    return;
  }
  if (suspicion.verifying()) {
    // It answered without refuting (or our own network failed us): wait
    // another minimum timeout, then look again.
    suspicion.set_verifying(false);
    suspicion.Postpone(now + suspicion.timeouts().min);
    suspicion_deadlines_.insert({suspicion.deadline(), id});
  }
}

void Node::EraseSuspicion(uint32_t id) {
  auto it = suspicions_.find(id);
  if (it == suspicions_.end()) return;
  suspicion_deadlines_.erase({it->second.deadline(), id});
  suspicions_.erase(it);
}

void Node::ForgetMember(uint32_t id) {
  auto it = offline_since_.find(id);
  if (it != offline_since_.end()) {
    offline_by_time_.erase({it->second, id});
    offline_since_.erase(it);
  }
  EraseSuspicion(id);
  fetches_.erase(id);
  broadcasts_.Remove(id);
  auto pos = std::find(probe_order_.begin(), probe_order_.end(), id);
  if (pos != probe_order_.end()) {
    if (static_cast<size_t>(pos - probe_order_.begin()) < probe_position_) {
      --probe_position_;
    }
    probe_order_.erase(pos);
  }
  SetAwaitingProbe(id, false);
  MemberEvent event;
  event.member = std::string(members_.NameOf(id));
  event.previous = members_.record(id).status;
  event.current = Status::kUnknown;
  event.offline_reason = members_.record(id).offline_reason;
  event.incarnation = members_.record(id).incarnation;
  event.forgotten = true;
  events_.push_back(std::move(event));
  members_.Forget(id);
}

void Node::Leave(absl::Time now) {
  if (left_) return;
  Transition(now, Members::kLocalId, Status::kOffline, OfflineReason::kLeft,
             false);
  // Tell a few members directly; they gossip it on (the local member's
  // Left is the newest update, so it leads every packet).
  broadcasts_.Enqueue(Members::kLocalId);
  const std::vector<uint32_t> peers = RandomMembers(
      static_cast<size_t>(config_.leave_fanout), Status::kOnline, std::nullopt);
  for (uint32_t peer : peers) {
    absl::StatusOr<PacketWriter> writer = StartPacket(Gossip{});
    if (!writer.ok()) break;
    writer->Add(UpdateFor(Members::kLocalId));
    AddGossip(*writer, std::nullopt);
    Send(members_.AddressOf(peer), std::move(*writer).Finish(),
         TypeIndex<Gossip>());
  }
  left_ = true;
  probe_.reset();
  relays_.clear();
  fetches_.clear();
}

// ---------------------------------------------------------------- timers

void Node::Tick(absl::Time now) {
  if (left_) return;
  // The shell calls us at least every (scaled) probe interval; a longer
  // silence means this process stalled (a long pause), and what it missed
  // meanwhile (a member declared OFFLINE, say) comes with a state exchange
  // now rather than at the next periodic one, minutes away.
  if (now - last_active_ > 2 * health_.Scale(config_.probe_interval)) {
    next_sync_at_ = std::min(next_sync_at_, now);
  }
  last_active_ = std::max(last_active_, now);
  RunRelayTimers(now);
  RunProbeTimers(now);
  RunSuspicionTimers(now);
  RunGossip(now);
  RunFetchTimers(now);
  RunJoin(now);
  RunSync(now);
  RunChurnSync(now);
  RunOfflineProbe(now);
  RunReaper(now);
}

absl::Time Node::NextDeadline() const {
  if (left_) return absl::InfiniteFuture();
  absl::Time next = next_probe_at_;
  if (probe_.has_value()) {
    if (!probe_->acked && !probe_->indirect_sent) {
      next = std::min(next, probe_->timeout_at);
    }
    next = std::min(next, probe_->end_at);
  }
  for (const auto& [seq, relay] : relays_) next = std::min(next, relay.nack_at);
  if (!suspicion_deadlines_.empty()) {
    next = std::min(next, suspicion_deadlines_.begin()->first);
  }
  if (HasGossipToSend()) next = std::min(next, next_gossip_at_);
  for (const auto& [id, fetch] : fetches_)
    next = std::min(next, fetch.deadline);
  if (members_.Count(Status::kOnline) > 1) {
    next = std::min(next, next_sync_at_);
    if (new_members_since_sync_ >= config_.churn_sync_threshold) {
      next = std::min(next, last_churn_sync_ + config_.churn_sync_interval);
    }
    next = std::min(next, settle_sync_at_);
  }
  if (!config_.seed_peers.empty() && members_.Count(Status::kAvailable) <= 1) {
    next = std::min(next, next_join_at_);
  }
  if (!offline_since_.empty()) {
    next = std::min(next, next_offline_probe_at_);
    next = std::min(
        next, offline_by_time_.begin()->first + config_.offline_retention);
  }
  return next;
}

void Node::RunProbeTimers(absl::Time now) {
  if (probe_.has_value() && !probe_->acked && !probe_->indirect_sent &&
      now >= probe_->timeout_at) {
    SendIndirectProbes();
  }
  if (probe_.has_value() && now >= probe_->end_at) FinishProbe(now);
  if (now >= next_probe_at_) StartProbe(now);
}

void Node::StartProbe(absl::Time now) {
  next_probe_at_ = now + health_.Scale(config_.probe_interval);
  std::optional<uint32_t> target = NextProbeTarget();
  if (!target.has_value()) return;
  Probe probe;
  probe.target = *target;
  probe.target_name = std::string(members_.NameOf(*target));
  probe.seq = ++next_seq_;
  probe.timeout_at = now + health_.Scale(config_.probe_timeout);
  probe.end_at = next_probe_at_;
  probe_ = std::move(probe);
  ++counters_.probes;
  SendProbePing();
}

void Node::SendProbePing() {
  Ping ping;
  ping.seq = probe_->seq;
  ping.target = probe_->target_name;
  // Buddy system: a suspect learns of the suspicion from the probe itself.
  std::optional<uint32_t> buddy;
  if (members_.record(probe_->target).status == Status::kSuspect) {
    buddy = probe_->target;
  }
  SendWithGossip(members_.AddressOf(probe_->target), ping, buddy);
}

void Node::SendIndirectProbes() {
  probe_->indirect_sent = true;
  const uint32_t target = probe_->target;
  if (!members_.InUse(target) ||
      members_.NameOf(target) != probe_->target_name) {
    return;
  }
  const std::vector<uint32_t> relays = RandomMembers(
      static_cast<size_t>(config_.indirect_checks), Status::kOnline, target);
  PingReq req;
  req.seq = probe_->seq;
  req.target = probe_->target_name;
  req.target_address = std::string(members_.AddressOf(target));
  for (uint32_t relay : relays) {
    SendWithGossip(members_.AddressOf(relay), req);
  }
  // And once more directly (memberlist's TCP fallback ping, over UDP): a
  // single lost ping or ack should not be what makes a suspect.
  SendProbePing();
  probe_->expected_nacks = static_cast<int>(relays.size());
  counters_.indirect_probes += relays.size();
}

void Node::FinishProbe(absl::Time now) {
  Probe probe = std::move(*probe_);
  probe_.reset();
  if (probe.acked) {
    if (members_.InUse(probe.target) &&
        members_.NameOf(probe.target) == probe.target_name &&
        members_.record(probe.target).status == Status::kSuspect) {
      OnSuspectProbed(now, probe.target, /*failed=*/false);
    }
    return;
  }
  ++counters_.probes_failed;
  // Lifeguard: relays that did not even nack suggest that we, not the
  // target, are the problem.
  int delta = 1;
  if (probe.expected_nacks > 0) {
    delta = probe.expected_nacks - probe.nacks;
    counters_.nacks_missed += static_cast<uint64_t>(delta);
  }
  UpdateHealth(delta);
  if (!members_.InUse(probe.target) ||
      members_.NameOf(probe.target) != probe.target_name) {
    return;
  }
  // A prober that heard from none of its relays, not even a nack, cannot
  // tell a dead target from its own cut-off network (Rapid's bad nodes:
  // 80% loss, inbound traffic cut); it accuses nobody.
  const bool evidence = probe.expected_nacks == 0 || probe.nacks > 0;
  if (!evidence) {
    ++counters_.accusations_withheld;
    cut_off_ = true;
  }
  const Members::Record& record = members_.record(probe.target);
  if (record.status == Status::kOnline && evidence) {
    ++counters_.suspicions_raised;
    StartSuspicion(now, probe.target, config_.name, SuspicionSource::kOwnProbe);
    Transition(now, probe.target, Status::kSuspect, OfflineReason::kNone,
               false);
    broadcasts_.Enqueue(probe.target);
  } else if (record.status == Status::kSuspect) {
    OnSuspectProbed(now, probe.target, evidence);
  }
}

std::optional<uint32_t> Node::NextProbeTarget() {
  // Suspects waiting for an out-of-turn probe (see StartSuspicion and
  // RunSuspicionTimers) go first, but never twice in a row: when many wait
  // (the far side of a partition), the round-robin still advances at half
  // speed, and a failure among the rest is still found.
  if (!last_probe_out_of_turn_) {
    while (!suspects_to_probe_.empty()) {
      const uint32_t id = suspects_to_probe_.front();
      suspects_to_probe_.pop_front();
      if (members_.InUse(id) &&
          members_.record(id).status == Status::kSuspect) {
        last_probe_out_of_turn_ = true;
        return id;
      }
    }
  }
  last_probe_out_of_turn_ = false;
  for (size_t tries = 0; tries <= probe_order_.size(); ++tries) {
    if (probe_position_ >= probe_order_.size()) {
      // A new pass: every available member, in a fresh random order.
      probe_order_.clear();
      for (uint32_t id = 1; id < members_.id_bound(); ++id) {
        if (members_.InUse(id) &&
            Matches(members_.record(id).status, Status::kAvailable)) {
          probe_order_.push_back(id);
          SetAwaitingProbe(id, true);
        }
      }
      rng_.Shuffle(probe_order_);
      probe_position_ = 0;
      if (probe_order_.empty()) return std::nullopt;
    }
    const uint32_t id = probe_order_[probe_position_++];
    SetAwaitingProbe(id, false);
    if (members_.InUse(id) &&
        Matches(members_.record(id).status, Status::kAvailable)) {
      return id;
    }
  }
  return std::nullopt;
}

void Node::AddToProbeOrder(uint32_t id) {
  if (id < awaiting_probe_.size() && awaiting_probe_[id]) return;
  // A random place in what is left of this pass: append, then swap with a
  // uniformly chosen slot of the rest (the new member's own included).
  probe_order_.push_back(id);
  const size_t remaining = probe_order_.size() - probe_position_;
  const size_t at = probe_position_ + rng_.Uniform(remaining);
  std::swap(probe_order_[at], probe_order_.back());
  SetAwaitingProbe(id, true);
}

void Node::SetAwaitingProbe(uint32_t id, bool awaiting) {
  if (id >= awaiting_probe_.size()) {
    if (!awaiting) return;
    // Doubling: ids arrive one by one, thousands at a time in a join.
    awaiting_probe_.resize(
        std::max<size_t>(members_.id_bound(), 2 * awaiting_probe_.size()),
        false);
  }
  awaiting_probe_[id] = awaiting;
}

void Node::RunRelayTimers(absl::Time now) {
  for (auto it = relays_.begin(); it != relays_.end();) {
    if (now < it->second.nack_at) {
      ++it;
      continue;
    }
    Nack nack;
    nack.seq = it->second.requester_seq;
    const std::string requester = std::move(it->second.requester_address);
    it = relays_.erase(it);
    ++counters_.nacks_sent;
    SendWithGossip(requester, nack);
  }
}

void Node::RunSuspicionTimers(absl::Time now) {
  std::vector<uint32_t> expired;
  for (auto it = suspicion_deadlines_.begin();
       it != suspicion_deadlines_.end() && it->first <= now; ++it) {
    expired.push_back(it->second);
  }
  for (uint32_t id : expired) {
    Suspicion& suspicion = suspicions_.at(id);
    suspicion_deadlines_.erase({suspicion.deadline(), id});
    if (suspicion.has_own_evidence()) {
      DeclareOffline(now, id);
      continue;
    }
    // We only heard of it. Our timer started when the news reached us, so
    // the accusers' OFFLINE is usually on its way: give it an interval.
    if (!suspicion.grace_taken()) {
      suspicion.set_grace_taken();
      suspicion.Postpone(now + config_.probe_interval);
      suspicion_deadlines_.insert({suspicion.deadline(), id});
      continue;
    }
    // Gossip can miss a refutation, so rather than condemn a member on
    // others' word, probe it ourselves first (next, out of turn); the
    // probe's end decides (OnSuspectProbed).
    ++counters_.suspicions_verified;
    suspicion.set_verifying(true);
    suspects_to_probe_.push_front(id);
  }
}

bool Node::HasGossipToSend() const {
  return config_.gossip_fanout > 0 && broadcasts_.queued() > 0 &&
         RetransmitLimit() > 0;
}

void Node::RunGossip(absl::Time now) {
  if (now < next_gossip_at_) return;
  // Nothing to tell: the timer stays due, so that news goes out as soon as
  // it arrives.
  if (!HasGossipToSend()) return;
  next_gossip_at_ = now + config_.gossip_interval;
  const std::vector<uint32_t> peers =
      RandomMembers(static_cast<size_t>(config_.gossip_fanout),
                    Status::kAvailable, std::nullopt);
  for (uint32_t peer : peers) {
    absl::StatusOr<PacketWriter> writer = StartPacket(Gossip{});
    if (!writer.ok()) return;
    AddGossip(*writer, std::nullopt);
    if (writer->update_count() == 0) return;  // every update ran out
    Send(members_.AddressOf(peer), std::move(*writer).Finish(),
         TypeIndex<Gossip>());
  }
}

void Node::RunFetchTimers(absl::Time now) {
  std::vector<uint32_t> due;
  for (const auto& [id, fetch] : fetches_) {
    if (now >= fetch.deadline) due.push_back(id);
  }
  for (uint32_t id : due) {
    Fetch& fetch = fetches_[id];
    if (++fetch.attempts > kMaxFetchAttempts) {
      fetches_.erase(id);
      continue;
    }
    // Ask the owner next, then random members, alternating.
    const std::string owner(members_.AddressOf(id));
    if (fetch.source != owner) {
      fetch.source = owner;
    } else {
      std::vector<uint32_t> other = RandomMembers(1, Status::kOnline, id);
      if (!other.empty())
        fetch.source = std::string(members_.AddressOf(other[0]));
    }
    fetch.deadline = now + config_.metadata_fetch_timeout;
    RequestMetadata(id, fetch);
  }
}

void Node::RunSync(absl::Time now) {
  if (now < next_sync_at_) return;
  next_sync_at_ = now + CurrentSyncInterval();
  std::vector<uint32_t> peer = RandomMembers(1, Status::kOnline, std::nullopt);
  if (peer.empty()) return;
  SendDigest(members_.AddressOf(peer[0]), /*reply_wanted=*/true);
}

void Node::RunChurnSync(absl::Time now) {
  const bool churning =
      new_members_since_sync_ >= config_.churn_sync_threshold &&
      now >= last_churn_sync_ + config_.churn_sync_interval;
  const bool settling = now >= settle_sync_at_;
  if (!churning && !settling) return;
  std::vector<uint32_t> peer = RandomMembers(1, Status::kOnline, std::nullopt);
  if (peer.empty()) {
    settle_sync_at_ = absl::InfiniteFuture();
    new_members_since_sync_ = 0;
    return;
  }
  last_churn_sync_ = now;
  // One last exchange once the churn is over (each new one postpones it).
  settle_sync_at_ =
      churning ? now + config_.churn_settle_delay : absl::InfiniteFuture();
  ++counters_.churn_syncs;
  if (!churning) {
    // Settling: gossip has carried most of the storm, so compare digests
    // and exchange only the buckets that differ.
    SendDigest(members_.AddressOf(peer[0]), /*reply_wanted=*/true);
    return;
  }
  SendState(members_.AddressOf(peer[0]), /*reply_wanted=*/true);
}

void Node::RunJoin(absl::Time now) {
  if (config_.seed_peers.empty() || now < next_join_at_) return;
  if (members_.Count(Status::kAvailable) > 1) {
    // Joined; should every member vanish, start over quickly.
    join_backoff_ = config_.join_retry_initial;
    next_join_at_ = now + join_backoff_;
    return;
  }
  for (const std::string& peer : config_.seed_peers) {
    if (peer == config_.address) continue;
    SendState(peer, /*reply_wanted=*/true);
  }
  next_join_at_ = now + join_backoff_;
  join_backoff_ = std::min(join_backoff_ * 2, config_.join_retry_max);
}

void Node::RunOfflineProbe(absl::Time now) {
  if (now < next_offline_probe_at_) return;
  next_offline_probe_at_ = now + config_.offline_probe_interval;
  std::vector<uint32_t> failed;
  for (const auto& [id, since] : offline_since_) {
    if (members_.record(id).offline_reason == OfflineReason::kFailed) {
      failed.push_back(id);
    }
  }
  if (failed.empty()) return;
  const uint32_t id = failed[rng_.Uniform(failed.size())];
  Ping ping;
  ping.seq = ++next_seq_;
  ping.target = std::string(members_.NameOf(id));
  // The Offline update leads the ping: if the member is in fact alive (a
  // healed partition), it refutes in its ack.
  SendWithGossip(members_.AddressOf(id), ping, id);
}

void Node::RunReaper(absl::Time now) {
  while (!offline_by_time_.empty() &&
         offline_by_time_.begin()->first + config_.offline_retention <= now) {
    ForgetMember(offline_by_time_.begin()->second);
  }
}

std::vector<uint32_t> Node::RandomMembers(size_t count, Status query,
                                          std::optional<uint32_t> exclude) {
  std::vector<uint32_t> candidates;
  if (count == 0) return candidates;
  auto eligible = [&](uint32_t id) {
    return members_.InUse(id) && !(exclude.has_value() && id == *exclude) &&
           Matches(members_.record(id).status, query);
  };
  // Usually most ids qualify: draw ids at random, which costs O(count)
  // rather than a scan of every member.
  const uint32_t bound = members_.id_bound();
  if (bound > 64) {
    for (size_t draws = 0; draws < 4 * count + 16; ++draws) {
      const uint32_t id = 1 + static_cast<uint32_t>(rng_.Uniform(bound - 1));
      if (eligible(id) && std::find(candidates.begin(), candidates.end(), id) ==
                              candidates.end()) {
        candidates.push_back(id);
        if (candidates.size() == count) return candidates;
      }
    }
    candidates.clear();  // too few qualify for sampling: scan instead
  }
  for (uint32_t id = 1; id < bound; ++id) {
    if (!members_.InUse(id) || (exclude.has_value() && id == *exclude)) {
      continue;
    }
    if (Matches(members_.record(id).status, query)) candidates.push_back(id);
  }
  // Partial Fisher-Yates: the first `count` are a uniform sample.
  const size_t take = std::min(count, candidates.size());
  for (size_t i = 0; i < take; ++i) {
    const size_t j = i + rng_.Uniform(candidates.size() - i);
    std::swap(candidates[i], candidates[j]);
  }
  candidates.resize(take);
  return candidates;
}

// --------------------------------------------------------------- outputs

std::optional<Transmit> Node::PollTransmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit transmit = std::move(transmits_.front());
  transmits_.pop_front();
  return transmit;
}

std::optional<MemberEvent> Node::PollEvent() {
  if (events_.empty()) return std::nullopt;
  MemberEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

}  // namespace swim
