// A consistent, immutable copy of a node's membership, for threads other
// than the adapter's loop.
//
// swim::Members is owned by the loop thread and changes under it; the
// adapter publishes a fresh MembersSnapshot after every change instead, and
// readers hold a shared_ptr to one that never changes (the seed's
// `members` object, frozen in time).
//
//   std::shared_ptr<const MembersSnapshot> view = node->Members();
//   for (const MemberInfo& m : view->members) Print(m.name, m.status);
//   size_t up = view->Count(Status::kAvailable);
//   if (const MemberInfo* b = view->Find("127.0.0.1:2002")) Use(b->metadata);
//
// Pointers from Find, local and WithStatus live as long as the snapshot:
// keep the shared_ptr (not node->Members()->Find(...), a temporary) while
// using them.
#ifndef NET_MEMBER_SNAPSHOT_H_
#define NET_MEMBER_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/members.h"
#include "swim/message.h"
#include "swim/rtt_estimator.h"
#include "swim/status.h"

namespace swim::net {

// One member, copied out of swim::Members.
struct MemberInfo {
  std::string name;
  std::string address;
  Status status = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  uint64_t metadata_version = 0;
  Metadata metadata;
  bool is_local = false;

  static MemberInfo From(const MemberView& view);
};

// One member's round trips as of a query (UdpNode::RoundTrips): they
// change with every probe, so they are asked for, not kept in snapshots.
struct MemberRoundTrip {
  std::string member;
  std::optional<RttEstimate> rtt;           // swim::Node::Rtt
  std::optional<absl::Duration> estimated;  // swim::Node::EstimatedRtt
};

struct MembersSnapshot {
  // Every known member, the local one included, by name.
  std::vector<MemberInfo> members;

  // nullptr if `name` is not known.
  const MemberInfo* Find(absl::string_view name) const;
  // The local member (always present in a snapshot from UdpNode).
  const MemberInfo& local() const;
  // Members whose status is in the flag set `query` (swim/status.h).
  size_t Count(Status query) const;
  std::vector<const MemberInfo*> WithStatus(Status query) const;

  // A snapshot of `members`.
  static MembersSnapshot From(const Members& members);
};

}  // namespace swim::net

#endif  // NET_MEMBER_SNAPSHOT_H_
