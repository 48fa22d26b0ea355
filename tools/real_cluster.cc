#include "tools/real_cluster.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "swim/member_event.h"

namespace swim::tools {

RealCluster::RealCluster(int nodes, const RealNet* net)
    : net_(net), slots_(static_cast<size_t>(nodes)) {
  for (int i = 0; i < nodes; ++i) slots_[i].name = absl::StrCat("n", i);
}

std::optional<uint32_t> RealCluster::IndexOfName(absl::string_view name) const {
  uint32_t index = 0;
  if (name.size() < 2 || name[0] != 'n' ||
      (name[1] == '0' && name.size() > 2) ||
      !absl::SimpleAtoi(name.substr(1), &index) || index >= slots_.size()) {
    return std::nullopt;
  }
  return index;
}

bool RealCluster::Disturbed(uint32_t node, sim::SimTime grace) const {
  const Slot& s = slots_[node];
  if (s.paused) return true;
  if (s.last_disturbed >= 0 && now_ - s.last_disturbed < grace) return true;
  return net_ != nullptr && net_->Disturbs(node);
}

void RealCluster::Start(sim::SimTime now, uint32_t node, bool restart) {
  now_ = now;
  Slot& s = slots_[node];
  if (s.members != nullptr) return;
  // The address is not what the oracles compare; the name is.
  s.members = std::make_unique<Members>(s.name, s.name, 0);
  s.left = false;
  s.paused = false;
  if (restart) MarkDisturbed(node);
  for (sim::SimObserver* o : observers_) {
    o->OnLife(*this, now, node,
              restart ? sim::Life::kRestarted : sim::Life::kStarted);
  }
}

void RealCluster::Crash(sim::SimTime now, uint32_t node) {
  now_ = now;
  Slot& s = slots_[node];
  if (s.members == nullptr) return;
  for (sim::SimObserver* o : observers_) o->BeforeCrash(*this, now, node);
  s.members.reset();
  s.paused = false;
  ++s.crashes;
  MarkDisturbed(node);
  for (sim::SimObserver* o : observers_) {
    o->OnLife(*this, now, node, sim::Life::kCrashed);
  }
}

void RealCluster::Leave(sim::SimTime now, uint32_t node) {
  now_ = now;
  Slot& s = slots_[node];
  if (s.members == nullptr || s.left) return;
  s.left = true;
  for (sim::SimObserver* o : observers_) {
    o->OnLife(*this, now, node, sim::Life::kLeft);
  }
}

void RealCluster::SetPaused(sim::SimTime now, uint32_t node, bool paused) {
  now_ = now;
  slots_[node].paused = paused;
  MarkDisturbed(node);
}

void RealCluster::Record(sim::SimTime now, uint32_t node,
                         const RealRecord& record) {
  now_ = now;
  Members* members = slots_[node].members.get();
  if (members == nullptr) return;  // a record of a life already ended
  if (record.kind == RealRecord::Kind::kStart) {
    // The version it boots with: no update to disseminate.
    members->InstallMetadata(Members::kLocalId,
                             {record.metadata_version, {}, ""});
    return;
  }
  if (record.kind == RealRecord::Kind::kMetadata) {
    members->InstallMetadata(Members::kLocalId,
                             {record.metadata_version, {}, ""});
    for (sim::SimObserver* o : observers_) {
      o->OnMetadataSet(*this, now, node, record.metadata_version);
    }
    return;
  }
  if (record.kind != RealRecord::Kind::kEvent) return;
  const std::optional<uint32_t> member = IndexOfName(record.member);
  if (!member.has_value() || *member == node) return;
  std::optional<uint32_t> id = members->IdOf(record.member);
  if (record.current == Status::kUnknown) {
    if (id.has_value()) members->Forget(*id);
  } else {
    if (!id.has_value()) {
      id = members->Add(record.member, record.member, record.current,
                        record.incarnation);
    }
    members->SetStatus(*id, record.current, record.offline_reason);
    members->mutable_record(*id).incarnation = record.incarnation;
    if (members->HeldMetadataVersion(*id) != record.metadata_version) {
      members->InstallMetadata(*id, {record.metadata_version, {}, ""});
    }
  }
  MemberEvent event;
  event.member = record.member;
  event.previous = record.previous;
  event.current = record.current;
  event.offline_reason = record.offline_reason;
  event.incarnation = record.incarnation;
  for (sim::SimObserver* o : observers_) {
    o->OnMemberEvent(*this, now, node, *member, event);
  }
}

}  // namespace swim::tools
