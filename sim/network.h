// The modelled network: what happens to each datagram between two nodes.
//
// Latency: every copy of a datagram takes latency_min plus a jitter drawn
// uniformly from [0, latency_jitter); with probability reorder_ppm it is
// held back a further uniform [0, reorder_delay), which overtakes it with
// later datagrams of the same link. Loss: the global rate, the sender's
// outbound rate, the receiver's inbound rate and the link's rate are
// independent; a datagram survives only if it survives all of them.
// Duplication: with probability duplicate_ppm a second copy is sent, with
// its own jitter. Partitions put nodes in groups that cannot reach each
// other; cuts block one direction of a link; an inbound cut blocks
// everything to a node; a clog holds a link's datagrams until a time and
// then releases them (in their original order, give or take jitter).
//
// With a plane (NetworkParams::plane_spread > 0), latency is no longer
// uniform: each node sits at a random point of a unit square (drawn once
// from the seed) and a datagram takes plane_spread × the distance between
// its ends on top of latency_min, so that network coordinates (Vivaldi)
// have a geometry to learn. Integer arithmetic only.
//
// Every datagram consumes exactly six draws from its sender's stream,
// whatever the rates, so changing one fault does not shift the randomness
// of anything else. Rates are in parts per million (1% = 10000).
//
//   NetworkModel net(/*nodes=*/100, /*seed=*/7, NetworkParams());
//   net.set_loss_ppm(100000);           // 10% everywhere
//   net.Partition({{0, 1, 2}});         // 0..2 apart from the rest
//   Fate fate = net.Decide(now, /*from=*/0, /*to=*/5);
#ifndef SIM_NETWORK_H_
#define SIM_NETWORK_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/sim_time.h"
#include "swim/prng.h"

namespace swim::sim {

inline constexpr uint32_t kPpm = 1000000;

// Why the network dropped a datagram.
enum class DropCause : uint8_t {
  kNone = 0,
  kLoss = 1,
  kPartition = 2,
  kCut = 3,
  kUnknownAddress = 4,
  kNodeDown = 5,    // arrived at a crashed (or not yet started) node
  kNodePaused = 6,  // arrived at a paused node that drops its input
};

absl::string_view DropCauseName(DropCause cause);

struct NetworkParams {
  SimTime latency_min = Microseconds(500);
  SimTime latency_jitter = Milliseconds(1);
  uint32_t loss_ppm = 0;
  uint32_t duplicate_ppm = 0;
  uint32_t reorder_ppm = 0;
  SimTime reorder_delay = Milliseconds(20);
  // One-way latency added across the whole side of the plane; 0: uniform
  // latency (no plane).
  SimTime plane_spread = 0;
};

// What becomes of one datagram.
struct Fate {
  DropCause drop = DropCause::kNone;
  int copies = 0;  // 0 if dropped, 2 if duplicated
  SimTime arrival[2] = {0, 0};
};

class NetworkModel {
 public:
  NetworkModel(int nodes, uint64_t seed, NetworkParams params);

  // Decides the fate of a datagram `from` sends `to` at `now`.
  Fate Decide(SimTime now, uint32_t from, uint32_t to);

  const NetworkParams& params() const { return params_; }
  void set_latency(SimTime min, SimTime jitter);
  void set_loss_ppm(uint32_t ppm) { params_.loss_ppm = ppm; }
  void set_duplicate_ppm(uint32_t ppm) { params_.duplicate_ppm = ppm; }
  void set_reorder(uint32_t ppm, SimTime delay);
  void SetInboundLoss(uint32_t node, uint32_t ppm);
  void SetOutboundLoss(uint32_t node, uint32_t ppm);
  // Directed: only datagrams from `a` to `b`.
  void SetLinkLoss(uint32_t a, uint32_t b, uint32_t ppm);

  // Each listed group becomes its own side; unlisted nodes share one more.
  void Partition(const std::vector<std::vector<uint32_t>>& groups);
  // `node` alone on its side.
  void Isolate(uint32_t node);
  // Back on the main side after Isolate.
  void Rejoin(uint32_t node) { group_[node] = 0; }
  // Blocks datagrams from `a` to `b` (not the reverse).
  void Cut(uint32_t a, uint32_t b);
  void Uncut(uint32_t a, uint32_t b) { cut_.erase(Key(a, b)); }
  // Blocks every datagram to `node` while `on`.
  void SetInboundCut(uint32_t node, bool on);
  // Holds datagrams from `a` to `b` sent before `until`, delivering them
  // from `until` on.
  void Clog(uint32_t a, uint32_t b, SimTime until);
  // Ends partitions, cuts and clogs (loss rates stay).
  void Heal();
  // Heal() and every loss rate, duplication and reordering back to zero.
  void ClearFaults();

  // The latency between `a` and `b` before jitter and reordering (the
  // same both ways): latency_min plus the plane's share.
  SimTime BaseLatency(uint32_t a, uint32_t b) const;
  // The round trip the model means between `a` and `b` on average: both
  // ways' base latency and mean jitter (reordering aside). The ground
  // truth network coordinates are checked against.
  SimTime ModelledRtt(uint32_t a, uint32_t b) const;

  // Whether `node` is in a non-default group, cut, clogged or lossy.
  bool Disturbs(uint32_t node) const;

 private:
  static uint64_t Key(uint32_t a, uint32_t b) {
    return (uint64_t{a} << 32) | b;
  }
  SimTime Latency(SimTime base, uint64_t jitter_draw, uint64_t reorder_draw,
                  uint64_t reorder_delay_draw) const;

  // A node's place on the plane, in 1/kPlaneUnits of its side.
  struct Point {
    uint32_t x = 0;
    uint32_t y = 0;
  };
  static constexpr uint64_t kPlaneUnits = uint64_t{1} << 16;

  NetworkParams params_;
  std::vector<Prng> rng_;  // per sender
  std::vector<Point> place_;
  std::vector<uint32_t> group_;
  std::vector<uint32_t> in_loss_ppm_;
  std::vector<uint32_t> out_loss_ppm_;
  std::vector<uint8_t> inbound_cut_;
  uint32_t next_group_ = 1;
  // Ordered maps keyed by (from, to): small, and never iterated into output.
  std::map<uint64_t, uint32_t> link_loss_ppm_;
  std::map<uint64_t, SimTime> clogged_until_;
  std::map<uint64_t, bool> cut_;
};

}  // namespace swim::sim

#endif  // SIM_NETWORK_H_
