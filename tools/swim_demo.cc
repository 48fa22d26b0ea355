// swim_demo: the seed's demo in C++. It joins a cluster, shows every member
// and randomises its own `token` metadata value every ~10 s, so that one
// can watch changes spread. On a terminal it redraws a live table (the
// local member marked with *); otherwise it prints one line per change.
// Ctrl-C (or SIGTERM) leaves the cluster gracefully.
//
//   export SWIM_SECRET=demo-secret
//   swim_demo --name=127.0.0.1:2001 --peer=127.0.0.1:2003 --metadata=name=one
//   swim_demo --name=127.0.0.1:2002 --peer=127.0.0.1:2001 --metadata=name=two
//
// Node flags (name, peers, secret, timing) are net/node_flags.h's; see
// --help.
// g++ 12 with -fsanitize=thread warns (-Wtsan) about the fence in Abseil's
// sequence-locked flag storage, which absl::Duration flags use: the fence is
// correct, ThreadSanitizer merely cannot model it.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/member_snapshot.h"
#include "net/node_flags.h"
#include "net/node_warnings.h"
#include "net/operator_endpoints.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/crypto_random.h"
#include "swim/member_event.h"
#include "swim/status.h"
#include "tools/help.h"
#include "tools/version_flag.h"

ABSL_FLAG(absl::Duration, token_interval, absl::Seconds(10),
          "How often (give or take a quarter) the token metadata value is "
          "randomised; 0 never.");
ABSL_FLAG(std::string, token_key, "token",
          "The metadata key whose value is randomised.");
ABSL_FLAG(bool, lines, false, "Print one line per change even on a terminal.");

namespace {

// --help: this program's flags, then the node flags it takes.
constexpr swim::tools::HelpSection kHelpSections[] = {
    {"swim_demo flags", "tools/swim_demo.cc"},
    swim::tools::kNodeFlags,
    swim::tools::kSecretFlags,
};

using swim::net::MemberInfo;
using swim::net::MembersSnapshot;

absl::Mutex print_mu;

void Print(const std::string& text) {
  swim::net::TsanMutexLock lock(&print_mu);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string MetadataText(const swim::Metadata& metadata) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : metadata) {
    parts.push_back(absl::StrCat(key, "=", absl::CHexEscape(value)));
  }
  return absl::StrJoin(parts, " ");
}

std::string StatusText(const MemberInfo& m) {
  std::string text(swim::StatusName(m.status));
  if (m.offline_reason != swim::OfflineReason::kNone) {
    absl::StrAppend(&text, " (", swim::OfflineReasonName(m.offline_reason),
                    ")");
  }
  return text;
}

std::string Table(const MembersSnapshot& view) {
  std::string out = "\x1b[H\x1b[2J";  // home, clear screen
  absl::StrAppendFormat(&out, "  %-24s %-16s %11s  %s\n", "NAME", "STATUS",
                        "INCARNATION", "METADATA");
  for (const MemberInfo& m : view.members) {
    absl::StrAppendFormat(&out, "%s %-24s %-16s %11d  %s\n",
                          m.is_local ? "*" : " ", m.name, StatusText(m),
                          m.incarnation, MetadataText(m.metadata));
  }
  absl::StrAppendFormat(&out,
                        "\n%d of %d available; * is this member. "
                        "Ctrl-C leaves.\n",
                        view.Count(swim::Status::kAvailable),
                        view.members.size());
  return out;
}

// Blocks SIGINT and SIGTERM, which main then takes synchronously; the
// node's thread inherits the mask.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string RandomToken(swim::CryptoRandom& random) {
  uint8_t bytes[4];
  random.Fill(absl::MakeSpan(bytes));
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

// A negative interval used to mean "never", silently.
absl::Status CheckTokenInterval() {
  const absl::Duration d = absl::GetFlag(FLAGS_token_interval);
  if (d >= absl::ZeroDuration() && d != absl::InfiniteDuration()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--token_interval=", absl::FormatDuration(d),
                   ": must be 0 (never) or a positive duration"));
}

