#include "sim/dissemination_oracle.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "sim/cluster.h"
#include "swim/members.h"

namespace swim::sim {

void DisseminationOracle::OnMetadataSet(const Cluster& /*sim*/, SimTime now,
                                        uint32_t node, uint64_t version) {
  updates_.push_back(Update{node, version, now});
}

void DisseminationOracle::Finish(const Cluster& sim, SimTime now) {
  for (const Update& u : updates_) {
    if (!sim.IsLive(u.node)) continue;
    std::vector<std::string> missing;
    for (uint32_t o = 0; o < static_cast<uint32_t>(sim.size()); ++o) {
      if (o == u.node || !sim.IsLive(o)) continue;
      std::optional<MemberView> v = sim.members(o)->Find(sim.name(u.node));
      if (!v.has_value() || v->metadata_version < u.version) {
        missing.push_back(sim.name(o));
      }
    }
    if (!missing.empty()) {
      Report(now, absl::StrCat(
                      "metadata v", u.version, " of ", sim.name(u.node),
                      " (set at ", FormatSimTime(u.at), ") never reached ",
                      missing.size(), " live node(s): ", ListSome(missing)));
    }
  }
}

void DisseminationOracle::OnLife(const Cluster& sim, SimTime now, uint32_t node,
                                 Life life) {
  if (life != Life::kStarted && life != Life::kRestarted) return;
  if (started_at_.size() < static_cast<size_t>(sim.size())) {
    started_at_.resize(static_cast<size_t>(sim.size()), kNever);
  }
  started_at_[node] = now;
}

void DisseminationOracle::OnUserBroadcast(const Cluster& sim, SimTime now,
                                          uint32_t node,
                                          absl::string_view key) {
  UserBroadcastRecord record;
  record.origin = node;
  record.key = std::string(key);
  record.at = now;
  record.delivered.assign(static_cast<size_t>(sim.size()), false);
  record.delivered_at.assign(static_cast<size_t>(sim.size()), kNever);
  by_key_[{node, record.key}] = broadcasts_.size();
  broadcasts_.push_back(std::move(record));
}

void DisseminationOracle::OnDelivery(const Cluster& sim, SimTime now,
                                     uint32_t node, const Delivery& delivery) {
  if (delivery.kind == Delivery::Kind::kDirect) {
    ++direct_messages_;
    return;
  }
  ++user_deliveries_;
  const std::optional<uint32_t> origin = sim.IndexOfName(delivery.from);
  if (!origin.has_value()) return;
  auto it = by_key_.find({*origin, delivery.key});
  if (it == by_key_.end()) return;
  UserBroadcastRecord& record = broadcasts_[it->second];
  if (record.delivered[node]) {
    ++duplicates_;
    Report(now, absl::StrCat("user broadcast ", record.key, " of ",
                             sim.name(record.origin), " delivered twice at ",
                             sim.name(node)));
    return;
  }
  record.delivered[node] = true;
  record.delivered_at[node] = now;
}

void DisseminationOracle::FinishUserBroadcasts(const Cluster& sim,
                                               SimTime now) {
  for (UserBroadcastRecord& b : broadcasts_) {
    if (now - b.at < kUserBroadcastSettle || !sim.IsLive(b.origin)) continue;
    b.checked = true;
    std::vector<std::string> missing;
    SimTime last = b.at;
    for (uint32_t o = 0; o < static_cast<uint32_t>(sim.size()); ++o) {
      const bool up_since = o < started_at_.size() && started_at_[o] < b.at;
      // Disturbed at or after the broadcast (faults in force then are
      // marked again when they end).
      if (o == b.origin || !sim.IsLive(o) || !up_since ||
          sim.Disturbed(o, now - b.at + 1)) {
        continue;
      }
      if (!b.delivered[o]) {
        missing.push_back(sim.name(o));
      } else {
        last = std::max(last, b.delivered_at[o]);
      }
    }
    b.reached_all = missing.empty();
    if (b.reached_all) {
      b.everywhere_after = last - b.at;
      continue;
    }
    Report(now,
           absl::StrCat("user broadcast ", b.key, " of ", sim.name(b.origin),
                        " (at ", FormatSimTime(b.at), ") never reached ",
                        missing.size(), " live node(s): ", ListSome(missing)));
  }
}

}  // namespace swim::sim
