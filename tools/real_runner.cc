#include "tools/real_runner.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "sim/restart_wave.h"
#include "tools/real_log.h"
#include "tools/real_net.h"
#include "tools/real_processes.h"
#include "tools/real_replay.h"

namespace swim::tools {
namespace {

using sim::Action;
using sim::ActionKind;
using sim::SimTime;

constexpr char kAddressPrefix[] = "127.0.1.";
constexpr int kPort = 7946;

// Why a statement cannot be played for real; empty if it can.
std::string Unsupported(const Action& a) {
  switch (a.kind) {
    case ActionKind::kClog:
      return "clog holds datagrams and releases them later, which nftables "
             "cannot do";
    case ActionKind::kLossLink:
      return "per-link loss is not supported by the real runner";
    case ActionKind::kLatency:
      return "latency is the real network's own";
    case ActionKind::kDuplicate:
      return "duplicating datagrams needs tc netem, which this kernel lacks";
    case ActionKind::kReorder:
      return "reordering datagrams needs tc netem, which this kernel lacks";
    case ActionKind::kSlow:
      return "a slow node has no faithful real counterpart here";
    case ActionKind::kDrift:
      return "clock drift cannot be imposed on a real process";
    case ActionKind::kBroadcast:
    case ActionKind::kSendTo:
      return "swim_real_node sends no user messages";
    case ActionKind::kState:
      return "swim_real_node sets no application state";
    case ActionKind::kPause:
      return a.flag ? "pause ... drop is not supported (a stopped process's "
                      "socket queues its input)"
                    : "";
    default:
      return "";
  }
}

// The first line of `text` that starts with `keyword`, or 0.
int LineOf(absl::string_view text, absl::string_view keyword) {
  int line = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++line;
    l = absl::StripLeadingAsciiWhitespace(l);
    if (absl::StartsWith(l, keyword) &&
        (l.size() == keyword.size() || l[keyword.size()] == ' ')) {
      return line;
    }
  }
  return 0;
}

std::string Address(uint32_t node) {
  return absl::StrCat(kAddressPrefix, node + 1, ":", kPort);
}

struct Step {
  SimTime at = 0;
  bool boot = false;  // else `action`
  uint32_t node = 0;
  const Action* action = nullptr;
  NodeSets sets;
};

class Run {
 public:
  Run(const sim::Scenario& sc, const RealRunOptions& options,
      RealProcesses& procs)
      : sc_(sc), options_(options), procs_(procs), net_(sc.nodes) {
    net_.set_loss_ppm(sc.network.loss_ppm);
    knobs_.resize(static_cast<size_t>(sc.nodes));
    for (const auto& [k, v] : sc.config) {
      for (auto& node : knobs_) node.push_back(absl::StrCat(k, "=", v));
    }
  }

