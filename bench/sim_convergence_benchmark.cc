// Convergence benchmark: fixed seeds at N = 100 and N = 1,000 (a join, a
// crash and metadata, a restart wave, detection's tail at 10% loss), figures
// in virtual time (deterministic, so they can be compared exactly), written as
// flat JSON and compared with the committed expectations; a figure that got
// worse by more than the tolerance fails the run, printing old and new.
// Wall-clock throughput is printed, never compared. The scenarios run on
// --threads threads (default 2), which changes nothing but the wall time.
//
//   bazel run //bench:sim_convergence_benchmark --
//     --json=/tmp/sim_bench.json
//     --expect=$PWD/bench/sim_convergence_expected.json   (one line)
// After an intended change, refresh the expectations:
//   bazel run //bench:sim_convergence_benchmark --
//     --json=$PWD/bench/sim_convergence_expected.json
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"

ABSL_FLAG(std::string, json, "", "Write the figures here (flat JSON).");
ABSL_FLAG(std::string, expect, "",
          "Compare with these expected figures; exit 1 on a regression.");
ABSL_FLAG(int, tolerance_percent, 10,
          "A figure may grow by this much (plus 50 ms or 1 unit) before it "
          "counts as a regression.");
ABSL_FLAG(std::vector<std::string>, sizes,
          (std::vector<std::string>{"100", "1000"}), "Cluster sizes to run.");
ABSL_FLAG(int, threads, 2,
          "Scenarios run at once; the figures do not depend on it.");

