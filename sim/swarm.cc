#include "sim/swarm.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/sim_time.h"
#include "swim/prng.h"

namespace swim::sim {
namespace {

// Durations print as whole milliseconds, which parse back exactly.
std::string Ms(uint64_t ms) { return absl::StrCat(ms, "ms"); }

// A percentage with up to four decimals from parts per million.
std::string Pct(uint64_t ppm) {
  std::string s = absl::StrCat(ppm / 10000);
  if (ppm % 10000 != 0) {
    std::string frac = absl::StrCat(10000 + ppm % 10000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    absl::StrAppend(&s, ".", frac);
  }
  return absl::StrCat(s, "%");
}

// A restart wave of every node but the seed peers, down for up to
// `down_ms`, if it ends with time to spare before the liveness phase.
bool AppendWave(uint64_t down_ms, int nodes, uint64_t at, uint64_t d,
                uint64_t liveness_at, const std::string& when,
                std::string* out) {
  if (at + d + down_ms + 1000 >= liveness_at || nodes <= 4) return false;
  absl::StrAppend(out, when, "restart-wave {3..", nodes - 1, "} over ", Ms(d),
                  " down 1000ms..", Ms(down_ms), "\n");
  return true;
}

// Every draw is its own statement: the order in which a compiler evaluates
// function arguments is unspecified, and g++ and clang differ.
//
// Appends one fault of a swarm scenario, starting `at` (ms) and lasting `d`
// (ms), with the draws it needs, ending before `liveness_at` (ms) where it
// must; `crashed` holds the nodes crashed so far.
template <typename Between, typename NodeDraw>
void AppendFault(Prng& rng, Between& between, NodeDraw& node, int nodes,
                 uint64_t at, uint64_t d, uint64_t liveness_at,
                 const std::string& when, std::vector<uint64_t>* crashed,
                 std::string* out) {
  switch (rng.Uniform(12)) {
    case 0: {
      const uint64_t split = between(1, 99);
      absl::StrAppend(out, when, "partition {0%..", split, "%} {", split,
                      "%..100%} for ", Ms(d), "\n");
      break;
    }
    case 1:
      absl::StrAppend(out, when, "isolate ", node(), " for ", Ms(d), "\n");
      break;
    case 2: {
      const uint64_t from = node();
      const uint64_t to = node();
      absl::StrAppend(out, when, "cut ", from, " -> ", to, " for ", Ms(d),
                      "\n");
      break;
    }
    case 3: {
      const uint64_t from = node();
      const uint64_t to = node();
      absl::StrAppend(out, when, "clog ", from, " -> ", to, " for ", Ms(d),
                      "\n");
      break;
    }
    case 4: {
      const bool in = rng.Bernoulli(1, 2);
      const uint64_t victim = node();
      const uint64_t ppm = between(100000, 900000);
      absl::StrAppend(out, when, "loss ", in ? "in " : "out ", victim, " ",
                      Pct(ppm), " for ", Ms(d), "\n");
      break;
    }
    case 5: {
      const uint64_t victim = node();
      if (crashed->size() * 3 >= static_cast<uint64_t>(nodes)) break;
      crashed->push_back(victim);
      absl::StrAppend(out, when, "crash ", victim, "\n");
      if (rng.Bernoulli(1, 2)) {
        absl::StrAppend(out, "at ", Ms(at + d), " restart ", victim, "\n");
      }
      break;
    }
    case 6: {
      const uint64_t victim = node();
      const uint64_t pause_ms = between(500, 20000);
      const bool drop = rng.Bernoulli(1, 2);
      absl::StrAppend(out, when, "pause ", victim, " for ", Ms(pause_ms),
                      drop ? " drop" : "", "\n");
      break;
    }
    case 7: {
      const uint64_t victim = node();
      absl::StrAppend(out, when, "slow ", victim, " ", Ms(between(1, 50)),
                      " for ", Ms(d), "\n");
      break;
    }
    case 8: {
      const uint64_t victim = node();
      const bool faster = rng.Bernoulli(1, 2);
      const uint64_t ppm = between(10000, 200000);
      absl::StrAppend(out, when, "drift ", victim, faster ? " +" : " -",
                      Pct(ppm), " for ", Ms(d), "\n");
      break;
    }
    case 9:
      absl::StrAppend(out, when, "cut-inbound ", node(), " for ", Ms(d), "\n");
      break;
    case 10:
      if (AppendWave(between(1000, 10000), nodes, at, d, liveness_at, when,
                     out)) {
        break;
      }
      [[fallthrough]];
    default:
      absl::StrAppend(out, when, "metadata ",
                      rng.Uniform(static_cast<uint64_t>(nodes)), "\n");
      break;
  }
}

}  // namespace

std::string SwarmScenarioText(uint64_t seed, int max_nodes) {
  Prng rng = Stream(seed, kSwarmStream, 0);
  auto between = [&](uint64_t lo, uint64_t hi) {  // inclusive
    return lo + rng.Uniform(hi - lo + 1);
  };
  const int lo_nodes = std::min(8, std::max(max_nodes, 2));
  const int nodes = static_cast<int>(
      between(static_cast<uint64_t>(lo_nodes),
              static_cast<uint64_t>(std::max(max_nodes, lo_nodes))));
  // Nodes 0..2 are the seed peers of restarted nodes: never crashed.
  const uint64_t first_victim = nodes > 4 ? 3 : 1;
  auto node = [&]() {
    return first_victim +
           rng.Uniform(static_cast<uint64_t>(nodes) - first_victim);
  };
  const uint64_t safety_ms = between(60, 180) * 1000;
  const uint64_t liveness_ms = uint64_t{180} * 1000;

  std::string out;
  absl::StrAppend(&out, "# swarm seed ", seed, "\n");
  absl::StrAppend(&out, "name swarm-", seed, "\n");
  absl::StrAppend(&out, "nodes ", nodes, "\n");
  absl::StrAppend(&out, "seed ", seed, "\n");
  absl::StrAppend(&out, "duration ", Ms(safety_ms + liveness_ms), "\n");
  absl::StrAppend(&out, "spread ", Ms(between(0, 5000)), "\n");
  const uint64_t latency_us = between(50, 5000);
  const uint64_t jitter_us = between(0, 5000);
  absl::StrAppend(&out, "latency ", latency_us, "us ", jitter_us, "us\n");
  // Up to the 10% of the project's targets.
  static constexpr uint64_t kLoss[] = {0, 0, 10000, 20000, 50000, 100000};
  absl::StrAppend(&out, "loss ", Pct(kLoss[rng.Uniform(6)]), "\n");
  if (rng.Bernoulli(1, 3)) {
    absl::StrAppend(&out, "duplicate ", Pct(between(1, 50000)), "\n");
  }
  if (rng.Bernoulli(1, 3)) {
    const uint64_t ppm = between(1, 100000);
    const uint64_t delay_ms = between(1, 100);
    absl::StrAppend(&out, "reorder ", Pct(ppm), " ", Ms(delay_ms), "\n");
  }
  absl::StrAppend(&out, "completeness-bound 90s\n");
  absl::StrAppend(&out, "accuracy-grace 120s\n");

  const int faults = static_cast<int>(between(1, 10));
  std::vector<uint64_t> crashed;
  for (int f = 0; f < faults; ++f) {
    const uint64_t at = between(5000, safety_ms - 1000);
    const std::string when = absl::StrCat("at ", Ms(at), " ");
    const uint64_t d = between(1000, 40000);
    AppendFault(rng, between, node, nodes, at, d, safety_ms, when, &crashed,
                &out);
  }
  // An update during the liveness phase must reach everyone.
  absl::StrAppend(&out, "at ", Ms(safety_ms), " liveness\n");
  absl::StrAppend(&out, "at ", Ms(safety_ms + 1000), " metadata ",
                  rng.Uniform(static_cast<uint64_t>(nodes)), "\n");
  return out;
}

}  // namespace swim::sim