  absl::Status Prepare() {
    for (const sim::Scenario::NodeConfig& line : sc_.node_config) {
      absl::StatusOr<std::vector<uint32_t>> nodes =
          line.nodes.Resolve(sc_.nodes);
      if (!nodes.ok()) return nodes.status();
      for (uint32_t n : *nodes) {
        knobs_[n].push_back(absl::StrCat(line.key, "=", line.value));
      }
    }
    for (int i = 0; i < sc_.nodes; ++i) {
      Step boot;
      boot.at = sc_.start_spread * i / sc_.nodes;
      boot.boot = true;
      boot.node = static_cast<uint32_t>(i);
      steps_.push_back(std::move(boot));
    }
    absl::StatusOr<std::vector<Action>> actions =
        sim::ExpandRestartWaves(sc_, sc_.nodes);
    if (!actions.ok()) return actions.status();
    actions_ = *std::move(actions);
    for (const Action& a : actions_) {
      if (a.at > sc_.duration) continue;
      Step step;
      step.at = a.at;
      step.action = &a;
      for (const sim::NodeSet& set : a.sets) {
        absl::StatusOr<std::vector<uint32_t>> r = set.Resolve(sc_.nodes);
        if (!r.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "scenario line ", a.line, ": ", r.status().message()));
        }
        step.sets.push_back(*std::move(r));
      }
      if (a.kind == ActionKind::kPause && a.at + a.duration <= sc_.duration) {
        Action& resume = resumes_.emplace_back();
        resume.at = a.at + a.duration;
        resume.kind = ActionKind::kResume;
        resume.line = a.line;
        resume.text = absl::StrCat("(end of) ", a.text);
        Step r{resume.at, false, 0, &resume, step.sets};
        steps_.push_back(std::move(r));
      }
      steps_.push_back(std::move(step));
    }
    std::stable_sort(steps_.begin(), steps_.end(),
                     [](const Step& a, const Step& b) { return a.at < b.at; });
    return absl::OkStatus();
  }

  absl::StatusOr<sim::RunSummary> Play() {
    if (absl::Status s = InstallRules(); !s.ok()) return s;
    t0_ns_ = MonotonicNowNs();
    size_t next = 0;
    SimTime next_progress = 0;
    for (;;) {
      const SimTime now = Elapsed();
      if (now >
          sc_.duration + absl::ToInt64Nanoseconds(options_.deadline_slack)) {
        return absl::DeadlineExceededError("the run overran its deadline");
      }
      while (next < steps_.size() && steps_[next].at <= now) {
        if (absl::Status s = Apply(steps_[next]); !s.ok()) return s;
        ++next;
      }
      if (now >= next_progress) {
        if (absl::Status s = CheckNodesAlive(); !s.ok()) return s;
        if (options_.progress) {
          options_.progress(absl::Nanoseconds(now),
                            absl::Nanoseconds(sc_.duration));
        }
        next_progress += sim::Seconds(1);
      }
      if (now >= sc_.duration && next >= steps_.size()) break;
      SimTime wake = std::min<SimTime>(sc_.duration, next_progress);
      if (next < steps_.size()) wake = std::min(wake, steps_[next].at);
      if (absl::Status s = WaitUntil(wake); !s.ok()) return s;
    }
    procs_.StopAll(absl::Seconds(3));
    return Judge();
  }

 private:
  SimTime Elapsed() const { return MonotonicNowNs() - t0_ns_; }

  // Sleeps until `at` (run time), or returns Cancelled on SIGINT/SIGTERM.
  absl::Status WaitUntil(SimTime at) {
    const SimTime wait = at - Elapsed();
    if (wait <= 0) return absl::OkStatus();
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    timespec ts{};
    ts.tv_sec = static_cast<decltype(ts.tv_sec)>(wait / 1000000000);
    ts.tv_nsec = static_cast<decltype(ts.tv_nsec)>(wait % 1000000000);
    const int sig = sigtimedwait(&stop, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM) {
      return absl::CancelledError(
          absl::StrCat("stopped by signal ", sig, "; cleaned up"));
    }
    return absl::OkStatus();
  }

  // A node that exited by itself (a bad flag, a bind failure) fails the
  // run with what it said.
  absl::Status CheckNodesAlive() {
    const std::vector<int> exited = procs_.ExitedNodes();
    if (exited.empty()) return absl::OkStatus();
    std::ifstream in(procs_.StderrPath(exited[0]));
    std::string said((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    return absl::InternalError(
        absl::StrCat(exited.size(), " node process(es) exited by themselves; n",
                     exited[0], " said: ", said.substr(0, 400)));
  }

  absl::Status InstallRules() {
    return procs_.InstallRules(net_.NftRuleset(kAddressPrefix, kPort));
  }

  absl::Status Spawn(uint32_t node, bool restart) {
    // A first boot starts a fresh log (a --work_dir may be reused); a
    // restart appends its new life.
    if (!restart) unlink(procs_.LogPath(static_cast<int>(node)).c_str());
    std::vector<std::string> args = {
        absl::StrCat("--name=n", node),
        absl::StrCat("--address=", Address(node)),
        absl::StrCat("--event_log=", procs_.LogPath(static_cast<int>(node))),
        "--leave_on_exit=false",
    };
    const int peers = restart ? 3 : sc_.seed_peers;
    for (int p = 0; p < peers && p < sc_.nodes; ++p) {
      if (static_cast<uint32_t>(p) == node) continue;
      args.push_back(absl::StrCat("--peer=", Address(p)));
    }
    if (!knobs_[node].empty()) {
      args.push_back(absl::StrCat("--knob=", absl::StrJoin(knobs_[node], ",")));
    }
    return procs_.Spawn(static_cast<int>(node), args);
  }

  absl::Status Apply(const Step& step) {
    ReplayEntry e;
    e.at = Elapsed();
    e.node = step.node;
    if (step.boot) {
      e.kind = ReplayEntry::Kind::kBoot;
      entries_.push_back(e);
      return Spawn(step.node, /*restart=*/false);
    }
    const Action& a = *step.action;
    e.kind = ReplayEntry::Kind::kAction;
    e.action = &a;
    e.sets = step.sets;
    entries_.push_back(e);
    if (ApplyNetworkAction(a, step.sets, net_, nullptr)) return InstallRules();
    const auto& set =
        step.sets.empty() ? std::vector<uint32_t>() : step.sets[0];
    switch (a.kind) {
      case ActionKind::kCrash:
        for (uint32_t n : set) procs_.Kill(static_cast<int>(n));
        break;
      case ActionKind::kRestart:
        for (uint32_t n : set) {
          if (!a.config.empty()) {
            procs_.Kill(static_cast<int>(n));
            for (const auto& [k, v] : a.config) {
              knobs_[n].push_back(absl::StrCat(k, "=", v));
            }
          }
          if (procs_.IsRunning(static_cast<int>(n))) continue;
          if (absl::Status s = Spawn(n, /*restart=*/true); !s.ok()) return s;
        }
        break;
      case ActionKind::kPause:
        for (uint32_t n : set) procs_.Signal(static_cast<int>(n), SIGSTOP);
        break;
      case ActionKind::kResume:
        for (uint32_t n : set) procs_.Signal(static_cast<int>(n), SIGCONT);
        break;
      case ActionKind::kLeave:
        for (uint32_t n : set) procs_.Signal(static_cast<int>(n), SIGUSR1);
        break;
      case ActionKind::kMetadata:
        for (uint32_t n : set) procs_.Signal(static_cast<int>(n), SIGUSR2);
        break;
      case ActionKind::kLiveness:
        net_.ClearFaults();
        for (int n = 0; n < sc_.nodes; ++n) procs_.Signal(n, SIGCONT);
        return InstallRules();
      default:
        break;
    }
    return absl::OkStatus();
  }

  // Reads every node's log and replays the run into the oracles.
  absl::StatusOr<sim::RunSummary> Judge() {
    uint64_t datagrams = 0;
    uint64_t bytes = 0;
    size_t bad_lines = 0;
    for (int n = 0; n < sc_.nodes; ++n) {
      std::ifstream in(procs_.LogPath(n));
      std::string line;
      uint64_t life_datagrams = 0;
      uint64_t life_bytes = 0;
      while (std::getline(in, line)) {
        absl::StatusOr<RealRecord> r = ParseRealRecord(line);
        if (!r.ok()) {
          ++bad_lines;  // a line cut by SIGKILL mid-write, say
          continue;
        }
        if (r->mono_ns < t0_ns_) continue;  // not of this run
        if (r->kind == RealRecord::Kind::kStart) {
          datagrams += life_datagrams;
          bytes += life_bytes;
          life_datagrams = life_bytes = 0;
        } else if (r->kind == RealRecord::Kind::kStats) {
          life_datagrams = r->datagrams_sent;
          life_bytes = r->bytes_sent;
        }
        ReplayEntry e;
        e.at = r->mono_ns - t0_ns_;
        e.kind = ReplayEntry::Kind::kRecord;
        e.node = static_cast<uint32_t>(n);
        e.record = *std::move(r);
        entries_.push_back(std::move(e));
      }
      datagrams += life_datagrams;
      bytes += life_bytes;
    }
    if (bad_lines > 0) {
      std::fprintf(stderr, "swim_real: %zu malformed log line(s) skipped\n",
                   bad_lines);
    }
    return ReplayRun(sc_, std::move(entries_), datagrams, bytes,
                     options_.curves);
  }

  const sim::Scenario& sc_;
  const RealRunOptions& options_;
  RealProcesses& procs_;
  RealNet net_;
  std::vector<std::vector<std::string>> knobs_;
  std::vector<Action> actions_;  // the scenario's, restart waves expanded
  std::deque<Action> resumes_;
  std::vector<Step> steps_;
  std::vector<ReplayEntry> entries_;
  int64_t t0_ns_ = 0;
};

}  // namespace

