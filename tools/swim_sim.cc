// swim_sim: runs the deterministic simulator (//sim) from the command line.
//
//   bazel run //tools:swim_sim                       # the default run
//   bazel run //tools:swim_sim -- --nodes=200 --loss=10% --duration=10m
//   bazel run //tools:swim_sim -- --scenario=$PWD/sim/scenarios/partition.txt
//   bazel run //tools:swim_sim -- --swarm=100 --seed=1   # 100 random plans
//   bazel run //tools:swim_sim -- --json=/tmp/run.json --report=/tmp/run.html
//
// Prints a summary and the run's digest; exits 1 if an oracle reported a
// violation (after printing the one-line command that replays the run),
// 2 on bad arguments. This file is the only place that reads the wall
// clock (for the wall-time figures, never for the simulation).
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/html_report.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"
#include "sim/swarm.h"
#include "sim/wording.h"
#include "swim/config.h"
#include "swim/config_knobs.h"
#include "tools/help.h"
#include "tools/user_files.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::optional<int>, nodes, std::nullopt,
          "Number of simulated nodes. Default: the scenario's (1000 for the "
          "default run; the largest swarm size, 64, with --swarm).");
ABSL_FLAG(std::optional<uint64_t>, seed, std::nullopt,
          "The seed that decides the whole run (node seeds, latencies, "
          "losses, start times). Default: the scenario's, else 1. With "
          "--swarm, the first swarm seed.");
ABSL_FLAG(std::optional<absl::Duration>, duration, std::nullopt,
          "Simulated time to run, e.g. 90s, 10m, 1h. Default: the "
          "scenario's (2m for the default run).");
ABSL_FLAG(std::string, loss, "",
          "Global datagram loss from the start, e.g. 10% or 0.5%. Default: "
          "the scenario's (none).");
ABSL_FLAG(std::string, latency, "",
          "Minimum one-way latency, e.g. 500us or 2ms. Each datagram takes "
          "the minimum plus a uniform jitter in [0, --jitter). Default: the "
          "scenario's (500us).");
ABSL_FLAG(std::string, jitter, "",
          "Width of the uniform latency jitter, e.g. 1ms. Default: the "
          "scenario's (1ms).");
ABSL_FLAG(std::string, scenario, "",
          "Scenario file to run (see sim/README.md for the format). Relative "
          "paths are taken from the directory bazel run was started in. "
          "Default: the built-in default run (1000 nodes, a metadata "
          "update, a crash, a partition, then a liveness phase).");
ABSL_FLAG(int, swarm, 0,
          "Run COUNT random fault plans (swarm mode), seeds --seed .. "
          "--seed + COUNT - 1, with 8 to --nodes nodes each; print one line "
          "per seed and the replay command of each failure.");
namespace {

// The --config help, with every key of the knob table.
std::string ConfigFlagHelp() {
  std::vector<absl::string_view> keys;
  for (const swim::ConfigKnob& knob : swim::ConfigKnobs()) {
    keys.push_back(knob.name);
  }
  return absl::StrCat(
      "Node config overrides, KEY=VALUE,... e.g. "
      "probe_interval=500ms,suspicion_min_intervals=3. Keys (see "
      "sim/README.md): ",
      absl::StrJoin(keys, ", "), ".");
}
}  // namespace

ABSL_FLAG(std::vector<std::string>, config, {}, ConfigFlagHelp());
ABSL_FLAG(std::string, json, "",
          "Write the summary as JSON to this file (an array with --swarm).");
ABSL_FLAG(std::string, trace, "",
          "Write every trace record (sends, drops, deliveries, membership "
          "events, faults) as text to this file. Large.");
ABSL_FLAG(std::string, report, "",
          "Write a self-contained HTML report with SVG charts to this file.");
ABSL_FLAG(std::string, progress, "auto",
          "Progress on stderr: auto (when stderr is a terminal), always, "
          "never.");
ABSL_FLAG(bool, print_scenario, false,
          "Print the scenario text (for --swarm, the drawn plan) and exit.");

