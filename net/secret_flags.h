// The flags that give a program the cluster's secret and name, shared by
// the node programs (net/node_flags.h) and the datagram inspector, so that
// both take them alike: --secret, else --secret_file, else
// $SWIM_SECRET_FILE, else $SWIM_SECRET (net/node_settings.h), and
// --cluster.
//
//   absl::StatusOr<std::string> key = KeyFromSecretFlags();
//   if (!key.ok()) return ExitWithError(argv[0], key.status());
//   Keyring::Create(absl::GetFlag(FLAGS_cluster), {*key});
#ifndef NET_SECRET_FLAGS_H_
#define NET_SECRET_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"

ABSL_DECLARE_FLAG(std::string, secret);
ABSL_DECLARE_FLAG(std::string, secret_file);
ABSL_DECLARE_FLAG(std::string, cluster);

namespace swim::net {

// Whether the flags or the environment give a secret at all.
bool SecretGiven();

// The envelope key (DeriveKeyFromSecret) of the secret the flags and the
// environment give; errors name the flag or variable, as the nodes'.
absl::StatusOr<std::string> KeyFromSecretFlags();

}  // namespace swim::net

#endif  // NET_SECRET_FLAGS_H_