namespace {

using swim::sim::RunSummary;
using swim::sim::SimTime;

// Every figure in millionths of its unit (integers until printed): "_ms"
// figures in nanoseconds, rates and counts in millionths.
using Figures = std::map<std::string, int64_t>;

// One scenario's summary and the wall time it took (reported, not compared).
struct Measured {
  absl::StatusOr<RunSummary> summary;
  int64_t wall_ns = 0;
};

Measured Run(const std::string& text) {
  Measured out;
  absl::StatusOr<swim::sim::Scenario> sc = swim::sim::ParseScenario(text);
  if (!sc.ok()) {
    out.summary = sc.status();
    return out;
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<swim::sim::RunResult> r =
      swim::sim::RunScenario(*sc, swim::sim::RunOptions());
  out.wall_ns = absl::ToInt64Nanoseconds(absl::Now() - start);
  if (!r.ok()) {
    out.summary = r.status();
    return out;
  }
  out.summary = std::move(r->summary);
  return out;
}

// Runs every text, `threads` at a time (each run is single-threaded and
// shares nothing, so the summaries do not depend on how many run at once),
// from the last: the largest cluster's runs, the longest, start first.
std::vector<Measured> RunAll(const std::vector<std::string>& texts,
                             int threads) {
  std::vector<Measured> results(texts.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      for (size_t k = next++; k < texts.size(); k = next++) {
        const size_t i = texts.size() - 1 - k;
        results[i] = Run(texts[i]);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return results;
}

// Milliseconds in millionths are nanoseconds.
int64_t Micros(SimTime t) { return t < 0 || t == swim::sim::kNever ? -1 : t; }

int64_t Count(uint64_t n) { return static_cast<int64_t>(n) * 1000000; }

// The steady window's bytes per node per second, thousandths -> millionths.
int64_t PerSecond(const RunSummary& s) {
  return static_cast<int64_t>(s.steady_bytes_per_node_second_milli) * 1000;
}

// Detection's tail under loss (issue #14): 24 crashes, 10 s apart, at 10%
// loss in a formed cluster.
std::string LossTailScenario(int n) {
  std::string text = absl::StrCat("name bench-loss-tail\nnodes ", n,
                                  "\nseed 14\nduration 6m\nformed\n"
                                  "loss 10%\n");
  for (int i = 0; i < 24; ++i) {
    absl::StrAppend(&text, "at ", 60 + 10 * i, "s crash ", (7 + 37 * i) % n,
                    "\n");
  }
  return text + "at 5m30s liveness\n";
}

// The scenarios measured at each size, in the order Record reads them.
enum Kind { kJoin, kFaults, kWave, kTail, kKinds };

std::vector<std::string> ScenariosAt(int n) {
  std::vector<std::string> texts(kKinds);
  // The first 20 s of a join from one seed: its traffic per node is what a
  // join storm costs (issue #14).
  texts[kJoin] = absl::StrCat("name bench-join\nnodes ", n,
                              "\nseed 11\nduration 40s\nsteady 0s 20s\n");
  texts[kFaults] =
      absl::StrCat("name bench-faults\nnodes ", n,
                   "\nseed 12\nduration 110s\nsteady 40s 60s\n"
                   "at 60s crash 7\nat 61s metadata 5\nat 62s crash 8\n"
                   "at 63s metadata 9\nat 70s liveness\n");
  // A whole cluster restarted in a wave (sim/restart_wave.h).
  texts[kWave] =
      absl::StrCat("name bench-wave\nnodes ", n,
                   "\nseed 13\nduration 100s\nformed\n"
                   "accuracy-grace 10s\nsteady 20s 70s\n"
                   "at 20s restart-wave {0%..100%} over 20s down 2s..10s\n"
                   "at 50s liveness\n");
  texts[kTail] = LossTailScenario(n);
  return texts;
}

// Writes size n's figures from its runs (indexed by Kind).
void Record(int n, const std::vector<RunSummary>& runs, int64_t wall_ns,
            Figures& figures) {
  const std::string p = absl::StrCat("n", n, ".");
  const RunSummary& join = runs[kJoin];
  const RunSummary& faults = runs[kFaults];
  const RunSummary& wave = runs[kWave];
  const RunSummary& tail = runs[kTail];
  figures[p + "join_convergence_ms"] = Micros(join.convergence);
  figures[p + "join_bytes_per_node_second"] = PerSecond(join);
  figures[p + "first_suspicion_p50_ms"] = Micros(faults.first_suspicion.p50);
  figures[p + "first_held_suspect_p50_ms"] =
      Micros(faults.first_suspicion_raised.p50);
  figures[p + "offline_p50_ms"] = Micros(faults.offline_at_observer.p50);
  figures[p + "offline_p99_ms"] = Micros(faults.offline_at_observer.p99);
  figures[p + "offline_everywhere_max_ms"] =
      Micros(faults.offline_everywhere.max);
  figures[p + "dissemination_p50_ms"] = Micros(faults.dissemination.p50);
  figures[p + "dissemination_p99_ms"] = Micros(faults.dissemination.p99);
  figures[p + "dissemination_max_ms"] = Micros(faults.dissemination.max);
  figures[p + "convergence_after_liveness_ms"] = Micros(faults.convergence);
  // Bytes per node per second in thousandths -> micro-units.
  figures[p + "steady_bytes_per_node_second"] = PerSecond(faults);
  figures[p + "wave_convergence_after_liveness_ms"] = Micros(wave.convergence);
  figures[p + "wave_bytes_per_node_second"] = PerSecond(wave);
  figures[p + "wave_false_offlines"] = Count(wave.false_offlines);
  figures[p + "loss_tail_first_suspicion_p99_ms"] =
      Micros(tail.first_suspicion.p99);
  figures[p + "loss_tail_first_held_suspect_p99_ms"] =
      Micros(tail.first_suspicion_raised.p99);
  figures[p + "loss_tail_offline_everywhere_p99_ms"] =
      Micros(tail.offline_everywhere.p99);
  figures[p + "loss_tail_false_offlines"] = Count(tail.false_offlines);
  figures[p + "loss_tail_false_suspicions"] = Count(tail.false_suspicions);
  figures[p + "violations"] =
      Count(join.violation_count + faults.violation_count +
            wave.violation_count + tail.violation_count);
  std::fprintf(stderr,
               "n=%d: %s + %s simulated in %.2f s wall (reported, not "
               "compared); digests %s %s\n",
               n, swim::sim::FormatSimTime(join.duration).c_str(),
               swim::sim::FormatSimTime(faults.duration).c_str(),
               static_cast<double>(wall_ns) / 1e9, join.digest.c_str(),
               faults.digest.c_str());
}

// Runs every size's scenarios and records their figures; false (having said
// why) if a scenario could not run.
bool MeasureAll(const std::vector<int>& sizes, int threads, Figures& figures) {
  std::vector<std::string> texts;
  for (int n : sizes) {
    for (std::string& text : ScenariosAt(n)) texts.push_back(std::move(text));
  }
  const std::vector<Measured> measured = RunAll(texts, threads);
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::vector<RunSummary> runs;
    int64_t wall_ns = 0;
    for (size_t k = 0; k < kKinds; ++k) {
      const Measured& m = measured[i * kKinds + k];
      if (!m.summary.ok()) {
        std::cerr << m.summary.status() << "\n";
        return false;
      }
      if (!m.summary->ok()) {
        std::cerr << swim::sim::FormatSummaryText(*m.summary);
      }
      runs.push_back(*m.summary);
      wall_ns += m.wall_ns;
    }
    Record(sizes[i], runs, wall_ns, figures);
  }
  return true;
}

std::string Format(int64_t micro) {
  if (micro < 0) return "null";
  return absl::StrFormat("%d.%06d", micro / 1000000, micro % 1000000);
}

std::string ToJson(const Figures& f) {
  std::string out = "{\n";
  size_t i = 0;
  for (const auto& [k, v] : f) {
    absl::StrAppend(&out, "  \"", k, "\": ", Format(v),
                    ++i < f.size() ? ",\n" : "\n");
  }
  return out + "}\n";
}

// Parses the flat JSON written by ToJson.
bool FromJson(const std::string& text, Figures& out) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line == "{" || line == "}") continue;
    absl::ConsumeSuffix(&line, ",");
    std::vector<absl::string_view> kv = absl::StrSplit(line, ": ");
    if (kv.size() != 2) return false;
    absl::string_view key = kv[0];
    if (!absl::ConsumePrefix(&key, "\"") || !absl::ConsumeSuffix(&key, "\"")) {
      return false;
    }
    if (kv[1] == "null") {
      out[std::string(key)] = -1;
      continue;
    }
    std::vector<absl::string_view> parts = absl::StrSplit(kv[1], '.');
    int64_t whole = 0;
    int64_t frac = 0;
    if (parts.size() != 2 || parts[1].size() != 6 ||
        !absl::SimpleAtoi(parts[0], &whole) ||
        !absl::SimpleAtoi(parts[1], &frac)) {
      return false;
    }
    out[std::string(key)] = whole * 1000000 + frac;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs the simulator's convergence benchmark and compares it with the "
      "committed expectations.");
  absl::ParseCommandLine(argc, argv);
  std::vector<int> sizes;
  for (const std::string& size : absl::GetFlag(FLAGS_sizes)) {
    int n = 0;
    if (!absl::SimpleAtoi(size, &n) || n < 2) {
      std::cerr << "bad --sizes entry " << size << "\n";
      return 2;
    }
    sizes.push_back(n);
  }
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 1) {
    std::cerr << "--threads wants a positive number, not " << threads << "\n";
    return 2;
  }
  Figures figures;
  if (!MeasureAll(sizes, threads, figures)) return 2;
  const std::string json = ToJson(figures);
  std::cout << json;
  if (const std::string path = absl::GetFlag(FLAGS_json); !path.empty()) {
    std::ofstream(path) << json;
  }
  const std::string expect = absl::GetFlag(FLAGS_expect);
  if (expect.empty()) return 0;
  std::ifstream in(expect);
  std::stringstream ss;
  ss << in.rdbuf();
  Figures old;
  if (!in || !FromJson(ss.str(), old)) {
    std::cerr << "cannot read expectations from " << expect << "\n";
    return 2;
  }
  const int64_t tolerance = absl::GetFlag(FLAGS_tolerance_percent);
  int regressions = 0;
  std::printf("%-44s %14s %14s\n", "figure (lower is better)", "expected",
              "now");
  for (const auto& [key, now] : figures) {
    auto it = old.find(key);
    const int64_t was = it == old.end() ? -1 : it->second;
    // "ms" figures get 50 ms of slack; counts and rates one unit.
    const int64_t slack =
        key.find("_ms") != std::string::npos ? 50 * 1000000 : 1000000;
    bool regressed = false;
    if (was >= 0 && now < 0) regressed = true;  // no longer measurable
    if (was >= 0 && now >= 0 && now > was + was * tolerance / 100 + slack) {
      regressed = true;
    }
    if (was < 0 && now >= 0 && key.find("violations") != std::string::npos) {
      regressed = now > 0;
    }
    std::printf("%-44s %14s %14s%s\n", key.c_str(), Format(was).c_str(),
                Format(now).c_str(), regressed ? "  REGRESSION" : "");
    if (regressed) ++regressions;
  }
  if (regressions > 0) {
    std::printf(
        "%d regression(s) against %s (tolerance %d%%). If intended, "
        "refresh the file with --json=%s\n",
        regressions, expect.c_str(), static_cast<int>(tolerance),
        expect.c_str());
    return 1;
  }
  std::printf("no regression against %s\n", expect.c_str());
  return 0;
}
