// Two simulated processes under one name (Simulator::RestartAs): with the
// default policy every other member keeps the holder at its address and
// counts the conflict; with name_takeover the name moves to the newer
// incarnation, and the holder, still running, takes it back.
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "sim/sim_time.h"
#include "sim/simulator.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/members.h"
#include "swim/status.h"

namespace swim::sim {
namespace {

constexpr int kNodes = 50;
constexpr uint32_t kHolder = 3;
constexpr uint32_t kImpostor = 7;  // restarted under the holder's name

struct Outcome {
  int keep_holder = 0;  // other members holding the name at its address
  int at_impostor = 0;  // ... at the impostor's
  Counters totals;
  uint64_t holder_incarnation = 0;
};

Outcome RunTwoClaimants(bool takeover) {
  SimOptions options;
  options.nodes = kNodes;
  options.seed = 5;
  options.base_config.name_takeover = takeover;
  absl::StatusOr<std::unique_ptr<Simulator>> created =
      Simulator::Create(options);
  EXPECT_TRUE(created.ok()) << created.status();
  Simulator& sim = **created;
  sim.RunUntil(Seconds(20));
  sim.Crash(kImpostor);
  sim.RunUntil(Seconds(21));
  EXPECT_TRUE(sim.RestartAs(kImpostor, kHolder).ok());
  sim.RunUntil(Seconds(81));

  Outcome out;
  const std::string& name = sim.name(kHolder);
  for (uint32_t i = 0; i < kNodes; ++i) {
    if (i == kHolder || i == kImpostor) continue;
    std::optional<MemberView> held = sim.node(i)->members().Find(name);
    if (!held.has_value() || held->status != Status::kOnline) continue;
    if (held->address == sim.address(kHolder)) ++out.keep_holder;
    if (held->address == sim.address(kImpostor)) ++out.at_impostor;
  }
  out.totals = sim.TotalCounters();
  out.holder_incarnation = sim.node(kHolder)->members().local().incarnation;
  // The holder never moves in its own view.
  EXPECT_EQ(sim.node(kHolder)->members().local().address, sim.address(kHolder));
  EXPECT_EQ(sim.node(kImpostor)->members().local().name, name);
  return out;
}

TEST(NameConflictTest, TheHolderKeepsItsNameByDefault) {
  const Outcome out = RunTwoClaimants(/*takeover=*/false);
  EXPECT_EQ(out.keep_holder, kNodes - 2);
  EXPECT_EQ(out.at_impostor, 0);
  EXPECT_GT(out.totals.name_conflicts, 0u);
  EXPECT_EQ(out.totals.address_changes, 0u);
  EXPECT_EQ(out.holder_incarnation, 0u);  // no incarnation race
  std::cout << "keep holder: " << out.totals.name_conflicts
            << " conflicts counted in 60 s\n";
}

TEST(NameConflictTest, UnderTakeoverTheNameChangesHands) {
  const Outcome out = RunTwoClaimants(/*takeover=*/true);
  EXPECT_EQ(out.keep_holder + out.at_impostor, kNodes - 2);
  EXPECT_GT(out.totals.name_conflicts, 0u);
  EXPECT_GT(out.totals.address_changes, 0u);
  EXPECT_GT(out.holder_incarnation, 0u);  // it took its name back
  std::cout << "takeover: " << out.totals.name_conflicts << " conflicts, "
            << out.totals.address_changes << " moves, holder at incarnation "
            << out.holder_incarnation << " after 60 s\n";
}

}  // namespace
}  // namespace swim::sim