namespace {

using swim::sim::FormatSummaryJson;
using swim::sim::FormatSummaryText;
using swim::sim::RunOptions;
using swim::sim::RunResult;
using swim::sim::Scenario;
using swim::sim::SimTime;
using swim::tools::ReadFile;
using swim::tools::UserPath;

constexpr char kDefaultScenario[] = R"(# The default run: realistic and quick.
name default
nodes 1000
duration 2m
spread 1s
steady 20s 30s
completeness-bound 30s
at 30s metadata 5
at 40s crash 7
at 50s partition {0%..10%} {10%..100%} for 15s
at 90s liveness
at 91s metadata 9
)";

absl::Status WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

int64_t PeakRssBytes() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

bool ShowProgress() {
  const std::string mode = absl::GetFlag(FLAGS_progress);
  if (mode == "always") return true;
  if (mode == "never") return false;
  return isatty(STDERR_FILENO) != 0;
}

// Applies the command-line overrides to a scenario.
absl::Status Override(Scenario& sc) {
  if (std::optional<int> n = absl::GetFlag(FLAGS_nodes)) sc.nodes = *n;
  if (std::optional<uint64_t> s = absl::GetFlag(FLAGS_seed)) sc.seed = *s;
  if (std::optional<absl::Duration> d = absl::GetFlag(FLAGS_duration)) {
    if (*d <= absl::ZeroDuration() || *d == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--duration=", absl::FormatDuration(*d),
                       ": must be positive and finite"));
    }
    sc.duration = absl::ToInt64Nanoseconds(*d);
  }
  if (const std::string loss = absl::GetFlag(FLAGS_loss); !loss.empty()) {
    absl::StatusOr<uint32_t> ppm = swim::sim::ParsePercent(loss);
    if (!ppm.ok()) return ppm.status();
    sc.network.loss_ppm = *ppm;
  }
  if (const std::string l = absl::GetFlag(FLAGS_latency); !l.empty()) {
    absl::StatusOr<SimTime> t = swim::sim::ParseSimDuration(l);
    if (!t.ok()) return t.status();
    sc.network.latency_min = *t;
  }
  if (const std::string j = absl::GetFlag(FLAGS_jitter); !j.empty()) {
    absl::StatusOr<SimTime> t = swim::sim::ParseSimDuration(j);
    if (!t.ok()) return t.status();
    sc.network.latency_jitter = *t;
  }
  if (sc.nodes < 1) return absl::InvalidArgumentError("--nodes must be >= 1");
  if (absl::Status st = swim::sim::CheckScenarioTimes(sc); !st.ok()) {
    // The scenario parsed, so it is the --duration override that cut it.
    return absl::InvalidArgumentError(absl::StrCat(
        "--duration=", absl::FormatDuration(absl::Nanoseconds(sc.duration)),
        ": ", st.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ConfigOverrides() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& kv : absl::GetFlag(FLAGS_config)) {
    std::vector<std::string> parts =
        absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("--config wants KEY=VALUE, got \"", kv, "\""));
    }
    swim::Config scratch;
    if (absl::Status s = swim::SetConfigKnob(scratch, parts[0], parts[1]);
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--config=", kv, ": ", s.message()));
    }
    out.emplace_back(parts[0], parts[1]);
  }
  return out;
}

// The flags that reproduce this run, after "swim_sim".
std::string ReplayCommand(const Scenario& sc, bool swarm, int max_nodes) {
  std::vector<std::string> args;
  if (swarm) {
    args.push_back("--swarm=1");
    args.push_back(absl::StrCat("--seed=", sc.seed));
    args.push_back(absl::StrCat("--nodes=", max_nodes));
  } else {
    if (const std::string s = absl::GetFlag(FLAGS_scenario); !s.empty()) {
      args.push_back(absl::StrCat("--scenario=", UserPath(s)));
    }
    args.push_back(absl::StrCat("--seed=", sc.seed));
    args.push_back(absl::StrCat("--nodes=", sc.nodes));
    args.push_back(absl::StrCat(
        "--duration=", absl::FormatDuration(absl::Nanoseconds(sc.duration))));
    for (const char* name : {"loss", "latency", "jitter"}) {
      std::string v = name == std::string("loss") ? absl::GetFlag(FLAGS_loss)
                      : name == std::string("latency")
                          ? absl::GetFlag(FLAGS_latency)
                          : absl::GetFlag(FLAGS_jitter);
      if (!v.empty()) args.push_back(absl::StrCat("--", name, "=", v));
    }
  }
  std::vector<std::string> config = absl::GetFlag(FLAGS_config);
  if (!config.empty()) {
    args.push_back(absl::StrCat("--config=", absl::StrJoin(config, ",")));
  }
  return absl::StrCat("bazel run //tools:swim_sim -- ",
                      absl::StrJoin(args, " "));
}

