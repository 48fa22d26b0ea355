// swim_real: plays a simulator scenario file (sim/scenario.h) on real
// sockets: one swim_real_node process per node, all inside a network
// namespace of the run's own, faults through nftables and signals, and
// judges it with the simulator's metrics and oracles (tools/real_runner.h).
// Exit status: 0 the oracles passed, 1 an oracle failed, 2 a bad flag or
// scenario (a statement that cannot be done for real included), 3 network
// namespaces are not permitted here (not root), 4 the run failed, 130
// interrupted (cleaned up all the same).
//
//   bazel run //tools:swim_real -- --scenario=tools/real_scenarios/crash.txt
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"
#include "tools/help.h"
#include "tools/real_compare.h"
#include "tools/real_compare_report.h"
#include "tools/real_runner.h"
#include "tools/run_curves.h"
#include "tools/user_files.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::string, scenario, "", "The scenario file to play (required).");
ABSL_FLAG(std::optional<int>, nodes, std::nullopt,
          "Number of nodes. Default: the scenario's.");
ABSL_FLAG(bool, check, false,
          "Only parse the scenario and say whether it can be played for "
          "real; starts nothing.");
ABSL_FLAG(std::string, node_binary, "",
          "The swim_real_node program. Default: beside this program.");
ABSL_FLAG(std::string, work_dir, "",
          "Where node logs go (kept). Default: a temporary directory, "
          "removed at the end.");
ABSL_FLAG(std::string, json, "", "Also writes the summary as JSON here.");
ABSL_FLAG(bool, compare, false,
          "Runs the scenario --sim_seeds times on the simulator and --runs "
          "times for real, and prints each figure side by side (sim "
          "p10/p50/p90, real median, ratio).");
ABSL_FLAG(int, sim_seeds, 10,
          "--compare: simulator runs, seeds from the scenario's on.");
ABSL_FLAG(int, runs, 3, "--compare: real runs.");
ABSL_FLAG(std::string, report, "",
          "--compare: also writes an HTML page here: the table, and the "
          "simulator's p10-p90 and median with every real run's curve on "
          "the same axes.");
ABSL_FLAG(absl::Duration, deadline_slack, absl::Seconds(30),
          "The run is abandoned (and cleaned up) this long past the "
          "scenario's duration.");

