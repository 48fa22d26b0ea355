// udp_cluster_node: a swim node for multi-process tests. It takes the
// shared node flags (net/node_flags.h), prints one machine-readable line per
// event on stdout, and obeys one command per line on stdin:
//
//   out: READY <name>
//        CHANGE <member> <status> <offline_reason> <incarnation> <k=v;...>
//        ADDRESS <member> <previous address> <address>   (it moved)
//        DELIVERY broadcast|direct <from> <key or -> <payload>
//        MERGE <from> join|exchange <state>   (a remote application state)
//        STATS <reason>=<drops> ... received=<datagrams>
//              updates_refused=<n> kernel_drops=<n> unresolved=<n>
//              loop_stall_us_max=<n> resolve_failures=<n>
//              resolves_pending=<n>
//   in:  meta k=v;k2=v2    replace the local metadata
//        leave             leave gracefully, keep running
//        stats             print a STATS line
//        key add <secret>  hold the key derived from <secret> too
//        key use <secret>  seal with it
//        key remove <secret> stop accepting it
//        keys              list the key ids held, the primary first
//   The key commands answer "OK [<key ids>]" or "ERROR <message>".
//        join <peer>[,<peer>...] <timeout>   UdpNode::Join: "OK <answers>"
//        broadcast <key> <payload>           "OK" or "ERROR <message>"
//        send <member> <payload>             "OK" or "ERROR <message>"
//        state <text>                        SetLocalState: "OK" or "ERROR"
//        quit              stop (leaving gracefully) and exit 0
//   End of input stops without leaving and exits, so a dying test never
//   leaves nodes behind.
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "net/node_flags.h"
#include "net/operator_endpoints.h"
#include "net/secret.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/app_state.h"
#include "swim/delivery.h"
#include "swim/drop_reason.h"
#include "swim/keyring.h"
#include "swim/status.h"