struct Outcome {
  RunResult result;
  bool ok = false;
};

absl::StatusOr<RunResult> RunOne(const Scenario& sc, bool swarm, int max_nodes,
                                 std::ostream* trace_sink) {
  RunOptions options;
  options.trace_sink = trace_sink;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> config =
      ConfigOverrides();
  if (!config.ok()) return config.status();
  options.extra_config = *config;
  const bool progress = ShowProgress() && !swarm;
  absl::Time last_print = absl::InfinitePast();
  const absl::Time start = absl::Now();
  if (progress) {
    options.progress = [&](SimTime now, SimTime end) {
      const absl::Time wall = absl::Now();
      if (wall - last_print < absl::Milliseconds(200) && now < end) return;
      last_print = wall;
      const int64_t elapsed_ns = absl::ToInt64Nanoseconds(wall - start);
      const int64_t left_ns = swim::sim::RemainingNs(elapsed_ns, now, end);
      const std::string eta =
          now >= end ? absl::StrCat("done in ",
                                    swim::sim::FormatWallDuration(elapsed_ns))
          : left_ns < 0
              ? std::string("ETA -")
              : absl::StrCat("ETA ", swim::sim::FormatWallDuration(left_ns));
      // Padded: a shorter line must cover the last one's end.
      std::fprintf(stderr, "\r[swim_sim] %s / %s simulated (%d%%), %s      ",
                   swim::sim::FormatSimTime(now).c_str(),
                   swim::sim::FormatSimTime(end).c_str(),
                   static_cast<int>(end > 0 ? now * 100 / end : 100),
                   eta.c_str());
      if (now >= end) std::fprintf(stderr, "\n");
    };
  }
  absl::StatusOr<RunResult> r = swim::sim::RunScenario(sc, options);
  if (!r.ok()) return r.status();
  r->summary.wall_ns = absl::ToInt64Nanoseconds(absl::Now() - start);
  r->summary.peak_rss_bytes = PeakRssBytes();
  r->summary.replay_command = ReplayCommand(sc, swarm, max_nodes);
  return r;
}

// --swarm=N: N generated scenarios from consecutive seeds.
int RunSwarm(int swarm, std::ostream* trace_sink) {
  const int max_nodes = absl::GetFlag(FLAGS_nodes).value_or(64);
  const uint64_t first = absl::GetFlag(FLAGS_seed).value_or(1);
  std::vector<std::string> json;
  int failures = 0;
  const bool progress = ShowProgress() && !absl::GetFlag(FLAGS_print_scenario);
  const absl::Time start = absl::Now();
  for (int i = 0; i < swarm; ++i) {
    const uint64_t seed = first + static_cast<uint64_t>(i);
    const std::string text = swim::sim::SwarmScenarioText(seed, max_nodes);
    if (absl::GetFlag(FLAGS_print_scenario)) {
      std::cout << text;
      continue;
    }
    absl::StatusOr<Scenario> sc = swim::sim::ParseScenario(text);
    if (!sc.ok()) {
      std::cerr << "swarm seed " << seed << ": " << sc.status() << "\n";
      return 2;
    }
    absl::StatusOr<RunResult> r =
        RunOne(*sc, /*swarm=*/true, max_nodes, trace_sink);
    if (!r.ok()) {
      std::cerr << "swarm seed " << seed << ": " << r.status() << "\n";
      return 2;
    }
    const swim::sim::RunSummary& s = r->summary;
    if (progress) std::fprintf(stderr, "\r\033[K");  // clear the last one
    std::cout << "seed " << seed << ": " << (s.ok() ? "ok  " : "FAIL")
              << " nodes " << s.nodes << " digest " << s.digest << " wall "
              << swim::sim::FormatWallDuration(s.wall_ns) << "\n";
    if (!s.ok()) {
      ++failures;
      for (const swim::sim::Violation& v : s.violations) {
        std::cout << "  VIOLATION [" << v.oracle << "] at "
                  << swim::sim::FormatSimTime(v.at) << ": " << v.detail << "\n";
      }
      std::cout << "  replay: " << s.replay_command << "\n";
    }
    json.push_back(FormatSummaryJson(s));
    if (progress && i + 1 < swarm) {
      std::cout.flush();
      const int64_t left_ns = swim::sim::RemainingNs(
          absl::ToInt64Nanoseconds(absl::Now() - start), i + 1, swarm);
      std::fprintf(stderr, "[swim_sim] %d of %d seeds run, ETA %s", i + 1,
                   swarm, swim::sim::FormatWallDuration(left_ns).c_str());
    }
  }
  if (absl::GetFlag(FLAGS_print_scenario)) return 0;
  std::cout << swarm - failures << " of " << swarm << " swarm seeds passed\n";
  if (const std::string j = absl::GetFlag(FLAGS_json); !j.empty()) {
    if (absl::Status st =
            WriteFile(UserPath(j),
                      absl::StrCat("[\n", absl::StrJoin(json, ",\n"), "]\n"));
        !st.ok()) {
      std::cerr << st << "\n";
      return 2;
    }
  }
  return failures == 0 ? 0 : 1;
}

