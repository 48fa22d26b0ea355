#include "net/secret.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace swim::net {
namespace {

// Domain separation: the key is not the SHA-256 of the secret that some
// other program might also compute.
constexpr absl::string_view kKeyPrefix = "swim secret v1";

}  // namespace

std::string DeriveKeyFromSecret(absl::string_view secret) {
  SHA256_CTX sha;
  SHA256_Init(&sha);
  SHA256_Update(&sha, kKeyPrefix.data(), kKeyPrefix.size());
  SHA256_Update(&sha, secret.data(), secret.size());
  std::string key(SHA256_DIGEST_LENGTH, '\0');
  SHA256_Final(reinterpret_cast<uint8_t*>(&key[0]), &sha);
  return key;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    std::string message =
        absl::StrCat(path, ": cannot read: ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  // Read at most one byte past the limit: enough to tell a file that is
  // too long (or endless, like /dev/zero) without holding it.
  std::string contents;
  char buffer[4096];
  size_t n;
  while (contents.size() <= kMaxSecretFileBytes &&
         (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    contents.append(buffer, n);
  }
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot read"));
  }
  if (contents.size() > kMaxSecretFileBytes) {
    std::fill(contents.begin(), contents.end(), '\0');
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": longer than ", kMaxSecretFileBytes,
                     " bytes; a secret file holds one secret"));
  }
  if (absl::EndsWith(contents, "\r\n")) {
    contents.resize(contents.size() - 2);
  } else if (absl::EndsWith(contents, "\n")) {
    contents.resize(contents.size() - 1);
  }
  if (contents.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty secret"));
  }
  return contents;
}

}  // namespace swim::net
