#include "tests/swim/cluster_fuzz_insider.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/incarnation_bound.h"
#include "swim/members.h"
#include "tests/swim/cluster_fuzz_checks.h"
#include "tests/testing/packet_generator.h"

namespace swim::testing {

std::string HonestName(int i) { return absl::StrCat("n", i); }

std::string AddressOf(absl::string_view name) {
  return absl::StrCat(name, ":7946");
}

void Insider::Sniff(absl::string_view datagram) {
  absl::StatusOr<std::string> body =
      OpenDatagram(keyring_, EveryVersion(), datagram);
  if (!body.ok()) return;
  absl::StatusOr<Packet> packet =
      DecodePacket(*body, kMaxDatagramBytes, EnvelopeVersionOf(datagram));
  if (!packet.ok()) return;
  if (const auto* ping = std::get_if<Ping>(&packet->message)) {
    seqs_.push_back(ping->seq);
  } else if (const auto* req = std::get_if<PingReq>(&packet->message)) {
    seqs_.push_back(req->seq);
  }
  if (seqs_.size() > 16) seqs_.erase(seqs_.begin());
}

std::string Insider::Name(FuzzScript& s) {
  const uint8_t b = s.Byte();
  if (b < 128) return HonestName(b % kHonestMax);
  if (b < 160) return kInsiderName;
  return absl::StrCat("f", b % kFakeNames);
}

// Where the rules change their minds: near the victim's record of the
// member (one accepted step, the largest one, one past it) and near the
// absolute ceilings.
uint64_t Insider::Incarnation(FuzzScript& s, const Node& victim,
                              absl::string_view member) {
  const std::optional<MemberView> view = victim.members().Find(member);
  const uint64_t held = view.has_value() ? view->incarnation : 0;
  switch (s.Byte() % 8) {
    case 0:
      return held + kMaxIncarnationJump - 1 + s.Small() % 3;
    case 1:
      return kMaxAccusedIncarnation - 1 + s.Small() % 3;
    case 2:
      return kMaxAliveIncarnation - s.Small() % 3;
    case 3:
      return ~uint64_t{0};
    case 4:
      return held > 0 ? held - 1 : 0;
    default:
      return held + s.Small() % 3;
  }
}

Update Insider::MakeUpdate(FuzzScript& s, const Node& victim) {
  const std::string member = Name(s);
  const uint64_t incarnation = Incarnation(s, victim, member);
  switch (s.Byte() % 4) {
    case 0: {
      Alive alive;
      alive.member = member;
      // Now and then an honest member announced at someone else's address.
      alive.address = AddressOf(s.Byte() % 4 == 0 ? Name(s) : member);
      alive.incarnation = incarnation;
      alive.metadata_version = s.Byte() % 4 == 0
                                   ? Incarnation(s, victim, member)
                                   : SaturatingIncrement(incarnation);
      Metadata map;
      if (s.Byte() % 2 == 0) map["k"] = s.Bytes(s.Small());
      alive.metadata_size =
          static_cast<uint32_t>(EncodeMetadata(map).value().size());
      if (s.Byte() % 4 == 0) {
        alive.metadata_size = 300 + 100 * s.Small();  // fetched in chunks
      } else {
        alive.metadata = std::move(map);
      }
      return alive;
    }
    case 1:
      return Suspect{member, incarnation, Name(s)};
    case 2:
      return Offline{member, incarnation, Name(s)};
    default:
      return Left{member, incarnation};
  }
}

Message Insider::MakeMessage(FuzzScript& s, const Node& victim) {
  const uint32_t seq = seqs_.empty() || s.Byte() % 4 == 0
                           ? s.Small()
                           : seqs_[s.Byte() % seqs_.size()];
  switch (s.Byte() % 12) {
    case 0:
      return Ping{seq, Name(s)};
    case 9: {
      // The application state exchange (version 2): small version pools
      // so that fetches start, sizes past the victim's limit now and then.
      StateOffer offer;
      offer.version = 1 + s.Small() % 4;
      offer.size =
          s.Byte() % 8 == 0
              ? static_cast<uint32_t>(victim.config().max_app_state_bytes + 1)
              : 1 + s.Small() * 200;
      offer.join = s.Byte() % 2 == 0;
      offer.reply_wanted = s.Byte() % 2 == 0;
      return offer;
    }
    case 10:
      return StateRequest{
          s.Small() % 4 == 0 ? victim.local_state_version() : s.Small(),
          s.Small() * 100u, 0};
    case 11: {
      StateChunk chunk;
      chunk.version = 1 + s.Small() % 4;
      chunk.total_size = 1 + 200 * s.Small();
      chunk.offset = std::min<uint32_t>(chunk.total_size - 1, s.Small() * 100);
      chunk.data = s.Bytes(1 + s.Small() * 20);
      if (chunk.data.size() > chunk.total_size - chunk.offset) {
        chunk.data.resize(chunk.total_size - chunk.offset);
      }
      return chunk;
    }
    case 1:
      return Ack{seq};
    case 2:
      return Nack{seq};
    case 3: {
      const std::string target = Name(s);
      return PingReq{seq, target,
                     AddressOf(s.Byte() % 4 == 0 ? Name(s) : target)};
    }
    case 4:
      return Sync{s.Byte() % 2 == 0};
    case 5: {
      SyncDigest digest;
      digest.reply_wanted = s.Byte() % 2 == 0;
      digest.buckets.resize(1 + s.Small());
      for (uint64_t& b : digest.buckets) b = s.Byte();
      return digest;
    }
    case 6: {
      const std::string member = Name(s);
      return MetaRequest{member, Incarnation(s, victim, member),
                         s.Small() * 100};
    }
    case 7: {
      MetaChunk chunk;
      chunk.member = Name(s);
      chunk.version = Incarnation(s, victim, chunk.member);
      chunk.total_size = 300 + 100 * s.Small();
      chunk.offset = s.Small() * 100;
      chunk.data = s.Bytes(1 + s.Small() * 20);
      return chunk;
    }
    default:
      return Gossip{};
  }
}

std::string Insider::Seal(absl::string_view body, uint8_t version) {
  std::string datagram;
  EnvelopeOptions options;
  options.version = version;
  if (!SealDatagram(keyring_, options, body, nonces_, &datagram).ok()) {
    return "";  // too large to send
  }
  return datagram;
}

std::string Insider::Hostile(FuzzScript& s, const Node& victim,
                             std::string* from) {
  Packet packet;
  packet.sender = Name(s);
  // Mostly from the address of the member it claims to be; now and then
  // from another (spoofed, or the insider's own).
  *from = AddressOf(s.Byte() % 4 == 0 ? Name(s) : packet.sender);
  packet.message = MakeMessage(s, victim);
  for (uint32_t n = s.Byte() % 5; n > 0; --n) {
    packet.updates.push_back(MakeUpdate(s, victim));
  }
  // The state exchange exists in version 2 only.
  const bool v2 = std::holds_alternative<StateOffer>(packet.message) ||
                  std::holds_alternative<StateRequest>(packet.message) ||
                  std::holds_alternative<StateChunk>(packet.message);
  absl::StatusOr<std::string> body =
      v2 ? EncodePacket(packet, Framing{2, {1, 2}}) : EncodePacket(packet);
  return body.ok() ? Seal(*body, v2 ? 2 : 1) : "";
}

std::string Insider::Random(FuzzScript& s, std::string* from) {
  Prng prng(uint64_t{s.Byte()} << 8 | s.Byte());
  *from = AddressOf(Name(s));
  absl::StatusOr<std::string> body = EncodePacket(RandomPacket(prng, 4));
  return body.ok() ? Seal(*body) : "";
}

std::string Insider::Raw(FuzzScript& s, std::string* from) {
  *from = AddressOf(Name(s));
  return Seal(s.Bytes(s.Byte()));
}

}  // namespace swim::testing
