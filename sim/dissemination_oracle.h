// Dissemination: every metadata update, and every user broadcast, reached
// every live node.
//
// Metadata: remembers each update (owner, version) and, at the end, checks
// that every live node other than the owner holds that version or a newer
// one of the owner's metadata. Updates of owners that are no longer live
// are skipped. Run Finish after a liveness phase.
//
// User broadcasts (Node::Broadcast): a node that delivers one twice is a
// violation at once, whatever the faults. FinishUserBroadcasts checks that
// each broadcast made at least kUserBroadcastSettle before the end was
// delivered by every node that was up when it was made and is still live,
// undisturbed (swim::sim::Simulator::Disturbed) since: user broadcasts have
// no anti-entropy to repair what a partition cut off. It also gives the
// figures of the summary: when each broadcast had reached all those nodes.
//
//   DisseminationOracle dissemination;
//   sim->AddObserver(&dissemination);
//   ... run ...
//   dissemination.FinishUserBroadcasts(*sim, end);
#ifndef SIM_DISSEMINATION_ORACLE_H_
#define SIM_DISSEMINATION_ORACLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/oracle.h"

namespace swim::sim {

class DisseminationOracle : public Oracle {
 public:
  static constexpr SimTime kUserBroadcastSettle = Seconds(10);

  // One user broadcast, as FinishUserBroadcasts judged it.
  struct UserBroadcastRecord {
    uint32_t origin = 0;
    std::string key;
    SimTime at = 0;
    bool checked = false;  // made early enough to be judged
    // Every node that had to deliver it did (the origin's live).
    bool reached_all = false;
    // When the last of them delivered it, after `at`; kNever if not all.
    SimTime everywhere_after = kNever;
    std::vector<bool> delivered;  // by node
    std::vector<SimTime> delivered_at;
  };

  absl::string_view name() const override { return "dissemination"; }
  void OnMetadataSet(const Cluster& sim, SimTime now, uint32_t node,
                     uint64_t version) override;
  void OnUserBroadcast(const Cluster& sim, SimTime now, uint32_t node,
                       absl::string_view key) override;
  void OnDelivery(const Cluster& sim, SimTime now, uint32_t node,
                  const Delivery& delivery) override;
  void OnLife(const Cluster& sim, SimTime now, uint32_t node,
              Life life) override;
  void Finish(const Cluster& sim, SimTime now) override;
  void FinishUserBroadcasts(const Cluster& sim, SimTime now);

  const std::vector<UserBroadcastRecord>& user_broadcasts() const {
    return broadcasts_;
  }
  uint64_t user_deliveries() const { return user_deliveries_; }
  uint64_t duplicate_deliveries() const { return duplicates_; }
  uint64_t direct_messages() const { return direct_messages_; }

 private:
  struct Update {
    uint32_t node;
    uint64_t version;
    SimTime at;
  };
  std::vector<Update> updates_;
  std::vector<UserBroadcastRecord> broadcasts_;
  std::map<std::pair<uint32_t, std::string>, size_t> by_key_;
  std::vector<SimTime> started_at_;  // each node's current life, by node
  uint64_t user_deliveries_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t direct_messages_ = 0;
};

}  // namespace swim::sim

#endif  // SIM_DISSEMINATION_ORACLE_H_
