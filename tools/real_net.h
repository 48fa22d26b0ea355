// The network faults of a real run (tools/swim_real), as state with the
// simulator's meaning (sim/network.h: partition sides, isolation, one-way
// cuts, inbound cuts, global, inbound and outbound loss), rendered as one
// nftables table for the run's namespace. Datagrams are dropped on input,
// so a sender never learns of it (an output drop fails sendto with EPERM);
// loss is `numgen random mod 1000000 < ppm`, one independent draw per rule,
// as the simulator's loss rates are independent.
//
//   RealNet net(/*nodes=*/20);
//   net.Partition({{0, 1, 2}});
//   net.set_loss_ppm(100000);
//   std::string rules = net.NftRuleset("127.0.1.", 7946);
//   // ip netns exec NS nft -f - < rules
#ifndef TOOLS_REAL_NET_H_
#define TOOLS_REAL_NET_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace swim::tools {

class RealNet {
 public:
  explicit RealNet(int nodes);

  void set_loss_ppm(uint32_t ppm) { loss_ppm_ = ppm; }
  void SetInboundLoss(uint32_t node, uint32_t ppm) { in_loss_[node] = ppm; }
  void SetOutboundLoss(uint32_t node, uint32_t ppm) { out_loss_[node] = ppm; }
  // Each listed group its own side; unlisted nodes share one more.
  void Partition(const std::vector<std::vector<uint32_t>>& groups);
  void Isolate(uint32_t node) { group_[node] = next_group_++; }
  void Rejoin(uint32_t node) { group_[node] = 0; }
  void Cut(uint32_t a, uint32_t b) { cuts_.insert({a, b}); }
  void Uncut(uint32_t a, uint32_t b) { cuts_.erase({a, b}); }
  void SetInboundCut(uint32_t node, bool on) { inbound_cut_[node] = on; }
  // Partitions and cuts end; loss rates stay.
  void Heal();
  // Heal() and every loss rate back to zero.
  void ClearFaults();
  // As NetworkModel::Disturbs: on a side, cut, or lossy of its own.
  bool Disturbs(uint32_t node) const;

  // The whole table "swimreal" (flushed and rebuilt, atomically under
  // nft -f) for nodes at PREFIX<i+1>:port.
  std::string NftRuleset(const std::string& address_prefix, int port) const;

 private:
  int nodes_;
  uint32_t loss_ppm_ = 0;
  std::vector<uint32_t> in_loss_;
  std::vector<uint32_t> out_loss_;
  std::vector<uint32_t> group_;
  std::vector<uint8_t> inbound_cut_;
  uint32_t next_group_ = 1;
  std::set<std::pair<uint32_t, uint32_t>> cuts_;
};

}  // namespace swim::tools

#endif  // TOOLS_REAL_NET_H_
