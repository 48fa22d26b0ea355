#include "swim/envelope.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "openssl/aead.h"
#include "openssl/err.h"
#include "swim/drop_reason.h"

namespace swim {
namespace {

constexpr size_t kKeyIdOffset = 2;
constexpr size_t kNonceOffset = 6;

const uint8_t* Bytes(absl::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace

absl::StatusOr<EnvelopeHeader> ParseEnvelopeHeader(
    const EnvelopeOptions& options, absl::string_view datagram) {
  if (datagram.size() < kEnvelopeOverheadBytes) {
    return DropError(DropReason::kTruncated,
                     absl::StrCat("datagram of ", datagram.size(),
                                  " bytes is shorter than the envelope"));
  }
  if (datagram.size() > options.max_datagram_bytes) {
    return DropError(DropReason::kOversized,
                     absl::StrCat("datagram of ", datagram.size(),
                                  " bytes exceeds the limit of ",
                                  options.max_datagram_bytes));
  }
  const uint8_t* in = Bytes(datagram);
  EnvelopeHeader header;
  header.version = in[0];
  if (!options.accepted.Contains(header.version)) {
    return DropError(DropReason::kBadVersion,
                     absl::StrCat("envelope version ", header.version));
  }
  const uint8_t flags = in[1];
  if ((flags & ~kEnvelopeFlagEncrypted) != 0) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("unknown envelope flags ", flags));
  }
  header.encrypted = (flags & kEnvelopeFlagEncrypted) != 0;
  const uint8_t* id = in + kKeyIdOffset;
  header.key_id = (KeyId{id[0]} << 24) | (KeyId{id[1]} << 16) |
                  (KeyId{id[2]} << 8) | KeyId{id[3]};
  header.payload_bytes = datagram.size() - kEnvelopeOverheadBytes;
  return header;
}

absl::Status SealDatagram(const Keyring& keyring,
                          const EnvelopeOptions& options,
                          absl::string_view body, RandomSource& random,
                          std::string* datagram) {
  const size_t total = kEnvelopeOverheadBytes + body.size();
  if (body.size() > MaxEnvelopeBodyBytes(options.max_datagram_bytes) ||
      total > options.max_datagram_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("body of ", body.size(), " bytes does not fit a ",
                     options.max_datagram_bytes, "-byte datagram"));
  }
  const EVP_AEAD_CTX* aead = keyring.primary_aead();
  if (aead == nullptr) return absl::FailedPreconditionError("empty keyring");

  datagram->resize(total);
  auto* out = reinterpret_cast<uint8_t*>(datagram->data());
  out[0] = options.version;
  out[1] = options.encrypt ? kEnvelopeFlagEncrypted : 0;
  const KeyId id = keyring.primary_key_id();
  for (int i = 0; i < 4; ++i) {
    out[kKeyIdOffset + i] = static_cast<uint8_t>(id >> (24 - 8 * i));
  }
  const uint8_t* nonce = out + kNonceOffset;
  random.Fill(absl::MakeSpan(out + kNonceOffset, kEnvelopeNonceBytes));
  uint8_t* payload = out + kEnvelopeHeaderBytes;
  uint8_t* tag = payload + body.size();

  size_t tag_bytes = 0;
  int ok;
  if (options.encrypt) {
    ok = EVP_AEAD_CTX_seal_scatter(
        aead, payload, tag, &tag_bytes, kEnvelopeTagBytes, nonce,
        kEnvelopeNonceBytes, Bytes(body), body.size(), nullptr, 0, out,
        kEnvelopeHeaderBytes);
  } else {
    if (!body.empty()) std::memcpy(payload, body.data(), body.size());
    uint8_t unused = 0;  // the empty plaintext's (unwritten) output
    ok = EVP_AEAD_CTX_seal_scatter(aead, &unused, tag, &tag_bytes,
                                   kEnvelopeTagBytes, nonce,
                                   kEnvelopeNonceBytes, &unused, 0, nullptr, 0,
                                   out, kEnvelopeHeaderBytes + body.size());
  }
  if (ok != 1 || tag_bytes != kEnvelopeTagBytes) {
    ERR_clear_error();
    datagram->clear();
    return absl::InternalError("AEAD seal failed");
  }
  return absl::OkStatus();
}

absl::Status OpenDatagram(const Keyring& keyring,
                          const EnvelopeOptions& options,
                          absl::string_view datagram, std::string* body) {
  body->clear();
  absl::StatusOr<EnvelopeHeader> header =
      ParseEnvelopeHeader(options, datagram);
  if (!header.ok()) return header.status();
  if (options.require_encryption && !header->encrypted) {
    return DropError(DropReason::kNotEncrypted,
                     "plaintext datagram while encryption is required");
  }
  const EVP_AEAD_CTX* aead = keyring.FindAead(header->key_id);
  if (aead == nullptr) {
    return DropError(
        DropReason::kUnknownKey,
        absl::StrCat("key id ", absl::Hex(header->key_id, absl::kZeroPad8),
                     " is not in the keyring"));
  }

  const uint8_t* in = Bytes(datagram);
  const uint8_t* nonce = in + kNonceOffset;
  const uint8_t* payload = in + kEnvelopeHeaderBytes;
  const size_t payload_bytes = header->payload_bytes;

  // Payload and tag are contiguous, as EVP_AEAD_CTX_open wants them. (The
  // assembly GCM-SIV in BoringSSL implements no open_gather.)
  const size_t sealed_bytes = payload_bytes + kEnvelopeTagBytes;
  size_t out_bytes = 0;
  bool authentic;
  if (header->encrypted) {
    body->resize(payload_bytes);
    authentic = EVP_AEAD_CTX_open(
                    aead, reinterpret_cast<uint8_t*>(body->data()), &out_bytes,
                    payload_bytes, nonce, kEnvelopeNonceBytes, payload,
                    sealed_bytes, in, kEnvelopeHeaderBytes) == 1 &&
                out_bytes == payload_bytes;
  } else {
    // The tag alone is the "ciphertext" of an empty plaintext.
    uint8_t unused = 0;
    authentic = EVP_AEAD_CTX_open(aead, &unused, &out_bytes, 0, nonce,
                                  kEnvelopeNonceBytes, payload + payload_bytes,
                                  kEnvelopeTagBytes, in,
                                  kEnvelopeHeaderBytes + payload_bytes) == 1 &&
                out_bytes == 0;
  }
  if (!authentic) {
    ERR_clear_error();  // a forged datagram is not a library error
    body->clear();
    return DropError(DropReason::kAuthFailed, "tag check failed");
  }
  if (!header->encrypted) {
    body->assign(datagram.data() + kEnvelopeHeaderBytes, payload_bytes);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OpenDatagram(const Keyring& keyring,
                                         const EnvelopeOptions& options,
                                         absl::string_view datagram) {
  std::string body;
  absl::Status status = OpenDatagram(keyring, options, datagram, &body);
  if (!status.ok()) return status;
  return body;
}

}  // namespace swim
