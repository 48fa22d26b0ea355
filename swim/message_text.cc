#include "swim/message_text.h"

#include <string>
#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace swim {
namespace {

std::string Quoted(absl::string_view bytes) {
  return absl::StrCat("\"", absl::CHexEscape(bytes), "\"");
}

// Metadata values may be large binary blobs: show a prefix and the size.
std::string ValueText(absl::string_view value) {
  constexpr size_t kShownBytes = 32;
  if (value.size() <= kShownBytes) return Quoted(value);
  return absl::StrCat(Quoted(value.substr(0, kShownBytes)), "...(",
                      value.size(), " bytes)");
}

struct MessageText {
  std::string operator()(const Ping& m) const {
    return absl::StrCat("ping seq=", m.seq, " target=", Quoted(m.target));
  }
  std::string operator()(const Ack& m) const {
    return absl::StrCat("ack seq=", m.seq);
  }
  std::string operator()(const Nack& m) const {
    return absl::StrCat("nack seq=", m.seq);
  }
  std::string operator()(const PingReq& m) const {
    return absl::StrCat("ping_req seq=", m.seq, " target=", Quoted(m.target),
                        " address=", Quoted(m.target_address));
  }
  std::string operator()(const Sync& m) const {
    return absl::StrCat("sync reply_wanted=", m.reply_wanted ? "yes" : "no",
                        " stamp=", m.stamp);
  }
  std::string operator()(const MetaRequest& m) const {
    return absl::StrCat("meta_request member=", Quoted(m.member),
                        " version=", m.version, " offset=", m.offset,
                        " stamp=", m.stamp);
  }
  std::string operator()(const MetaChunk& m) const {
    return absl::StrCat("meta_chunk member=", Quoted(m.member),
                        " version=", m.version, " bytes=[", m.offset, ", ",
                        m.offset + m.data.size(), ") of ", m.total_size);
  }
  std::string operator()(const Gossip&) const { return "gossip"; }
  std::string operator()(const UserMessage& m) const {
    return absl::StrCat("user_message bytes=", m.payload.size());
  }
  std::string operator()(const StateOffer& m) const {
    return absl::StrCat("state_offer version=", m.version, " size=", m.size,
                        " join=", m.join ? "yes" : "no",
                        " reply_wanted=", m.reply_wanted ? "yes" : "no");
  }
  std::string operator()(const StateRequest& m) const {
    return absl::StrCat("state_request version=", m.version,
                        " offset=", m.offset, " stamp=", m.stamp);
  }
  std::string operator()(const StateChunk& m) const {
    return absl::StrCat("state_chunk version=", m.version, " bytes=[", m.offset,
                        ", ", m.offset + m.data.size(), ") of ", m.total_size);
  }
  std::string operator()(const SyncDigest& m) const {
    return absl::StrCat(
        "sync_digest reply_wanted=", m.reply_wanted ? "yes" : "no",
        " buckets=[",
        absl::StrJoin(m.buckets, " ",
                      [](std::string* out, uint64_t bucket) {
                        absl::StrAppend(out,
                                        absl::Hex(bucket, absl::kZeroPad16));
                      }),
        "] stamp=", m.stamp);
  }
};

struct UpdateText {
  std::string operator()(const Alive& u) const {
    std::string text =
        absl::StrCat("alive ", Quoted(u.member), " inc=", u.incarnation,
                     " address=", Quoted(u.address),
                     " metadata_version=", u.metadata_version,
                     " metadata_size=", u.metadata_size);
    if (u.metadata.has_value()) {
      absl::StrAppend(&text, " metadata={",
                      absl::StrJoin(*u.metadata, ", ",
                                    [](std::string* out, const auto& entry) {
                                      absl::StrAppend(out, Quoted(entry.first),
                                                      ": ",
                                                      ValueText(entry.second));
                                    }),
                      "}");
    }
    if (u.protocol.known()) {
      absl::StrAppend(&text, " protocol=", u.protocol.min, "..",
                      u.protocol.max);
    }
    return text;
  }
  std::string operator()(const Suspect& u) const {
    return absl::StrCat("suspect ", Quoted(u.member), " inc=", u.incarnation,
                        " by ", Quoted(u.accuser));
  }
  std::string operator()(const Offline& u) const {
    return absl::StrCat("offline ", Quoted(u.member), " inc=", u.incarnation,
                        " by ", Quoted(u.accuser));
  }
  std::string operator()(const Left& u) const {
    return absl::StrCat("left ", Quoted(u.member), " inc=", u.incarnation);
  }
};

// " broadcasts=[...]", or nothing for the usual packet without any.
std::string BroadcastsText(const std::vector<UserBroadcast>& broadcasts) {
  if (broadcasts.empty()) return "";
  return absl::StrCat(
      " broadcasts=[",
      absl::StrJoin(broadcasts, "; ",
                    [](std::string* out, const UserBroadcast& b) {
                      absl::StrAppend(out, "origin=", Quoted(b.origin),
                                      " key=", Quoted(b.key), " v=", b.version,
                                      " bytes=", b.payload.size());
                    }),
      "]");
}

}  // namespace

std::string MessageToText(const Message& message) {
  return std::visit(MessageText{}, message);
}

std::string UpdateToText(const Update& update) {
  return std::visit(UpdateText{}, update);
}

std::string PacketToText(const Packet& packet) {
  return absl::StrCat(MessageToText(packet.message), " from ",
                      Quoted(packet.sender), " updates=[",
                      absl::StrJoin(packet.updates, "; ",
                                    [](std::string* out, const Update& update) {
                                      absl::StrAppend(out,
                                                      UpdateToText(update));
                                    }),
                      "]", BroadcastsText(packet.broadcasts));
}

}  // namespace swim
