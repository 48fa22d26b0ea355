#include "tests/swim/cluster_fuzz_checks.h"

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/incarnation_bound.h"
#include "swim/members.h"
#include "swim/protocol_version.h"
#include "swim/status.h"

namespace swim::testing {
namespace {

absl::Status Violation(absl::string_view what) {
  return absl::FailedPreconditionError(what);
}

// One table's size against its bound.
absl::Status CheckTable(absl::string_view node, absl::string_view table,
                        size_t size, size_t bound) {
  if (size <= bound) return absl::OkStatus();
  return Violation(absl::StrCat(node, ": ", table, " holds ", size,
                                " entries, over its bound of ", bound));
}

}  // namespace

EnvelopeOptions EveryVersion() {
  EnvelopeOptions options;
  options.accepted = {kOldestProtocolVersion, kNewestProtocolVersion};
  return options;
}

uint8_t EnvelopeVersionOf(absl::string_view datagram) {
  return datagram.empty() ? 0 : static_cast<uint8_t>(datagram[0]);
}

absl::Status CheckDeadlineAfterTick(absl::string_view node,
                                    absl::Time next_deadline, absl::Time tick) {
  if (next_deadline > tick) return absl::OkStatus();
  return Violation(
      absl::StrCat(node, ": next deadline ", absl::FormatTime(next_deadline),
                   " is not after the tick at ", absl::FormatTime(tick)));
}

absl::Status CheckDatagram(const Keyring& keyring, absl::string_view datagram,
                           size_t max_datagram_bytes) {
  if (datagram.size() > max_datagram_bytes) {
    return Violation(absl::StrCat("a datagram of ", datagram.size(),
                                  " bytes, over the limit of ",
                                  max_datagram_bytes));
  }
  absl::StatusOr<std::string> body =
      OpenDatagram(keyring, EveryVersion(), datagram);
  if (!body.ok()) {
    return Violation(absl::StrCat("a datagram sent does not open: ",
                                  body.status().message()));
  }
  absl::StatusOr<Packet> packet =
      DecodePacket(*body, kMaxDatagramBytes, EnvelopeVersionOf(datagram));
  if (!packet.ok()) {
    return Violation(absl::StrCat("a datagram sent does not decode: ",
                                  packet.status().message()));
  }
  return absl::OkStatus();
}

absl::Status CheckStateBounds(absl::string_view node, const StateSizes& sizes,
                              const StateSizes& bounds) {
  for (absl::Status s : {
           CheckTable(node, "members", sizes.members, bounds.members),
           CheckTable(node, "suspicions", sizes.suspicions, bounds.suspicions),
           CheckTable(node, "out-of-turn queue", sizes.out_of_turn,
                      bounds.out_of_turn),
           CheckTable(node, "relays", sizes.relays, bounds.relays),
           CheckTable(node, "fetches", sizes.fetches, bounds.fetches),
           CheckTable(node, "offline members", sizes.offline, bounds.offline),
           CheckTable(node, "gossip queue", sizes.gossip_queue,
                      bounds.gossip_queue),
           CheckTable(node, "gossip backlog", sizes.gossip_backlog,
                      bounds.gossip_backlog),
           CheckTable(node, "state fetches", sizes.state_fetches,
                      bounds.state_fetches),
           CheckTable(node, "state merges", sizes.state_merges,
                      bounds.state_merges),
       }) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckIncarnation(absl::string_view node,
                              const MemberView& member) {
  if (member.incarnation > kMaxAliveIncarnation) {
    return Violation(absl::StrCat(node, " holds ", member.name,
                                  " at incarnation ", member.incarnation,
                                  ", past the ceiling"));
  }
  if (member.metadata_version > SaturatingIncrement(member.incarnation)) {
    return Violation(
        absl::StrCat(node, " holds ", member.name, "'s metadata version ",
                     member.metadata_version, " beyond incarnation ",
                     member.incarnation, " + 1"));
  }
  return absl::OkStatus();
}

absl::Status CheckIncarnations(const Node& node) {
  for (const MemberView& m : node.members().WithStatus(Status::kAll)) {
    if (absl::Status s = CheckIncarnation(node.config().name, m); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAllSeeAllOnline(const std::vector<const Node*>& honest) {
  for (const Node* observer : honest) {
    for (const Node* member : honest) {
      if (observer == member) continue;
      const std::optional<MemberView> view =
          observer->members().Find(member->config().name);
      const Status status = view.has_value() ? view->status : Status::kUnknown;
      if (status != Status::kOnline) {
        return Violation(absl::StrCat(observer->config().name, " holds ",
                                      member->config().name, " ",
                                      StatusName(status), ", not ONLINE"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace swim::testing
