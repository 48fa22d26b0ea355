#include "net/secret_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "net/node_settings.h"
#include "net/secret.h"

ABSL_FLAG(std::string, secret, "",
          "The cluster's shared secret. Default: the contents of "
          "--secret_file or $SWIM_SECRET_FILE, else $SWIM_SECRET. Required.");
ABSL_FLAG(std::string, secret_file, "",
          "A file holding the shared secret (one trailing newline stripped).");
ABSL_FLAG(std::string, cluster, "",
          "The cluster's name: members of differently named clusters ignore "
          "each other.");

namespace swim::net {

bool SecretGiven() {
  return !absl::GetFlag(FLAGS_secret).empty() ||
         !absl::GetFlag(FLAGS_secret_file).empty() ||
         ProcessEnvironment("SWIM_SECRET_FILE").has_value() ||
         !ProcessEnvironment("SWIM_SECRET").value_or("").empty();
}

absl::StatusOr<std::string> KeyFromSecretFlags() {
  NodeIdentityInputs given;
  given.secret = absl::GetFlag(FLAGS_secret);
  given.secret_file = absl::GetFlag(FLAGS_secret_file);
  absl::StatusOr<std::string> secret = FindSecret(given, ProcessEnvironment);
  if (!secret.ok()) return secret.status();
  return DeriveKeyFromSecret(*secret);
}

}  // namespace swim::net
