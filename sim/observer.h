// Hooks through which metrics and oracles watch a simulation.
//
// The simulator (or tools/swim_real's real cluster) calls every registered
// observer, in registration order, for each datagram sent, each membership
// event a node reports, and each change of a node's life (start, crash,
// restart, leave). Observers only read; they must not change the simulation.
//
//   class CountSends : public SimObserver {
//     void OnSend(SimTime, uint32_t, uint32_t, size_t) override { ++n; }
//     int n = 0;
//   };
//   sim.AddObserver(&counter);
#ifndef SIM_OBSERVER_H_
#define SIM_OBSERVER_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "sim/cluster.h"
#include "sim/sim_time.h"
#include "swim/delivery.h"
#include "swim/node.h"

namespace swim::sim {

class Cluster;

enum class Life : uint8_t {
  kStarted,    // first boot
  kCrashed,    // state lost
  kRestarted,  // fresh state under the same name
  kLeft,       // left gracefully (still running, but no longer a member)
};

class SimObserver {
 public:
  virtual ~SimObserver() = default;
  // `member` is the node index of event.member (every member is a node).
  virtual void OnMemberEvent(const Cluster& /*sim*/, SimTime /*now*/,
                             uint32_t /*observer*/, uint32_t /*member*/,
                             const MemberEvent& /*event*/) {}
  // A datagram left `from`, whatever the network then does with it.
  virtual void OnSend(const Cluster& /*sim*/, SimTime /*now*/,
                      uint32_t /*from*/, uint32_t /*to*/, size_t /*bytes*/) {}
  // Called after the change took effect.
  virtual void OnLife(const Cluster& /*sim*/, SimTime /*now*/,
                      uint32_t /*node*/, Life /*life*/) {}
  // Called before the change takes effect (the node's state is still
  // there to read).
  virtual void BeforeCrash(const Cluster& /*sim*/, SimTime /*now*/,
                           uint32_t /*node*/) {}
  // The node replaced its metadata; `version` is the one it now announces.
  virtual void OnMetadataSet(const Cluster& /*sim*/, SimTime /*now*/,
                             uint32_t /*node*/, uint64_t /*version*/) {}
  // The node broadcast under `key` (Node::Broadcast accepted it).
  virtual void OnUserBroadcast(const Cluster& /*sim*/, SimTime /*now*/,
                               uint32_t /*node*/, absl::string_view /*key*/) {}
  // The node handled an input or a timer, and its transmits and events
  // were drained: its state (Cluster::members) may be read.
  virtual void AfterStep(const Cluster& /*sim*/, SimTime /*now*/,
                         uint32_t /*node*/) {}
  // The node delivered a broadcast or a direct message to its application.
  virtual void OnDelivery(const Cluster& /*sim*/, SimTime /*now*/,
                          uint32_t /*node*/, const Delivery& /*delivery*/) {}
};

}  // namespace swim::sim

#endif  // SIM_OBSERVER_H_
