#include "net/control_protocol.h"

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "swim/keyring.h"

namespace swim::net {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> FromHex(absl::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) {
    return absl::InvalidArgumentError("key: an even number of hex digits");
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("key: not hex");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string ToHex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Only `json` may follow a command that has a JSON form.
absl::StatusOr<ControlRequest> WithFormat(
    ControlCommand command, const std::vector<absl::string_view>& words,
    size_t used, bool has_json) {
  ControlRequest request;
  request.command = command;
  if (words.size() == used) return request;
  if (has_json && words.size() == used + 1 && words[used] == "json") {
    request.json = true;
    return request;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected argument '", words[used], "'"));
}

}  // namespace

absl::StatusOr<ControlRequest> ParseControlRequest(absl::string_view line) {
  if (line.size() > kMaxControlRequestBytes) {
    return absl::InvalidArgumentError("request too long");
  }
  const std::vector<absl::string_view> words =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.empty()) return absl::InvalidArgumentError("empty request");
  const absl::string_view verb = words[0];
  if (verb == "members") {
    return WithFormat(ControlCommand::kMembers, words, 1, true);
  }
  if (verb == "stats")
    return WithFormat(ControlCommand::kStats, words, 1, true);
  if (verb == "leave")
    return WithFormat(ControlCommand::kLeave, words, 1, false);
  if (verb == "metrics") {
    return WithFormat(ControlCommand::kMetrics, words, 1, false);
  }
  if (verb == "monitor") {
    return WithFormat(ControlCommand::kMonitor, words, 1, true);
  }
  if (verb != "keys") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", verb, "'"));
  }
  if (words.size() < 2) {
    return absl::InvalidArgumentError("keys: list, add, use or remove");
  }
  const absl::string_view sub = words[1];
  if (sub == "list")
    return WithFormat(ControlCommand::kKeysList, words, 2, true);
  ControlRequest request;
  if (sub == "add") {
    request.command = ControlCommand::kKeysAdd;
  } else if (sub == "use") {
    request.command = ControlCommand::kKeysUse;
  } else if (sub == "remove") {
    request.command = ControlCommand::kKeysRemove;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("keys: unknown subcommand '", sub, "'"));
  }
  if (words.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("keys ", sub, ": one argument"));
  }
  if (request.command == ControlCommand::kKeysAdd) {
    absl::StatusOr<std::string> key = FromHex(words[2]);
    if (!key.ok()) return key.status();
    request.argument = *std::move(key);
  } else {
    absl::StatusOr<KeyId> id = ParseKeyId(words[2]);
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("keys ", sub, ": ", id.status().message()));
    }
    request.argument = std::string(words[2]);
  }
  return request;
}

std::string FormatControlRequest(const ControlRequest& request) {
  absl::string_view verb;
  switch (request.command) {
    case ControlCommand::kMembers:
      verb = "members";
      break;
    case ControlCommand::kStats:
      verb = "stats";
      break;
    case ControlCommand::kKeysList:
      verb = "keys list";
      break;
    case ControlCommand::kKeysAdd:
      return absl::StrCat("keys add ", ToHex(request.argument), "\n");
    case ControlCommand::kKeysUse:
      return absl::StrCat("keys use ", request.argument, "\n");
    case ControlCommand::kKeysRemove:
      return absl::StrCat("keys remove ", request.argument, "\n");
    case ControlCommand::kLeave:
      verb = "leave";
      break;
    case ControlCommand::kMetrics:
      verb = "metrics";
      break;
    case ControlCommand::kMonitor:
      verb = "monitor";
      break;
  }
  return absl::StrCat(verb, request.json ? " json" : "", "\n");
}

std::string ControlOkResponse(absl::string_view body) {
  return absl::StrCat("ok ", body.size(), "\n", body);
}

std::string ControlErrorResponse(absl::string_view message) {
  std::string line = absl::StrCat("error ", message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line + "\n";
}

absl::StatusOr<ControlResponseHead> ParseControlResponseHead(
    absl::string_view line) {
  ControlResponseHead head;
  if (absl::ConsumePrefix(&line, "error ")) {
    head.kind = ControlResponseHead::Kind::kError;
    head.error = std::string(line);
    return head;
  }
  if (line == absl::StripSuffix(kControlStreamHeader, "\n")) {
    head.kind = ControlResponseHead::Kind::kStream;
    return head;
  }
  size_t bytes = 0;
  if (!absl::ConsumePrefix(&line, "ok ") || line.empty() ||
      !absl::ascii_isdigit(static_cast<unsigned char>(line[0])) ||
      !absl::SimpleAtoi(line, &bytes) || bytes > kMaxControlBodyBytes) {
    return absl::DataLossError("not a control socket response");
  }
  head.body_bytes = bytes;
  return head;
}

}  // namespace swim::net