namespace {

using ::swim::tools::ReadFile;
using ::swim::tools::UserPath;

std::string BesideSelf(const std::string& program) {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return program;
  std::string dir(self, static_cast<size_t>(n));
  return absl::StrCat(dir.substr(0, dir.rfind('/') + 1), program);
}

// A backstop for one real run: a runner that hangs past its deadline is
// ended by SIGALRM regardless (its nodes die with it, its namespace goes
// on the next start).
void ArmBackstop(const swim::sim::Scenario& sc,
                 const swim::tools::RealRunOptions& options) {
  alarm(static_cast<unsigned>(
      absl::ToInt64Seconds(absl::Nanoseconds(sc.duration) +
                           options.deadline_slack) +
      60));
}

// Removes the temporary work directory; failing to is worth a warning,
// not a failed run.
void RemoveDir(const std::string& dir) {
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  if (error) {
    std::cerr << "swim_real: cannot remove " << dir << ": " << error.message()
              << "\n";
  }
}

// Exit status of a failed real run.
int RunError(const absl::Status& status) {
  std::cerr << "swim_real: " << status.message() << "\n";
  if (absl::IsPermissionDenied(status)) return 3;
  if (absl::IsCancelled(status)) return 130;
  return 4;
}

// --compare: the simulator over several seeds, then several real runs,
// then the table. 1 if any real run failed its oracles.
int Compare(const swim::sim::Scenario& sc,
            const swim::tools::RealRunOptions& options,
            const std::string& path) {
  const int seeds = absl::GetFlag(FLAGS_sim_seeds);
  const int runs = absl::GetFlag(FLAGS_runs);
  if (seeds < 1 || runs < 1 || runs > 20) {
    std::cerr << "swim_real: --sim_seeds must be >= 1 and --runs 1 to 20\n";
    return 2;
  }
  swim::tools::CompareRuns page;
  page.title = absl::StrCat(path, " (", sc.nodes, " nodes)");
  page.duration_s = static_cast<double>(sc.duration) / 1e9;
  std::vector<swim::sim::RunSummary>& simulated = page.simulated;
  for (int i = 0; i < seeds; ++i) {
    swim::sim::Scenario seeded = sc;
    seeded.seed = sc.seed + static_cast<uint64_t>(i);
    // The real nodes' addresses, so that member records weigh the same.
    swim::sim::RunOptions sim_options;
    sim_options.loopback_addresses = true;
    absl::StatusOr<swim::sim::RunResult> r =
        swim::sim::RunScenario(seeded, sim_options);
    if (!r.ok()) {
      std::cerr << "swim_real: simulator: " << r.status().message() << "\n";
      return 2;
    }
    simulated.push_back(r->summary);
    page.sim_curves.push_back(swim::tools::CurvesOf(*r->metrics, sc.nodes));
    if (i == 0) page.faults = r->faults;
  }
  std::vector<swim::sim::RunSummary>& real = page.real;
  page.real_curves.resize(static_cast<size_t>(runs));
  bool all_passed = true;
  for (int i = 0; i < runs; ++i) {
    swim::tools::RealRunOptions run_options = options;
    run_options.work_dir = absl::StrCat(options.work_dir, "/run", i + 1);
    run_options.curves = &page.real_curves[static_cast<size_t>(i)];
    if (mkdir(run_options.work_dir.c_str(), 0755) != 0 && errno != EEXIST) {
      std::cerr << "swim_real: cannot create " << run_options.work_dir << "\n";
      return 4;
    }
    ArmBackstop(sc, run_options);
    absl::StatusOr<swim::sim::RunSummary> s =
        swim::tools::RunRealScenario(sc, run_options);
    if (options.progress) std::fprintf(stderr, "\n");
    alarm(0);
    if (!s.ok()) return RunError(s.status());
    std::cout << "real run " << (i + 1) << ": oracles "
              << (s->ok() ? "passed" : "FAILED") << "\n";
    for (const swim::sim::Violation& v : s->violations) {
      std::cout << "  VIOLATION [" << v.oracle << "] " << v.detail << "\n";
    }
    all_passed = all_passed && s->ok();
    real.push_back(*std::move(s));
  }
  std::cout << path << " (" << sc.nodes << " nodes)\n"
            << swim::tools::FormatComparison(simulated, real);
  if (const std::string file = absl::GetFlag(FLAGS_report); !file.empty()) {
    std::ofstream out(UserPath(file), std::ios::binary);
    out << swim::tools::CompareReportHtml(page);
    if (!out) {
      std::cerr << "swim_real: cannot write " << file << "\n";
      return 4;
    }
  }
  return all_passed ? 0 : 1;
}

// The --scenario file, parsed, overridden and checked for a real run; the
// error as one line for stderr.
absl::StatusOr<swim::sim::Scenario> LoadScenario(const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError("--scenario is required (see --help)");
  }
  absl::StatusOr<std::string> text = ReadFile(UserPath(path));
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--scenario=", path, ": ", text.status().message()));
  }
  absl::StatusOr<swim::sim::Scenario> sc = swim::sim::ParseScenario(*text);
  if (!sc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", sc.status().message()));
  }
  if (std::optional<int> n = absl::GetFlag(FLAGS_nodes)) sc->nodes = *n;
  if (absl::Status s = swim::tools::CheckRealScenario(*sc, *text); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  return sc;
}

void PrintProgress(absl::Duration elapsed, absl::Duration total) {
  std::fprintf(
      stderr, "\r%s / %s ",
      absl::FormatDuration(absl::Trunc(elapsed, absl::Seconds(1))).c_str(),
      absl::FormatDuration(total).c_str());
}

// --work_dir (created), or a fresh temporary directory.
absl::StatusOr<std::string> MakeWorkDir() {
  const std::string dir = UserPath(absl::GetFlag(FLAGS_work_dir));
  if (dir.empty()) {
    char tmpl[] = "/tmp/swim_real.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      return absl::InternalError("cannot create a temporary directory");
    }
    return std::string(tmpl);
  }
  // No shell: a --work_dir with quotes in it is just a name.
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", error.message()));
  }
  return dir;
}

