#include "sim/fault_bands.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario.h"

namespace swim::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Band {
  std::string kind;
  int64_t from_s;
  int64_t until_s;
  std::string label;
  bool operator==(const Band& o) const {
    return kind == o.kind && from_s == o.from_s && until_s == o.until_s &&
           label == o.label;
  }
};

void PrintTo(const Band& b, std::ostream* os) {
  *os << b.kind << " [" << b.from_s << ", " << b.until_s << ") " << b.label;
}

std::vector<Band> BandsOf(const std::string& text, int nodes = 20) {
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  EXPECT_TRUE(sc.ok()) << sc.status();
  if (!sc.ok()) return {};
  std::vector<Band> out;
  for (const FaultBand& b : FaultBands(*sc, nodes)) {
    out.push_back({std::string(FaultKindName(b.kind)), b.from / Seconds(1),
                   b.until / Seconds(1), b.label});
  }
  return out;
}

TEST(FaultBandsTest, EachFaultFromItsStartToItsEnd) {
  EXPECT_THAT(
      BandsOf("duration 4m\n"
              "at 25s partition {0%..50%} {50%..100%} for 10s\n"
              "at 40s isolate 5 for 8s\n"
              "at 50s cut 6 -> 7 for 10s\n"
              "at 55s clog 8 -> 9 for 5s\n"
              "at 60s loss in 10 30% for 20s\n"
              "at 70s crash 14\n"
              "at 75s pause 15 for 6s\n"
              "at 85s slow 17 20ms for 15s\n"
              "at 100s crash 12\n"
              "at 110s restart 12\n"
              "at 150s liveness\n"),
      ElementsAre(Band{"partition", 25, 35, "partition {0%..50%} {50%..100%}"},
                  Band{"partition", 40, 48, "isolate 5"},
                  Band{"partition", 50, 60, "cut 6 -> 7"},
                  Band{"partition", 55, 60, "clog 8 -> 9"},
                  Band{"loss", 60, 80, "loss in 10 30%"},
                  Band{"crash", 70, 240, "crash 14"},  // never restarted
                  Band{"pause", 75, 81, "pause 15"},
                  Band{"slow", 85, 100, "slow 17 20ms"},
                  Band{"crash", 100, 110, "crash 12"},
                  Band{"liveness", 150, 240, "liveness"}));
}

TEST(FaultBandsTest, HealAndLivenessEndOpenFaults) {
  EXPECT_THAT(
      BandsOf("duration 2m\n"
              "at 10s partition {0..9} {10..19}\n"
              "at 20s cut-inbound 3\n"
              "at 30s heal\n"
              "at 40s loss 10%\n"
              "at 50s loss out {1,2} 50%\n"
              "at 60s pause 4 for 30s\n"
              "at 70s liveness\n"),
      ElementsAre(Band{"partition", 10, 30, "partition {0..9} {10..19}"},
                  Band{"partition", 20, 30, "cut-inbound 3"},
                  Band{"loss", 40, 70, "loss 10%"},
                  Band{"loss", 50, 70, "loss out {1,2} 50%"},
                  Band{"pause", 60, 70, "pause 4"},
                  Band{"liveness", 70, 120, "liveness"}));
}

TEST(FaultBandsTest, ExplicitUndosMatchTheirFault) {
  EXPECT_THAT(BandsOf("duration 2m\n"
                      "at 10s isolate 3\n"
                      "at 10s isolate 4\n"
                      "at 20s rejoin 4\n"
                      "at 30s rejoin 3\n"
                      "at 40s loss 5%\n"
                      "at 50s loss 20%\n"
                      "at 60s loss 0%\n"
                      "at 70s crash {2..5}\n"
                      "at 80s restart 4\n"),
              ElementsAre(Band{"partition", 10, 30, "isolate 3"},
                          Band{"partition", 10, 20, "isolate 4"},
                          Band{"loss", 40, 50, "loss 5%"},
                          Band{"loss", 50, 60, "loss 20%"},
                          Band{"crash", 70, 80, "crash {2..5}"}));
}

TEST(FaultBandsTest, RepeatedFaultsGiveOneBandEach) {
  const std::vector<Band> bands = BandsOf(
      "duration 4m\n"
      "every 40s from 20s until 150s cut-inbound {2,3} for 20s\n");
  EXPECT_THAT(bands,
              ElementsAre(Band{"partition", 20, 40, "cut-inbound {2,3}"},
                          Band{"partition", 60, 80, "cut-inbound {2,3}"},
                          Band{"partition", 100, 120, "cut-inbound {2,3}"},
                          Band{"partition", 140, 160, "cut-inbound {2,3}"}));
}

TEST(FaultBandsTest, NoFaultsNoBands) {
  EXPECT_THAT(BandsOf("duration 1m\nat 10s metadata 3\n"), IsEmpty());
}

TEST(PartitionSidesTest, DistinctSidesInOrder) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "at 10s partition {0%..50%} {50%..100%} for 5s\n"
      "at 30s partition {0%..50%} {50%..100%} for 5s\n"
      "at 50s partition {0..2} {3..9}\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  const std::vector<Metrics::GroupSpec> sides = PartitionSides(*sc, 10);
  ASSERT_EQ(sides.size(), 4u);
  EXPECT_EQ(sides[0].name, "{0%..50%}");
  EXPECT_THAT(sides[0].nodes, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(sides[1].name, "{50%..100%}");
  EXPECT_THAT(sides[1].nodes, ElementsAre(5, 6, 7, 8, 9));
  EXPECT_EQ(sides[2].name, "{0..2}");
  EXPECT_EQ(sides[3].name, "{3..9}");
  EXPECT_EQ(PartitionSides(*sc, 10, /*max=*/2).size(), 2u);
}

TEST(LastFaultChangeTest, TheLatestCrashOrFaultEndBeforeTheLiveness) {
  auto last = [](const std::string& text) {
    absl::StatusOr<Scenario> sc = ParseScenario(text);
    EXPECT_TRUE(sc.ok()) << sc.status();
    return LastFaultChange(FaultBands(*sc, 30), sc->liveness_at());
  };
  // The heal, not the partition's start nor the liveness.
  EXPECT_EQ(last("duration 60s\nat 15s partition {0%..50%} {50%..100%}\n"
                 "at 30s heal\nat 35s liveness\n"),
            Seconds(30));
  // The resume of a pause.
  EXPECT_EQ(last("duration 50s\nat 15s pause 4 for 8s\nat 35s liveness\n"),
            Seconds(23));
  // The later crash; a loss still on counts as ending at the liveness.
  EXPECT_EQ(last("duration 60s\nat 20s crash 7\nat 30s crash 21\n"
                 "at 45s liveness\n"),
            Seconds(30));
  EXPECT_EQ(
      last("duration 60s\nat 5s loss 10%\nat 20s crash 7\nat 45s liveness\n"),
      Seconds(45));
  EXPECT_EQ(last("duration 60s\nat 45s liveness\n"), 0);
}

}  // namespace
}  // namespace swim::sim
