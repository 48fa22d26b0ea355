#include "swim/keyring.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/aead.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/hkdf.h"
#include "openssl/mem.h"
#include "openssl/sha.h"

namespace swim {
namespace {

constexpr absl::string_view kKeyIdLabel = "swim key id";
constexpr absl::string_view kHkdfSalt = "swim/1";
constexpr size_t kPacketKeyBytes = 32;  // AES-256

using Fingerprint = std::array<uint8_t, SHA256_DIGEST_LENGTH>;

// SHA-256("swim key id" || key). Its first 4 bytes are the key id; all 32
// tell keys apart exactly, so the raw key need not be kept.
Fingerprint FingerprintOf(absl::string_view key) {
  SHA256_CTX sha;
  SHA256_Init(&sha);
  SHA256_Update(&sha, kKeyIdLabel.data(), kKeyIdLabel.size());
  SHA256_Update(&sha, key.data(), key.size());
  Fingerprint digest;
  SHA256_Final(digest.data(), &sha);
  OPENSSL_cleanse(&sha, sizeof(sha));
  return digest;
}

KeyId IdOf(const Fingerprint& fingerprint) {
  return (KeyId{fingerprint[0]} << 24) | (KeyId{fingerprint[1]} << 16) |
         (KeyId{fingerprint[2]} << 8) | KeyId{fingerprint[3]};
}

}  // namespace

KeyId KeyIdOf(absl::string_view key) { return IdOf(FingerprintOf(key)); }

std::string KeyIdText(KeyId id) { return absl::StrFormat("%08x", id); }

absl::StatusOr<KeyId> ParseKeyId(absl::string_view text) {
  // SimpleHexAtoi alone would also take a sign, "0x" and white space.
  KeyId id = 0;
  if (text.empty() || text.size() > 8 ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isxdigit) ||
      !absl::SimpleHexAtoi(text, &id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key id '", absl::CHexEscape(text), "': want 1 to 8 hex digits"));
  }
  return id;
}

struct Keyring::Key {
  Key() { EVP_AEAD_CTX_zero(&aead); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key() {
    EVP_AEAD_CTX_cleanup(&aead);
    OPENSSL_cleanse(&aead, sizeof(aead));
    OPENSSL_cleanse(fingerprint.data(), fingerprint.size());
  }

  KeyId id = 0;
  Fingerprint fingerprint{};
  EVP_AEAD_CTX aead;  // holds the expanded packet key
};

void Keyring::KeyDeleter::operator()(Key* key) const { delete key; }

absl::StatusOr<Keyring::KeyPtr> Keyring::NewKey(absl::string_view cluster_name,
                                                absl::string_view key) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key is ", key.size(), " bytes; keys need at least ", kMinKeyBytes));
  }
  KeyPtr entry(new Key);
  entry->fingerprint = FingerprintOf(key);
  entry->id = IdOf(entry->fingerprint);

  std::array<uint8_t, kPacketKeyBytes> packet_key;
  const bool ok =
      HKDF(packet_key.data(), packet_key.size(), EVP_sha256(),
           reinterpret_cast<const uint8_t*>(key.data()), key.size(),
           reinterpret_cast<const uint8_t*>(kHkdfSalt.data()), kHkdfSalt.size(),
           reinterpret_cast<const uint8_t*>(cluster_name.data()),
           cluster_name.size()) == 1 &&
      EVP_AEAD_CTX_init(&entry->aead, EVP_aead_aes_256_gcm_siv(),
                        packet_key.data(), packet_key.size(),
                        EVP_AEAD_DEFAULT_TAG_LENGTH,  // 16 bytes for GCM-SIV
                        nullptr) == 1;
  OPENSSL_cleanse(packet_key.data(), packet_key.size());
  if (!ok) {
    ERR_clear_error();
    return absl::InternalError("BoringSSL failed to set up a key");
  }
  return entry;
}

