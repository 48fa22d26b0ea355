// What observers and oracles may ask about the nodes of a run: who is up,
// who left, who was disturbed lately, and what each node's member list
// says. The Simulator is one; a runner of real processes
// (tools/real_cluster.h) is another, so that the same metrics and oracles
// judge both.
//
//   void OnLife(const Cluster& c, SimTime now, uint32_t node, Life) {
//     if (const Members* m = c.members(node)) Use(m->Find(c.name(0)));
//   }
#ifndef SIM_CLUSTER_H_
#define SIM_CLUSTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/sim_time.h"
#include "swim/counters.h"
#include "swim/members.h"

namespace swim::sim {

class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual int size() const = 0;
  // Started and not crashed.
  virtual bool IsUp(uint32_t node) const = 0;
  // Up and not left: a member that everyone should see ONLINE.
  virtual bool IsLive(uint32_t node) const = 0;
  virtual bool WasEverCrashed(uint32_t node) const = 0;
  virtual const std::string& name(uint32_t node) const = 0;
  virtual std::optional<uint32_t> IndexOfName(absl::string_view name) const = 0;
  // Whether the node is under a fault now, or was within `grace` before.
  virtual bool Disturbed(uint32_t node, SimTime grace) const = 0;
  // The node's member list; nullptr while the node is down.
  virtual const Members* members(uint32_t node) const = 0;
  // The node's protocol counters; nullptr while it is down, or where they
  // are not known (real processes log events, not datagrams).
  virtual const Counters* counters(uint32_t /*node*/) const { return nullptr; }
};

}  // namespace swim::sim

#endif  // SIM_CLUSTER_H_
