// swim: the operator's command for a running swim process, through its
// control socket (--control_socket; net/control_server.h):
//
//   swim --socket=/tmp/a.sock members [--json]
//   swim stats [--json]          (SWIM_CONTROL_SOCKET instead of --socket)
//   swim keys list [--json] | keys add SECRET|- | keys use ID | keys remove ID
//   swim leave
//   swim monitor [--json] [--duration=10s]
//   swim metrics
//
// Errors are one line on stderr naming the socket or the argument; the exit
// status is 1 for an error from the node or the socket, 2 for bad usage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/control_client.h"
#include "net/control_protocol.h"
#include "net/secret.h"
#include "tools/help.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::string, socket, "",
          "The node's control socket (its --control_socket). Default: "
          "$SWIM_CONTROL_SOCKET.");
ABSL_FLAG(bool, json, false,
          "members, stats, keys list, monitor: JSON (one object a line for "
          "monitor) instead of text.");
ABSL_FLAG(absl::Duration, duration, absl::InfiniteDuration(),
          "monitor: stop after this long. Default: until interrupted or the "
          "node stops.");

namespace {

constexpr swim::tools::HelpSection kHelpSections[] = {
    {"Flags", "tools/swim.cc"}};

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "swim: %s\n", message.c_str());
  return code;
}

// The key for `keys add`: from the secret given, or read from stdin if "-"
// (so that it does not show in ps), derived as the nodes derive theirs.
absl::StatusOr<std::string> KeyFrom(absl::string_view secret) {
  std::string text(secret);
  if (secret == "-") {
    text.clear();
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), stdin)) > 0) {
      text.append(buffer, n);
      if (text.size() > swim::net::kMaxSecretFileBytes) {
        return absl::InvalidArgumentError("keys add -: secret over 64 KiB");
      }
    }
    // One trailing newline, as secret files are read.
    if (!text.empty() && text.back() == '\n') {
      text.pop_back();
      if (!text.empty() && text.back() == '\r') text.pop_back();
    }
  }
  if (text.empty()) {
    return absl::InvalidArgumentError("keys add: empty secret");
  }
  return swim::net::DeriveKeyFromSecret(text);
}

// The request `words` (after the flags) ask for; InvalidArgument names the
// bad word.
absl::StatusOr<swim::net::ControlRequest> RequestFrom(
    const std::vector<std::string>& words) {
  using swim::net::ControlCommand;
  swim::net::ControlRequest request;
  request.json = absl::GetFlag(FLAGS_json);
  if (words.empty()) {
    return absl::InvalidArgumentError(
        "no command; want members, stats, keys, leave, monitor or metrics "
        "(--help)");
  }
  const std::string& verb = words[0];
  size_t want = 1;
  if (verb == "members") {
    request.command = ControlCommand::kMembers;
  } else if (verb == "stats") {
    request.command = ControlCommand::kStats;
  } else if (verb == "leave") {
    request.command = ControlCommand::kLeave;
  } else if (verb == "metrics") {
    request.command = ControlCommand::kMetrics;
  } else if (verb == "monitor") {
    request.command = ControlCommand::kMonitor;
  } else if (verb == "keys") {
    const std::string sub = words.size() > 1 ? words[1] : "";
    want = sub == "list" ? 2 : 3;
    if (sub == "list") {
      request.command = ControlCommand::kKeysList;
    } else if (sub == "add") {
      request.command = ControlCommand::kKeysAdd;
    } else if (sub == "use") {
      request.command = ControlCommand::kKeysUse;
    } else if (sub == "remove") {
      request.command = ControlCommand::kKeysRemove;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("keys: unknown subcommand '", sub,
                       "'; want list, add, use or "
                       "remove"));
    }
    if (words.size() < want) {
      return absl::InvalidArgumentError(absl::StrCat(
          "keys ", sub, ": missing ", sub == "add" ? "SECRET (or -)" : "ID"));
    }
    if (sub == "add") {
      absl::StatusOr<std::string> key = KeyFrom(words[2]);
      if (!key.ok()) return key.status();
      request.argument = *std::move(key);
    } else if (sub != "list") {
      request.argument = words[2];
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command '", verb,
        "'; want members, stats, keys, leave, monitor or metrics"));
  }
  if (words.size() > want) {
    return absl::InvalidArgumentError(
        absl::StrCat(verb, ": unexpected argument '", words[want], "'"));
  }
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim");
  absl::SetProgramUsageMessage(
      "swim: ask a running swim process through its control socket.\n"
      "  swim --socket=PATH members [--json]  status, incarnation, address, "
      "metadata\n"
      "  swim stats [--json]                   every counter, drops by "
      "reason, health\n"
      "  swim keys list [--json] | keys add SECRET|- | keys use ID | "
      "keys remove ID\n"
      "  swim leave                            leave the cluster gracefully\n"
      "  swim monitor [--json] [--duration=D]  membership changes as they "
      "happen\n"
      "  swim metrics                          Prometheus text format\n"
      "The socket is the node's --control_socket; SWIM_CONTROL_SOCKET gives "
      "it too.");
  swim::tools::HandleHelp(argc, argv, kHelpSections);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> words(args.begin() + 1, args.end());

  std::string path = absl::GetFlag(FLAGS_socket);
  if (path.empty()) {
    const char* env = std::getenv("SWIM_CONTROL_SOCKET");
    if (env != nullptr) path = env;
  }
  absl::StatusOr<swim::net::ControlRequest> request = RequestFrom(words);
  if (!request.ok()) return Fail(std::string(request.status().message()), 2);
  if (path.empty()) {
    return Fail(
        "no control socket: give --socket=PATH or set "
        "SWIM_CONTROL_SOCKET",
        2);
  }
  if (request->command == swim::net::ControlCommand::kMonitor) {
    const absl::Status s = swim::net::ControlStream(
        path, *request,
        [](absl::string_view line) {
          std::cout << line << std::endl;  // flushed: one event, one line
          return true;
        },
        absl::GetFlag(FLAGS_duration));
    return s.ok() ? 0 : Fail(std::string(s.message()));
  }
  absl::StatusOr<std::string> body = swim::net::ControlCall(path, *request);
  if (!body.ok()) return Fail(std::string(body.status().message()));
  std::cout << *body << std::flush;
  return 0;
}