absl::Status CheckRealScenario(const sim::Scenario& sc,
                               absl::string_view text) {
  auto refuse = [](int line, absl::string_view statement,
                   absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("scenario line ", line, ": `", statement,
                     "` cannot be played on real sockets: ", why));
  };
  if (sc.nodes < 1 || sc.nodes > kMaxRealNodes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "swim_real runs 1 to ", kMaxRealNodes, " nodes, not ", sc.nodes));
  }
  if (sc.formed) {
    return refuse(LineOf(text, "formed"), "formed",
                  "real nodes join through their seed peers");
  }
  const sim::NetworkParams defaults;
  if (sc.network.latency_min != defaults.latency_min ||
      sc.network.latency_jitter != defaults.latency_jitter) {
    return refuse(LineOf(text, "latency"), "latency",
                  "latency is the real network's own");
  }
  if (sc.network.duplicate_ppm != 0) {
    return refuse(LineOf(text, "duplicate"), "duplicate",
                  "duplicating datagrams needs tc netem");
  }
  if (sc.network.reorder_ppm != 0) {
    return refuse(LineOf(text, "reorder"), "reorder",
                  "reordering datagrams needs tc netem");
  }
  for (const Action& a : sc.actions) {
    if (std::string why = Unsupported(a); !why.empty()) {
      return refuse(a.line, a.text, why);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<sim::RunSummary> RunRealScenario(const sim::Scenario& sc,
                                                const RealRunOptions& options) {
  absl::StatusOr<std::unique_ptr<RealProcesses>> procs =
      RealProcesses::Create(sc.nodes, options.node_binary, options.work_dir);
  if (!procs.ok()) return procs.status();
  Run run(sc, options, **procs);
  if (absl::Status s = run.Prepare(); !s.ok()) return s;
  return run.Play();
  // ~RealProcesses: nodes killed, namespace removed, whatever happened.
}

}  // namespace swim::tools