// One line per change of a member's state; `last_state` (member to its
// last printed state) skips repeats.
void PrintChange(const MemberInfo& m,
                 std::map<std::string, std::string>& last_state) {
  // The replay and the first event can describe the same state.
  std::string state = absl::StrCat(StatusText(m), "/", m.incarnation, "/",
                                   MetadataText(m.metadata));
  if (last_state[m.name] == state) return;
  last_state[m.name] = state;
  Print(absl::StrCat(
      absl::FormatTime("%H:%M:%E3S", absl::Now(), absl::LocalTimeZone()), " ",
      m.name, m.is_local ? " (local)" : "", " ", StatusText(m), " incarnation=",
      m.incarnation, " metadata={", MetadataText(m.metadata), "}\n"));
}

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_demo");
  absl::SetProgramUsageMessage(
      "The swim demo: join a cluster and watch it.\n"
      "  SWIM_SECRET=s swim_demo --name=127.0.0.1:2001 "
      "--peer=127.0.0.1:2003 --metadata=name=one");
  swim::tools::HandleHelp(argc, argv, kHelpSections);
  swim::net::ParseNodeCommandLine(argc, argv);
  if (absl::Status s = CheckTokenInterval(); !s.ok()) {
    return swim::net::ExitWithError(argv[0], s);
  }
  absl::StatusOr<swim::net::UdpNodeOptions> options =
      swim::net::NodeOptionsFromFlags();
  if (!options.ok()) return swim::net::ExitWithError(argv[0], options.status());
  swim::net::PrintStartupWarnings(argv[0], *options);
  const absl::Duration token_interval = absl::GetFlag(FLAGS_token_interval);
  const std::string token_key = absl::GetFlag(FLAGS_token_key);
  const bool table = isatty(STDOUT_FILENO) && !absl::GetFlag(FLAGS_lines);

  const sigset_t signals = BlockStopSignals();

  // Before Start, which takes the options.
  swim::net::JoinWatch join_watch(options->config, absl::Now());
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> started =
      swim::net::UdpNode::Start(*std::move(options));
  if (!started.ok()) return swim::net::ExitWithError(argv[0], started.status());
  swim::net::UdpNode& node = **started;
  absl::StatusOr<std::unique_ptr<swim::net::OperatorEndpoints>> endpoints =
      swim::net::StartOperatorEndpointsFromFlags(argv[0], node);
  if (!endpoints.ok()) {
    node.Stop(swim::net::UdpNode::StopMode::kNoLeave);
    return swim::net::ExitWithError(argv[0], endpoints.status());
  }

  std::atomic<bool> dirty{true};
  // Callbacks run on the loop thread only, one at a time: no lock needed.
  std::map<std::string, std::string> last_state;
  swim::net::Subscription subscription = node.Subscribe(
      [&](const swim::net::MemberChange& change) {
        if (change.event.kind == swim::MemberEvent::Kind::kNameConflict) {
          Print(absl::StrCat("warning: ", change.event.claimant_address,
                             " claims the name ", change.member.name,
                             ", held at ", change.member.address, "\n"));
          return;
        }
        if (table) {
          dirty = true;
          return;
        }
        PrintChange(change.member, last_state);
      },
      /*replay_members=*/!table);

  swim::CryptoRandom random;
  auto next_token = [&] {
    uint8_t jitter;
    random.Fill(absl::MakeSpan(&jitter, 1));
    // 75% to 125% of the interval, so members do not change in lockstep.
    return absl::Now() + token_interval * (0.75 + jitter / 510.0);
  };
  absl::Time token_at = next_token();
  for (;;) {
    if (table && dirty.exchange(false)) Print(Table(*node.Members()));
    join_watch.Print(argv[0], *node.Members(), absl::Now());
    if (token_interval > absl::ZeroDuration() && absl::Now() >= token_at) {
      // Works without initial metadata too: the token joins whatever the
      // local member has.
      swim::Metadata metadata = node.Members()->local().metadata;
      metadata[token_key] = RandomToken(random);
      absl::Status s = node.SetMetadata(std::move(metadata));
      if (!s.ok()) {
        std::fprintf(stderr, "swim_demo: %s\n",
                     std::string(s.message()).c_str());
      }
      token_at = next_token();
    }
    timespec wait = absl::ToTimespec(absl::Milliseconds(100));
    int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  std::fprintf(stderr, "swim_demo: leaving...\n");
  subscription.Cancel();
  endpoints->reset();  // before the node it serves
  node.Stop();
  return 0;
}
