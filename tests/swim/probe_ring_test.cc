// The probe ring: every member probed once per slot while views agree, on
// a grid of absolute time, with monitors redrawn every rotation.
#include "swim/probe_ring.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/members.h"

namespace swim {
namespace {

constexpr absl::Duration kInterval = absl::Seconds(1);
constexpr int64_t kMonitors = 4;

std::string NameOf(int i) { return absl::StrCat("node-", i); }

// One node's table and ring; the others are added in an order of the
// node's own, so that ids differ from node to node.
struct View {
  View(int local, int nodes, int monitors = static_cast<int>(kMonitors))
      : members(NameOf(local), absl::StrCat(NameOf(local), ":7946"), 1),
        ring(NameOf(local), kInterval, monitors) {
    for (int k = 1; k < nodes; ++k) {
      const int other = (local + (local % 2 == 0 ? k : nodes - k)) % nodes;
      const uint32_t id =
          members.Add(NameOf(other), absl::StrCat(NameOf(other), ":7946"),
                      Status::kOnline, 1);
      ring.Add(members, id);
    }
  }
  std::optional<std::string> Target(int64_t slot) {
    std::optional<uint32_t> id = ring.TargetFor(members, slot);
    if (!id.has_value()) return std::nullopt;
    return std::string(members.NameOf(*id));
  }
  Members members;
  ProbeRing ring;
};

std::vector<std::unique_ptr<View>> Cluster(int nodes) {
  std::vector<std::unique_ptr<View>> views;
  views.reserve(static_cast<size_t>(nodes));
  for (int i = 0; i < nodes; ++i)
    views.push_back(std::make_unique<View>(i, nodes));
  return views;
}

TEST(ProbeRingTest, EveryMemberIsProbedOncePerSlotWhileViewsAgree) {
  std::vector<std::unique_ptr<View>> views = Cluster(50);
  for (int64_t slot = 1000; slot < 1000 + 5 * kMonitors; ++slot) {
    std::vector<int> probes(50, 0);
    for (auto& view : views) {
      std::optional<std::string> target = view->Target(slot);
      ASSERT_TRUE(target.has_value());
      ++probes[std::stoi(target->substr(5))];
    }
    for (int i = 0; i < 50; ++i) {
      EXPECT_EQ(probes[i], 1) << "member " << i << " in slot " << slot;
    }
  }
}

TEST(ProbeRingTest, MonitorsAreRedrawnEveryRotation) {
  std::vector<std::unique_ptr<View>> views = Cluster(50);
  std::set<std::string> monitors_of_node_0;
  for (int64_t slot = 0; slot < 10 * kMonitors; ++slot) {
    for (int i = 0; i < 50; ++i) {
      if (views[i]->Target(slot) == NameOf(0)) {
        monitors_of_node_0.insert(NameOf(i));
      }
    }
  }
  // Ten rotations of four monitors each, from 49 candidates: a fixed ring
  // would give exactly four.
  EXPECT_GT(monitors_of_node_0.size(), 20u);
}

TEST(ProbeRingTest, SlotsFollowAnAbsoluteGridInTheFirstHalfOfEachInterval) {
  ProbeRing ring("node-1", kInterval, static_cast<int>(kMonitors));
  const absl::Time t =
      absl::FromUnixSeconds(1735689600) + absl::Milliseconds(1);
  const int64_t slot = ring.FirstSlotAtOrAfter(t);
  EXPECT_GE(ring.ProbeTime(slot), t);
  EXPECT_LT(ring.ProbeTime(slot - 1), t);
  EXPECT_EQ(ring.ProbeTime(slot + 1) - ring.ProbeTime(slot), kInterval);
  EXPECT_EQ(ring.FirstSlotAtOrAfter(ring.ProbeTime(slot)), slot);
  const absl::Duration phase =
      ring.ProbeTime(slot) - (absl::UnixEpoch() + slot * kInterval);
  EXPECT_GE(phase, absl::ZeroDuration());
  EXPECT_LT(phase, kInterval / 2);
  // The phase depends only on the name: another instance agrees.
  ProbeRing again("node-1", kInterval, static_cast<int>(kMonitors));
  EXPECT_EQ(again.ProbeTime(slot), ring.ProbeTime(slot));
  // Before 1970 as well (tests start clocks anywhere).
  const int64_t early =
      ring.FirstSlotAtOrAfter(absl::UnixEpoch() - absl::Milliseconds(2500));
  EXPECT_GE(ring.ProbeTime(early),
            absl::UnixEpoch() - absl::Milliseconds(2500));
  EXPECT_LT(ring.ProbeTime(early - 1),
            absl::UnixEpoch() - absl::Milliseconds(2500));
}

TEST(ProbeRingTest, FewerMembersThanMonitorsWrapAround) {
  View view(0, 3);
  std::set<std::string> targets;
  for (int64_t slot = 0; slot < kMonitors; ++slot) {
    std::optional<std::string> target = view.Target(slot);
    ASSERT_TRUE(target.has_value());
    targets.insert(*target);
  }
  EXPECT_EQ(targets, (std::set<std::string>{NameOf(1), NameOf(2)}));
}

TEST(ProbeRingTest, AMemberThatLeftTheRingIsNotProbed) {
  View view(0, 10);
  const int64_t slot = 40;
  std::optional<std::string> target = view.Target(slot);
  ASSERT_TRUE(target.has_value());
  const uint32_t id = *view.members.IdOf(*target);
  view.members.SetStatus(id, Status::kOffline, OfflineReason::kFailed);
  EXPECT_EQ(view.Target(slot), std::nullopt);
  // The next rotation is drawn without it.
  for (int64_t later = slot + kMonitors; later < slot + 2 * kMonitors;
       ++later) {
    EXPECT_NE(view.Target(later), *target);
  }
}

// The successors are the nearest members still available, however many
// of the nearest are not: a ring of 12 monitors in the same rotation (its
// slots 12r..12r+11, ours 4r..4r+3) lists the 12 nearest in order.
TEST(ProbeRingTest, SuccessorsAreTheNearestAvailableWhateverIsOffline) {
  constexpr int kNodes = 200;
  constexpr int64_t kRotation = 31;
  View wide(0, kNodes, 12);
  std::vector<std::string> nearest;
  for (int64_t slot = 12 * kRotation; slot < 12 * (kRotation + 1); ++slot) {
    std::optional<std::string> target = wide.Target(slot);
    ASSERT_TRUE(target.has_value());
    nearest.push_back(*target);
  }
  // A few of the nearest offline, then more than the spare candidates
  // (the first of them forgotten: its id no longer in use).
  const std::vector<std::vector<int>> offline_sets = {{0, 2},
                                                      {0, 2, 3, 5, 6, 7}};
  for (const std::vector<int>& offline : offline_sets) {
    View view(0, kNodes);
    std::vector<std::string> expected = nearest;
    for (auto it = offline.rbegin(); it != offline.rend(); ++it) {
      const uint32_t id = *view.members.IdOf(nearest[*it]);
      view.members.SetStatus(id, Status::kOffline, OfflineReason::kFailed);
      if (*it == 0) view.members.Forget(id);
      expected.erase(expected.begin() + *it);
    }
    for (int64_t k = 0; k < kMonitors; ++k) {
      EXPECT_EQ(view.Target(kMonitors * kRotation + k), expected[k])
          << "offline " << offline.size() << ", slot " << k;
    }
  }
}

TEST(ProbeRingTest, AnEmptyRingHasNoTarget) {
  View view(0, 1);
  EXPECT_EQ(view.Target(7), std::nullopt);
}

}  // namespace
}  // namespace swim
