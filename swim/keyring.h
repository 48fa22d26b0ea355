// The shared secrets of a cluster, bound to the cluster's name.
//
// Every member holds the same keyring. The primary key (the first one given)
// authenticates (and optionally encrypts) what a member sends; every key in
// the ring is accepted for what it receives. Keys are never sent: datagrams
// name their key by a 4-byte id (see KeyIdOf), and each key is expanded into
// a packet key with HKDF-SHA256(secret = key, salt = "swim/1",
// info = cluster name), so members of a differently named cluster reject
// our datagrams even if they share a key.
//
// Rotating from key k1 to k2 without a partition, one member at a time:
//   1. Add(k2) on every member (everyone still sends with k1);
//   2. SetPrimary(k2) on every member (everyone accepts both);
//   3. Remove(k1) on every member (nobody sends with k1 any more).
// A running swim::Node rotates through Node::AddKey/UseKey/RemoveKey, which
// name keys by id (the *ById methods below) so that the key bytes are only
// ever given once.
// A member may join mid-rotation if it holds the key the others send with
// and its own primary is in their rings.
//
//   absl::StatusOr<Keyring> keyring = Keyring::Create("prod", {k1});
//   if (!keyring.ok()) return keyring.status();
//   absl::Status added = keyring->Add(k2);
//
// Keyring is movable, not copyable. Const methods may be called from several
// threads at once; the rotation methods need exclusive access.
#ifndef SWIM_KEYRING_H_
#define SWIM_KEYRING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/base.h"

namespace swim {

// Shorter keys are rejected: a cluster key must resist brute force.
inline constexpr size_t kMinKeyBytes = 16;
inline constexpr size_t kMaxClusterNameBytes = 255;

// The big-endian value of the 4 key id bytes carried in every datagram.
using KeyId = uint32_t;

// The id of `key`: the first 4 bytes of SHA-256("swim key id" || key). It
// depends on the key alone, so clusters that share a key see the same id.
KeyId KeyIdOf(absl::string_view key);

// `id` as the 8 lowercase hex digits tools print, and back (InvalidArgument
// unless `text` is 1 to 8 hex digits).
std::string KeyIdText(KeyId id);
absl::StatusOr<KeyId> ParseKeyId(absl::string_view text);

class Keyring {
 public:
  // A keyring for the cluster called `cluster_name` (at most 255 bytes; the
  // empty name is the default cluster). keys[0] is the primary. Fails if
  // there are no keys, a key is shorter than kMinKeyBytes, or two keys are
  // equal or share an id. The strings in `keys` are zeroed before returning.
  static absl::StatusOr<Keyring> Create(absl::string_view cluster_name,
                                        std::vector<std::string> keys);

  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;
  ~Keyring() = default;

  // Accepts `key` for verification from now on; the primary is unchanged.
  // AlreadyExists if it (or a key with its id) is in the ring.
  absl::Status Add(absl::string_view key);

  // Sends with `key` from now on. NotFound unless it is in the ring.
  absl::Status SetPrimary(absl::string_view key);

  // Stops accepting `key`. NotFound unless it is in the ring;
  // FailedPrecondition if it is the primary (SetPrimary another key first).
  absl::Status Remove(absl::string_view key);

  // As SetPrimary and Remove, naming the key by its id (KeyIdOf): NotFound
  // for an id not in the ring; RemoveById is FailedPrecondition for the
  // primary, and so for the last key.
  absl::Status SetPrimaryById(KeyId id);
  absl::Status RemoveById(KeyId id);

  size_t size() const { return keys_.size(); }
  KeyId primary_key_id() const;
  // Ids of all keys, the primary first.
  std::vector<KeyId> key_ids() const;
  const std::string& cluster_name() const { return cluster_name_; }

  // For swim/envelope: the AEAD (AES-256-GCM-SIV) context keyed with the
  // primary's packet key, or with the packet key of the key whose id is
  // `id`. nullptr if there is no such key.
  const EVP_AEAD_CTX* primary_aead() const;
  const EVP_AEAD_CTX* FindAead(KeyId id) const;

 private:
  struct Key;  // id, fingerprint and AEAD context; defined in keyring.cc
  struct KeyDeleter {
    void operator()(Key* key) const;
  };
  using KeyPtr = std::unique_ptr<Key, KeyDeleter>;

  explicit Keyring(std::string cluster_name)
      : cluster_name_(std::move(cluster_name)) {}

  static absl::StatusOr<KeyPtr> NewKey(absl::string_view cluster_name,
                                       absl::string_view key);
  // Index of the key equal to `key` (or with id `id`) in keys_, or -1.
  int Find(absl::string_view key) const;
  int FindId(KeyId id) const;
  absl::Status SetPrimaryAt(int index);
  absl::Status RemoveAt(int index);
  // Why `key` cannot join the ring, or OK.
  absl::Status CheckNew(const Key& key) const;

  std::string cluster_name_;
  std::vector<KeyPtr> keys_;  // keys_[0] is the primary
};

}  // namespace swim

#endif  // SWIM_KEYRING_H_
