// The cluster secret, as the seed's users give it, and the key derived from
// it.
//
// The seed signs with an arbitrary shared secret of any length. swim's
// envelope wants keys of at least 16 bytes (swim/keyring.h), so the secret
// is treated as a passphrase and always stretched: the key is
// SHA-256("swim secret v1" || secret), 32 bytes. Every node of a cluster
// derives the same key from the same secret, whatever its length; an empty
// secret is refused. A short secret is as weak as it is short: prefer 16 or
// more random bytes (e.g. `head -c 24 /dev/urandom | base64`).
//
//   absl::StatusOr<std::string> secret = ReadSecretFile("/etc/swim/secret");
//   if (!secret.ok()) return secret.status();
//   config.keys = {DeriveKeyFromSecret(*secret)};
#ifndef NET_SECRET_H_
#define NET_SECRET_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace swim::net {

// The 32-byte envelope key for `secret` (see above).
std::string DeriveKeyFromSecret(absl::string_view secret);

// The longest secret file read: 64 KiB.
inline constexpr size_t kMaxSecretFileBytes = size_t{64} * 1024;

// The file's contents without one trailing newline ("\n" or "\r\n").
// NotFound / PermissionDenied / InvalidArgument (empty, or longer than
// kMaxSecretFileBytes, which is never read whole) name the path.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

}  // namespace swim::net

#endif  // NET_SECRET_H_
