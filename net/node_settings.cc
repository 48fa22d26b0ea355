#include "net/node_settings.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "swim/config.h"

namespace swim::net {
namespace {

absl::Status Bad(absl::string_view what, absl::string_view value,
                 absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(what, "=", value, ": ", why));
}

}  // namespace

absl::StatusOr<std::string> FindSecret(const NodeIdentityInputs& given,
                                       const EnvironmentLookup& environment) {
  if (!given.secret.empty()) return given.secret;
  std::string file = given.secret_file;
  absl::string_view file_source = "--secret_file";
  if (file.empty()) {
    if (std::optional<std::string> f = environment("SWIM_SECRET_FILE")) {
      file = *f;
      file_source = "SWIM_SECRET_FILE";
    }
  }
  if (!file.empty()) {
    absl::StatusOr<std::string> secret = ReadSecretFile(file);
    if (!secret.ok()) {
      return absl::Status(
          secret.status().code(),
          absl::StrCat(file_source, "=", secret.status().message()));
    }
    return secret;
  }
  if (std::optional<std::string> s = environment("SWIM_SECRET")) {
    if (!s->empty()) return *s;
  }
  return absl::InvalidArgumentError(
      "no secret: give --secret, --secret_file, SWIM_SECRET_FILE or "
      "SWIM_SECRET (there is no insecure default)");
}

std::optional<std::string> ProcessEnvironment(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

absl::StatusOr<std::vector<std::string>> ResolvePeers(
    const std::vector<std::string>& peers, absl::string_view source,
    absl::string_view own_address) {
  std::vector<std::string> result;
  for (const std::string& peer : peers) {
    absl::StatusOr<std::vector<SocketAddress>> all =
        ResolveSocketAddresses(peer);
    if (!all.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, "=", peer, ": ", all.status().message()));
    }
    for (const SocketAddress& address : *all) {
      if (address.port() == 0) {
        return Bad(source, peer, "port 0 is not a peer's port");
      }
      std::string text = address.ToString();
      if (text == own_address) continue;
      bool seen = false;
      for (const std::string& r : result) seen = seen || r == text;
      if (!seen) result.push_back(std::move(text));
    }
  }
  return result;
}

absl::Status ApplyNodeIdentity(const NodeIdentityInputs& given,
                               const EnvironmentLookup& environment,
                               Config* config) {
  // Name.
  std::string name = given.name;
  absl::string_view name_source = "--name";
  if (name.empty()) {
    if (std::optional<std::string> n = environment("SWIM_NAME")) {
      name = *n;
      name_source = "SWIM_NAME";
    }
  }
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "no name: give --name=host:port (or SWIM_NAME)");
  }
  if (!IsValidMemberName(name)) {
    return Bad(name_source, name,
               "not a member name (1-255 printable ASCII bytes, no spaces)");
  }

  // Address: the name itself unless given.
  std::string address = given.address;
  absl::string_view address_source = "--address";
  if (address.empty()) {
    address = name;
    address_source = name_source;
  }
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitHostPort(address, &host, &port); !s.ok()) {
    return Bad(address_source, address,
               given.address.empty()
                   ? absl::StrCat(s.message(),
                                  "; the name is the address unless "
                                  "--address=host:port is given")
                   : std::string(s.message()));
  }

  // Peers.
  std::vector<std::string> peers = given.peers;
  absl::string_view peers_source = "--peer";
  if (peers.empty()) {
    if (std::optional<std::string> p = environment("SWIM_PEERS")) {
      for (absl::string_view part : absl::StrSplit(*p, ',')) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty()) peers.emplace_back(part);
      }
      peers_source = "SWIM_PEERS";
    }
  }
  absl::StatusOr<std::vector<std::string>> resolved =
      ResolvePeers(peers, peers_source, address);
  if (!resolved.ok()) return resolved.status();

  // Secret.
  absl::StatusOr<std::string> secret = FindSecret(given, environment);
  if (!secret.ok()) return secret.status();

  // Metadata.
  Metadata metadata;
  for (const std::string& entry : given.metadata) {
    size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Bad("--metadata", entry, "want key=value");
    }
    metadata[entry.substr(0, equals)] = entry.substr(equals + 1);
  }

  config->name = name;
  config->address = address;
  config->seed_peers = *std::move(resolved);
  config->keys = {DeriveKeyFromSecret(*secret)};
  config->metadata = std::move(metadata);
  return absl::OkStatus();
}

}  // namespace swim::net