namespace {

absl::Mutex out_mu;

void PrintLine(const std::string& line) {
  swim::net::TsanMutexLock lock(&out_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string MetadataText(const swim::Metadata& metadata) {
  if (metadata.empty()) return "-";
  return absl::StrJoin(metadata, ";", absl::PairFormatter("="));
}

// Runs a key command; its answer line.
std::string KeyCommand(swim::net::UdpNode& node, absl::string_view line) {
  std::vector<std::string> words =
      absl::StrSplit(line, absl::MaxSplits(' ', 2));
  absl::Status status;
  if (line != "keys" && words.size() != 3) {
    status = absl::InvalidArgumentError(absl::StrCat("bad command: ", line));
  } else if (line != "keys") {
    const std::string key = swim::net::DeriveKeyFromSecret(words[2]);
    const swim::KeyId id = swim::KeyIdOf(key);
    if (words[1] == "add") {
      status = node.AddKey(key).status();
    } else if (words[1] == "use") {
      status = node.UseKey(id);
    } else if (words[1] == "remove") {
      status = node.RemoveKey(id);
    } else {
      status = absl::InvalidArgumentError(absl::StrCat("bad command: ", line));
    }
  }
  if (!status.ok()) return absl::StrCat("ERROR ", status.message());
  absl::StatusOr<std::vector<swim::KeyId>> ids = node.KeyIds();
  if (!ids.ok()) return absl::StrCat("ERROR ", ids.status().message());
  std::vector<std::string> texts;
  for (swim::KeyId id : *ids) texts.push_back(swim::KeyIdText(id));
  return absl::StrCat("OK ", absl::StrJoin(texts, ","));
}

void PrintChange(const swim::net::MemberChange& change) {
  const swim::net::MemberInfo& m = change.member;
  if (change.address_changed) {
    PrintLine(absl::StrCat("ADDRESS ", m.name, " ",
                           change.event.previous_address, " ", m.address));
  }
  PrintLine(absl::StrCat("CHANGE ", m.name, " ", swim::StatusName(m.status),
                         " ", swim::OfflineReasonName(m.offline_reason), " ",
                         m.incarnation, " ", MetadataText(m.metadata)));
}

// DELIVERY and MERGE lines, until the subscriptions go away.
std::vector<swim::net::Subscription> SubscribeApps(swim::net::UdpNode& node) {
  std::vector<swim::net::Subscription> subscriptions;
  subscriptions.push_back(node.SubscribeDeliveries([](const swim::Delivery& d) {
    const bool broadcast = d.kind == swim::Delivery::Kind::kBroadcast;
    PrintLine(absl::StrCat("DELIVERY ", broadcast ? "broadcast" : "direct", " ",
                           d.from, " ", broadcast ? d.key : "-", " ",
                           d.payload));
  }));
  subscriptions.push_back(
      node.SubscribeStateMerges([](const swim::StateMerge& m) {
        PrintLine(absl::StrCat("MERGE ", m.from, " ",
                               m.join ? "join" : "exchange", " ", m.state));
      }));
  return subscriptions;
}

// Runs an application command (join, broadcast, send, state); its answer.
std::string AppCommand(swim::net::UdpNode& node, absl::string_view line) {
  std::vector<std::string> words =
      absl::StrSplit(line, absl::MaxSplits(' ', 2));
  absl::Status status;
  if (words[0] == "state" && words.size() == 2) {
    status = node.SetLocalState(words[1]);
  } else if (words.size() != 3) {
    status = absl::InvalidArgumentError(absl::StrCat("bad command: ", line));
  } else if (words[0] == "join") {
    absl::Duration timeout;
    if (!absl::ParseDuration(words[2], &timeout)) {
      return absl::StrCat("ERROR bad timeout: ", words[2]);
    }
    absl::StatusOr<size_t> answers =
        node.Join(absl::StrSplit(words[1], ','), timeout);
    if (!answers.ok())
      return absl::StrCat("ERROR ", answers.status().message());
    return absl::StrCat("OK ", *answers);
  } else if (words[0] == "broadcast") {
    status = node.Broadcast(words[1], words[2]);
  } else {
    status = node.SendTo(words[1], words[2]);
  }
  if (!status.ok()) return absl::StrCat("ERROR ", status.message());
  return "OK";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("A swim node for tests; see the source.");
  swim::net::ParseNodeCommandLine(argc, argv);
  absl::StatusOr<swim::net::UdpNodeOptions> options =
      swim::net::NodeOptionsFromFlags();
  if (!options.ok()) return swim::net::ExitWithError(argv[0], options.status());
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> started =
      swim::net::UdpNode::Start(*std::move(options));
  if (!started.ok()) return swim::net::ExitWithError(argv[0], started.status());
  swim::net::UdpNode& node = **started;
  absl::StatusOr<std::unique_ptr<swim::net::OperatorEndpoints>> endpoints =
      swim::net::StartOperatorEndpointsFromFlags(argv[0], node);
  if (!endpoints.ok()) {
    return swim::net::ExitWithError(argv[0], endpoints.status());
  }

  swim::net::Subscription subscription =
      node.Subscribe(PrintChange, /*replay_members=*/true);
  std::vector<swim::net::Subscription> apps = SubscribeApps(node);
  PrintLine(absl::StrCat("READY ", node.name()));

  std::string line;
  while (std::getline(std::cin, line)) {
    if (absl::StartsWith(line, "meta ")) {
      swim::Metadata metadata;
      for (absl::string_view entry :
           absl::StrSplit(line.substr(5), ';', absl::SkipEmpty())) {
        std::pair<std::string, std::string> kv =
            absl::StrSplit(entry, absl::MaxSplits('=', 1));
        metadata[kv.first] = kv.second;
      }
      absl::Status s = node.SetMetadata(std::move(metadata));
      if (!s.ok()) PrintLine(absl::StrCat("ERROR ", s.message()));
    } else if (absl::StartsWith(line, "key ") || line == "keys") {
      PrintLine(KeyCommand(node, line));
    } else if (absl::StartsWith(line, "join ") ||
               absl::StartsWith(line, "broadcast ") ||
               absl::StartsWith(line, "send ") ||
               absl::StartsWith(line, "state ")) {
      PrintLine(AppCommand(node, line));
    } else if (line == "leave") {
      node.Leave();
    } else if (line == "stats") {
      swim::net::UdpNodeStats stats = node.Stats();
      std::string text = "STATS";
      for (size_t r = 0; r < swim::kDropReasonCount; ++r) {
        absl::StrAppend(&text, " ",
                        swim::DropReasonName(static_cast<swim::DropReason>(r)),
                        "=", stats.node.drops[r]);
      }
      absl::StrAppend(&text, " received=", stats.socket.datagrams_received,
                      " updates_refused=", stats.node.updates_refused,
                      " kernel_drops=", stats.socket.kernel_receive_drops,
                      " unresolved=", stats.socket.unresolved_addresses,
                      " loop_stall_us_max=", stats.loop_stall_us_max,
                      " resolve_failures=", stats.resolver.resolve_failures,
                      " resolves_pending=", stats.resolver.resolves_pending);
      PrintLine(text);
    } else if (line == "quit") {
      subscription.Cancel();
      apps.clear();
      endpoints->reset();
      node.Stop();
      PrintLine("STOPPED");
      return 0;
    }
  }
  subscription.Cancel();
  apps.clear();
  endpoints->reset();
  node.Stop(swim::net::UdpNode::StopMode::kNoLeave);
  return 0;
}
