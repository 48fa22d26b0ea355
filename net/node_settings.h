// Who a node is, as the seed's users configure it: name, address, peers and
// secret from the command line or the environment (the command line wins).
//
//   name     --name              else SWIM_NAME          (required)
//   address  --address           else the name, which is then host:port
//   peers    --peer (repeatable) else SWIM_PEERS (comma-separated)
//   secret   --secret, else --secret_file, else SWIM_SECRET_FILE (one
//            trailing newline stripped), else SWIM_SECRET  (required; there
//            is no insecure default). See net/secret.h for the key.
//   metadata --metadata=key=value (repeatable)
//
// A peer that is a DNS name contributes every address it resolves to
// (discovery of, say, a container service); the node's own address is left
// out. Every error is one line that names the flag or variable at fault.
//
//   NodeIdentityInputs given;
//   given.name = "127.0.0.1:2001";
//   given.peers = {"127.0.0.1:2002"};
//   absl::Status s = ApplyNodeIdentity(given, ProcessEnvironment, &config);
#ifndef NET_NODE_SETTINGS_H_
#define NET_NODE_SETTINGS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "swim/config.h"

namespace swim::net {

// What the command line said; empty means "not given".
struct NodeIdentityInputs {
  std::string name;
  std::string address;
  std::vector<std::string> peers;
  std::string secret;
  std::string secret_file;
  std::vector<std::string> metadata;  // "key=value" each
};

// Reads an environment variable; nullopt if unset.
using EnvironmentLookup =
    std::function<std::optional<std::string>(const char* variable)>;

// The process's environment (getenv).
std::optional<std::string> ProcessEnvironment(const char* variable);

// The secret `given` and `environment` name (in the order above), with
// errors that name the flag or variable.
absl::StatusOr<std::string> FindSecret(const NodeIdentityInputs& given,
                                       const EnvironmentLookup& environment);

// Fills config->name, address, seed_peers, keys and metadata from `given`
// and `environment`. InvalidArgument (or the secret file's error) in one
// line naming the flag or variable, e.g. "--peer=foo:99999: bad port".
absl::Status ApplyNodeIdentity(const NodeIdentityInputs& given,
                               const EnvironmentLookup& environment,
                               Config* config);

// Resolves peers given as host:port (DNS names to all their addresses) into
// numeric addresses, dropping duplicates and `own_address`. `source` names
// where they came from for errors ("--peer", "SWIM_PEERS").
absl::StatusOr<std::vector<std::string>> ResolvePeers(
    const std::vector<std::string>& peers, absl::string_view source,
    absl::string_view own_address);

}  // namespace swim::net

#endif  // NET_NODE_SETTINGS_H_
