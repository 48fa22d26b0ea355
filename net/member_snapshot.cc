#include "net/member_snapshot.h"

#include <algorithm>
#include <string>
#include <vector>

#include "swim/members.h"
#include "swim/status.h"

namespace swim::net {

MemberInfo MemberInfo::From(const MemberView& view) {
  MemberInfo info;
  info.name = std::string(view.name);
  info.address = std::string(view.address);
  info.status = view.status;
  info.offline_reason = view.offline_reason;
  info.incarnation = view.incarnation;
  info.metadata_version = view.metadata_version;
  if (view.metadata != nullptr) info.metadata = *view.metadata;
  info.is_local = view.is_local;
  return info;
}

const MemberInfo* MembersSnapshot::Find(absl::string_view name) const {
  auto it = std::lower_bound(
      members.begin(), members.end(), name,
      [](const MemberInfo& m, absl::string_view n) { return m.name < n; });
  if (it == members.end() || it->name != name) return nullptr;
  return &*it;
}

const MemberInfo& MembersSnapshot::local() const {
  for (const MemberInfo& m : members) {
    if (m.is_local) return m;
  }
  static const MemberInfo* const kNone = new MemberInfo();
  return *kNone;
}

size_t MembersSnapshot::Count(Status query) const {
  size_t count = 0;
  for (const MemberInfo& m : members) count += Matches(m.status, query);
  return count;
}

std::vector<const MemberInfo*> MembersSnapshot::WithStatus(Status query) const {
  std::vector<const MemberInfo*> result;
  for (const MemberInfo& m : members) {
    if (Matches(m.status, query)) result.push_back(&m);
  }
  return result;
}

MembersSnapshot MembersSnapshot::From(const Members& members) {
  MembersSnapshot snapshot;
  std::vector<MemberView> views = members.WithStatus(Status::kAll);
  snapshot.members.reserve(views.size());
  for (const MemberView& view : views) {
    snapshot.members.push_back(MemberInfo::From(view));
  }
  // WithStatus sorts by name already; keep Find's invariant regardless.
  std::sort(
      snapshot.members.begin(), snapshot.members.end(),
      [](const MemberInfo& a, const MemberInfo& b) { return a.name < b.name; });
  return snapshot;
}

}  // namespace swim::net
