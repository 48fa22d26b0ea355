// swim_real_node: one member over the UDP adapter, as tools/swim_real runs
// it inside its network namespace. It logs every membership event, with a
// CLOCK_MONOTONIC stamp, to --event_log (tools/real_log.h), and takes its
// orders as signals, so that the runner needs no control channel that a
// SIGSTOP would freeze: SIGUSR1 leaves the cluster, SIGUSR2 replaces the
// metadata (a new version to disseminate), SIGTERM ends the process
// without leaving (the end of a run).
//
//   SWIM_SECRET=s swim_real_node --name=n1 --address=127.0.1.2:7946
//     --peer=127.0.1.1:7946 --event_log=/tmp/n1.log --knob=probe_interval=1s
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/node_flags.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/config_knobs.h"
#include "swim/member_event.h"
#include "tools/help.h"
#include "tools/real_log.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::string, event_log, "",
          "Appends every membership event, one line each with a "
          "CLOCK_MONOTONIC stamp (tools/real_log.h), to this file.");
ABSL_FLAG(std::vector<std::string>, knob, {},
          "KEY=VALUE swim::Config knobs (swim/config_knobs.h), comma-"
          "separated, applied after the node flags.");
ABSL_FLAG(absl::Duration, stats_interval, absl::Seconds(1),
          "How often the datagrams and bytes sent so far are logged.");

namespace {

constexpr swim::tools::HelpSection kHelpSections[] = {
    {"swim_real_node flags", "tools/swim_real_node.cc"},
    swim::tools::kNodeFlags,
    swim::tools::kSecretFlags,
};

// Appends whole lines with one write(2) each, so that a SIGKILL never
// leaves half a record; callers on the loop thread and main share it.
class LogFile {
 public:
  explicit LogFile(int fd) : fd_(fd) {}
  void Write(const swim::tools::RealRecord& record) {
    const std::string line = swim::tools::FormatRealRecord(record);
    swim::net::TsanMutexLock lock(&mu_);
    if (fd_ < 0) return;
    // A short or failed write loses a record, which the runner would
    // rather see than a blocked node: the log is on a local disk.
    (void)!write(fd_, line.data(), line.size());
  }

 private:
  absl::Mutex mu_;
  int fd_;
};

swim::tools::RealRecord Record(swim::tools::RealRecord::Kind kind) {
  swim::tools::RealRecord r;
  r.mono_ns = swim::tools::MonotonicNowNs();
  r.kind = kind;
  return r;
}

absl::Status ApplyKnobs(swim::Config& config) {
  for (const std::string& kv : absl::GetFlag(FLAGS_knob)) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--knob=", kv, ": expected KEY=VALUE"));
    }
    if (absl::Status s =
            swim::SetConfigKnob(config, kv.substr(0, eq), kv.substr(eq + 1));
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--knob=", kv, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// Opens --event_log for appending; -1 without one; an error if it cannot.
absl::StatusOr<int> OpenLog() {
  const std::string path = absl::GetFlag(FLAGS_event_log);
  if (path.empty()) return -1;
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--event_log=", path, ": cannot open"));
  }
  return fd;
}

// SIGUSR2: new metadata, logged with the version it got.
void UpdateMetadata(swim::net::UdpNode& node, int update, LogFile& log) {
  const uint64_t before = node.Members()->local().metadata_version;
  absl::Status s = node.SetMetadata({{"sim", absl::StrCat("update-", update)}});
  if (!s.ok()) return;
  // The snapshot follows the loop's next publication.
  uint64_t version = node.Members()->local().metadata_version;
  for (int i = 0; i < 100 && version == before; ++i) {
    absl::SleepFor(absl::Milliseconds(2));
    version = node.Members()->local().metadata_version;
  }
  swim::tools::RealRecord r = Record(swim::tools::RealRecord::Kind::kMetadata);
  r.metadata_version = version;
  log.Write(r);
}

void LogStats(const swim::net::UdpNode& node, LogFile& log) {
  const swim::net::UdpNodeStats stats = node.Stats();
  swim::tools::RealRecord r = Record(swim::tools::RealRecord::Kind::kStats);
  r.datagrams_sent = stats.socket.datagrams_sent;
  r.bytes_sent = stats.socket.bytes_sent;
  log.Write(r);
}

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_real_node");
  absl::SetProgramUsageMessage(
      "One member for tools/swim_real: logs its events, obeys signals.\n"
      "  SWIM_SECRET=s swim_real_node --name=n0 --address=127.0.1.1:7946 "
      "--event_log=n0.log");
  swim::tools::HandleHelp(argc, argv, kHelpSections);
  swim::net::ParseNodeCommandLine(argc, argv);
  absl::StatusOr<swim::net::UdpNodeOptions> options =
      swim::net::NodeOptionsFromFlags();
  if (!options.ok()) return swim::net::ExitWithError(argv[0], options.status());
  if (absl::Status s = ApplyKnobs(options->config); !s.ok()) {
    return swim::net::ExitWithError(argv[0], s);
  }
  absl::StatusOr<int> fd = OpenLog();
  if (!fd.ok()) return swim::net::ExitWithError(argv[0], fd.status());
  LogFile log(*fd);

  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1, SIGUSR2}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the loop thread inherits

  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> started =
      swim::net::UdpNode::Start(*std::move(options));
  if (!started.ok()) return swim::net::ExitWithError(argv[0], started.status());
  swim::net::UdpNode& node = **started;
  swim::tools::RealRecord start = Record(swim::tools::RealRecord::Kind::kStart);
  start.metadata_version = node.Members()->local().metadata_version;
  log.Write(start);
  // The replay covers what the node learnt before it was subscribed to.
  swim::net::Subscription subscription = node.Subscribe(
      [&](const swim::net::MemberChange& change) {
        if (change.event.kind != swim::MemberEvent::Kind::kChange) return;
        swim::tools::RealRecord r =
            Record(swim::tools::RealRecord::Kind::kEvent);
        r.member = change.event.member;
        r.previous = change.event.previous;
        r.current = change.event.current;
        r.offline_reason = change.event.offline_reason;
        r.incarnation = change.member.incarnation;
        r.metadata_version = change.member.metadata_version;
        log.Write(r);
      },
      /*replay_members=*/true);

  const absl::Duration stats_every = absl::GetFlag(FLAGS_stats_interval);
  absl::Time stats_at = absl::Now() + stats_every;
  int updates = 0;
  for (;;) {
    timespec wait = absl::ToTimespec(
        std::max(absl::ZeroDuration(), stats_at - absl::Now()));
    const int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGINT || signal == SIGTERM) break;
    if (signal == SIGUSR1) {
      node.Leave();
      log.Write(Record(swim::tools::RealRecord::Kind::kLeft));
    } else if (signal == SIGUSR2) {
      UpdateMetadata(node, ++updates, log);
    }
    if (absl::Now() >= stats_at) {
      LogStats(node, log);
      stats_at += stats_every;
    }
  }
  subscription.Cancel();
  LogStats(node, log);
  node.Stop(swim::net::UdpNode::StopMode::kNoLeave);
  if (*fd >= 0) close(*fd);
  return 0;
}