// One real run: its summary on stdout (and --json), 1 on a violation.
int RunOnce(const swim::sim::Scenario& sc,
            const swim::tools::RealRunOptions& options,
            const std::string& path) {
  const absl::Time start = absl::Now();
  ArmBackstop(sc, options);
  absl::StatusOr<swim::sim::RunSummary> s =
      swim::tools::RunRealScenario(sc, options);
  alarm(0);
  if (options.progress) std::fprintf(stderr, "\n");
  if (!s.ok()) return RunError(s.status());
  s->wall_ns = absl::ToInt64Nanoseconds(absl::Now() - start);
  s->replay_command = absl::StrCat("swim_real --scenario=", path);
  std::cout << swim::sim::FormatSummaryText(*s);
  if (const std::string j = absl::GetFlag(FLAGS_json); !j.empty()) {
    std::ofstream out(UserPath(j), std::ios::binary);
    out << swim::sim::FormatSummaryJson(*s);
    if (!out) {
      std::cerr << "swim_real: cannot write " << j << "\n";
      return 4;
    }
  }
  return s->ok() ? 0 : 1;
}

int Main() {
  const std::string path = absl::GetFlag(FLAGS_scenario);
  absl::StatusOr<swim::sim::Scenario> sc = LoadScenario(path);
  if (!sc.ok()) {
    std::cerr << "swim_real: " << sc.status().message() << "\n";
    return 2;
  }
  if (!absl::GetFlag(FLAGS_report).empty() && !absl::GetFlag(FLAGS_compare)) {
    std::cerr << "swim_real: --report is for --compare runs\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_check)) {
    std::cout << "swim_real: " << path << ": can be played for real ("
              << sc->nodes << " nodes, "
              << absl::FormatDuration(absl::Nanoseconds(sc->duration)) << ")\n";
    return 0;
  }

  swim::tools::RealRunOptions options;
  options.node_binary = absl::GetFlag(FLAGS_node_binary);
  if (options.node_binary.empty()) {
    options.node_binary = BesideSelf("swim_real_node");
  }
  options.deadline_slack = absl::GetFlag(FLAGS_deadline_slack);
  const bool temporary = absl::GetFlag(FLAGS_work_dir).empty();
  absl::StatusOr<std::string> work_dir = MakeWorkDir();
  if (!work_dir.ok()) {
    std::cerr << "swim_real: " << work_dir.status().message() << "\n";
    return 4;
  }
  options.work_dir = *work_dir;
  if (isatty(STDERR_FILENO) != 0) options.progress = PrintProgress;
  // SIGINT and SIGTERM are taken synchronously by the runner, which then
  // cleans up.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);

  if (absl::GetFlag(FLAGS_compare)) {
    const int rc = Compare(*sc, options, path);
    if (temporary) RemoveDir(*work_dir);
    return rc;
  }
  const int rc = RunOnce(*sc, options, path);
  if (temporary) {
    RemoveDir(*work_dir);
  } else {
    std::cerr << "swim_real: node logs in " << *work_dir << "\n";
  }
  return rc;
}
}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_real");
  absl::SetProgramUsageMessage(
      "Plays a simulator scenario on real sockets: swim_real_node processes "
      "in a network\nnamespace of its own, faults through nftables and "
      "signals, judged by the\nsimulator's oracles. Needs root (ip netns, "
      "nft).\n\n"
      "  swim_real --scenario=tools/real_scenarios/crash.txt\n"
      "  swim_real --scenario=sim/scenarios/partition.txt --check\n"
      "  swim_real --scenario=tools/real_scenarios/fidelity/crash.txt "
      "--compare --runs=3\n"
      "  swim_real --scenario=tools/real_scenarios/fidelity/crash.txt "
      "--compare --report=/tmp/compare.html\n");
  swim::tools::HandleHelp(argc, argv,
                          {{"swim_real flags", "tools/swim_real.cc"}});
  absl::ParseCommandLine(argc, argv);
  return Main();
}