int Main() {
  std::unique_ptr<std::ofstream> trace_file;
  if (const std::string t = absl::GetFlag(FLAGS_trace); !t.empty()) {
    trace_file = std::make_unique<std::ofstream>(UserPath(t), std::ios::binary);
    if (!*trace_file) {
      std::cerr << "cannot write " << UserPath(t) << "\n";
      return 2;
    }
  }
  const int swarm = absl::GetFlag(FLAGS_swarm);
  if (swarm < 0) {
    std::cerr << "swim_sim: --swarm=" << swarm
              << ": must be a count of runs, 0 or more\n";
    return 2;
  }
  if (swarm > 0) {
    return RunSwarm(swarm, trace_file.get());
  }

  std::string text = kDefaultScenario;
  if (const std::string path = absl::GetFlag(FLAGS_scenario); !path.empty()) {
    absl::StatusOr<std::string> read = ReadFile(UserPath(path));
    if (!read.ok()) {
      std::cerr << "swim_sim: --scenario=" << path << ": "
                << read.status().message() << "\n";
      return 2;
    }
    text = *std::move(read);
  }
  absl::StatusOr<Scenario> sc = swim::sim::ParseScenario(text);
  if (!sc.ok()) {
    const std::string path = absl::GetFlag(FLAGS_scenario);
    std::cerr << "swim_sim: " << (path.empty() ? "default scenario" : path)
              << ": " << sc.status().message() << "\n";
    return 2;
  }
  if (absl::Status st = Override(*sc); !st.ok()) {
    std::cerr << "swim_sim: " << st.message() << "\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_print_scenario)) {
    std::cout << text;
    return 0;
  }
  absl::StatusOr<RunResult> r =
      RunOne(*sc, /*swarm=*/false, sc->nodes, trace_file.get());
  if (!r.ok()) {
    std::cerr << r.status() << "\n";
    return 2;
  }
  std::cout << FormatSummaryText(r->summary);
  if (const std::string j = absl::GetFlag(FLAGS_json); !j.empty()) {
    if (absl::Status st = WriteFile(UserPath(j), FormatSummaryJson(r->summary));
        !st.ok()) {
      std::cerr << st << "\n";
      return 2;
    }
  }
  if (const std::string h = absl::GetFlag(FLAGS_report); !h.empty()) {
    if (absl::Status st = WriteFile(
            UserPath(h),
            swim::sim::HtmlReport(r->summary, *r->metrics, r->faults));
        !st.ok()) {
      std::cerr << st << "\n";
      return 2;
    }
  }
  return r->summary.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_sim");
  absl::SetProgramUsageMessage(
      "Runs the deterministic swim cluster simulator and prints a summary.\n"
      "Every run is decided by its seed; a failing run prints the command "
      "that replays it.\n\n"
      "  swim_sim                          # 1000 nodes, crash, partition, "
      "metadata update\n"
      "  swim_sim --nodes=200 --loss=10% --duration=10m\n"
      "  swim_sim --scenario=sim/scenarios/partition.txt\n"
      "  swim_sim --swarm=100 --seed=1\n");
  swim::tools::HandleHelp(argc, argv,
                          {{"swim_sim flags", "tools/swim_sim.cc"}});
  absl::ParseCommandLine(argc, argv);
  return Main();
}