absl::StatusOr<Keyring> Keyring::Create(absl::string_view cluster_name,
                                        std::vector<std::string> keys) {
  // Zero the caller's key copies whichever way this returns.
  struct Wipe {
    std::vector<std::string>& keys;
    ~Wipe() {
      for (std::string& key : keys) OPENSSL_cleanse(key.data(), key.size());
    }
  } wipe{keys};

  if (cluster_name.size() > kMaxClusterNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("cluster name is ", cluster_name.size(),
                     " bytes; the limit is ", kMaxClusterNameBytes));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError("keyring needs at least one key");
  }
  Keyring keyring{std::string(cluster_name)};
  keyring.keys_.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<KeyPtr> key = NewKey(cluster_name, keys[i]);
    absl::Status status = key.ok() ? keyring.CheckNew(**key) : key.status();
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("keys[", i, "]: ", status.message()));
    }
    keyring.keys_.push_back(*std::move(key));
  }
  return keyring;
}

absl::Status Keyring::CheckNew(const Key& key) const {
  for (const KeyPtr& other : keys_) {
    if (CRYPTO_memcmp(other->fingerprint.data(), key.fingerprint.data(),
                      key.fingerprint.size()) == 0) {
      return absl::AlreadyExistsError("duplicate key: already in the keyring");
    }
    if (other->id == key.id) {
      // Receivers pick the key by id, so ids must be unique in a ring.
      return absl::AlreadyExistsError(
          "key id collides with another key in the keyring");
    }
  }
  return absl::OkStatus();
}

int Keyring::Find(absl::string_view key) const {
  const Fingerprint fingerprint = FingerprintOf(key);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (CRYPTO_memcmp(keys_[i]->fingerprint.data(), fingerprint.data(),
                      fingerprint.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

absl::Status Keyring::Add(absl::string_view key) {
  absl::StatusOr<KeyPtr> entry = NewKey(cluster_name_, key);
  if (!entry.ok()) return entry.status();
  if (absl::Status status = CheckNew(**entry); !status.ok()) return status;
  keys_.push_back(*std::move(entry));
  return absl::OkStatus();
}

int Keyring::FindId(KeyId id) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i]->id == id) return static_cast<int>(i);
  }
  return -1;
}

absl::Status Keyring::SetPrimary(absl::string_view key) {
  return SetPrimaryAt(Find(key));
}

absl::Status Keyring::SetPrimaryById(KeyId id) {
  const int index = FindId(id);
  if (index < 0) {
    return absl::NotFoundError(
        absl::StrCat("no key with id ", KeyIdText(id), " in the keyring"));
  }
  return SetPrimaryAt(index);
}

absl::Status Keyring::SetPrimaryAt(int index) {
  if (index < 0) return absl::NotFoundError("key is not in the keyring");
  // Keep the others in order; only the primary's position is meaningful.
  std::rotate(keys_.begin(), keys_.begin() + index, keys_.begin() + index + 1);
  return absl::OkStatus();
}

absl::Status Keyring::Remove(absl::string_view key) {
  return RemoveAt(Find(key));
}

absl::Status Keyring::RemoveById(KeyId id) {
  const int index = FindId(id);
  if (index < 0) {
    return absl::NotFoundError(
        absl::StrCat("no key with id ", KeyIdText(id), " in the keyring"));
  }
  return RemoveAt(index);
}

absl::Status Keyring::RemoveAt(int index) {
  if (index < 0) return absl::NotFoundError("key is not in the keyring");
  if (index == 0) {
    return absl::FailedPreconditionError(
        keys_.size() == 1
            ? "cannot remove the last key; add and use another key first"
            : "cannot remove the primary key; make another key primary "
              "first");
  }
  keys_.erase(keys_.begin() + index);
  return absl::OkStatus();
}

KeyId Keyring::primary_key_id() const {
  return keys_.empty() ? 0 : keys_.front()->id;
}

std::vector<KeyId> Keyring::key_ids() const {
  std::vector<KeyId> ids;
  ids.reserve(keys_.size());
  for (const KeyPtr& key : keys_) ids.push_back(key->id);
  return ids;
}

const EVP_AEAD_CTX* Keyring::primary_aead() const {
  return keys_.empty() ? nullptr : &keys_.front()->aead;
}

const EVP_AEAD_CTX* Keyring::FindAead(KeyId id) const {
  for (const KeyPtr& key : keys_) {
    if (key->id == id) return &key->aead;
  }
  return nullptr;
}

}  // namespace swim
