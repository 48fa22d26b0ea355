// Sealing and opening of datagrams: the authenticated (optionally
// encrypted) envelope around every packet body swim sends.
//
// Wire format, versions 1 and 2 (all multi-byte fields big-endian):
//
//   offset  size  field
//   0       1     version: the body's protocol version, 1 or 2
//   1       1     flags: bit 0 = payload encrypted; other bits must be 0
//   2       4     key id: first 4 bytes of SHA-256("swim key id" || key)
//   6       12    nonce: 12 bytes from the sender's RandomSource
//   18      n     payload
//   18 + n  16    tag
//
// Bytes 0..17 are the header; overhead is 34 bytes. The AEAD is
// AES-256-GCM-SIV keyed with the packet key of the key named by the key id,
// HKDF-SHA256(secret = key, salt = "swim/1", info = cluster name), so the
// cluster name is authenticated without being sent.
//   - Encrypted (flag set): payload || tag = AEAD-Seal(nonce, plaintext =
//     body, additional data = header).
//   - Authenticated only (flag clear): payload = body in the clear and
//     tag = AEAD-Seal(nonce, plaintext = empty, additional data = header ||
//     body); one primitive serves both modes.
// A receiver drops a datagram (DropError, swim/drop_reason.h) that is
// shorter than 34 bytes (truncated), longer than its limit (oversized), of
// a version outside options.accepted (bad_version), has unknown flag bits
// (bad_value), is plaintext when encryption is required (not_encrypted), names
// a key id not in its keyring (unknown_key) or fails the tag check
// (auth_failed).
//
// GCM-SIV tolerates a repeated nonce (it then reveals only that two
// datagrams were identical), which matters when a deterministic Prng
// supplies nonces in simulation. The envelope does not stop replays: a
// captured datagram opens again; the protocol's sequence numbers and
// incarnations make replays stale.
//
//   EnvelopeOptions options;
//   options.encrypt = true;
//   std::string datagram;
//   absl::Status sealed =
//       SealDatagram(keyring, options, body, random, &datagram);
//   ...
//   absl::StatusOr<std::string> opened =
//       OpenDatagram(keyring, options, datagram);
//   if (!opened.ok()) {
//     ++drops[static_cast<size_t>(DropReasonOf(opened.status()))];
//   }
#ifndef SWIM_ENVELOPE_H_
#define SWIM_ENVELOPE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "swim/keyring.h"
#include "swim/protocol_version.h"
#include "swim/random.h"

namespace swim {

inline constexpr uint8_t kEnvelopeVersion = 1;
inline constexpr uint8_t kEnvelopeFlagEncrypted = 0x01;
inline constexpr size_t kEnvelopeHeaderBytes = 18;
inline constexpr size_t kEnvelopeNonceBytes = 12;
inline constexpr size_t kEnvelopeTagBytes = 16;
inline constexpr size_t kEnvelopeOverheadBytes = 34;
inline constexpr size_t kDefaultMaxDatagramBytes = 1400;

static_assert(kEnvelopeOverheadBytes ==
              kEnvelopeHeaderBytes + kEnvelopeTagBytes);

struct EnvelopeOptions {
  // Sealing: encrypt the body (otherwise it is only authenticated).
  bool encrypt = false;
  // Opening: drop datagrams whose body is not encrypted.
  bool require_encryption = false;
  // Both: the largest datagram sent or accepted, envelope included.
  size_t max_datagram_bytes = kDefaultMaxDatagramBytes;
  // Sealing: the version byte, which is the body's protocol version
  // (swim/protocol_version.h).
  uint8_t version = kEnvelopeVersion;
  // Opening: the versions accepted; others are bad_version. A Node accepts
  // its config's range.
  ProtocolRange accepted{kEnvelopeVersion, kEnvelopeVersion};
};

// The largest body that fits a datagram of `max_datagram_bytes` (0 also
// when the limit is below the envelope overhead and nothing fits).
constexpr size_t MaxEnvelopeBodyBytes(size_t max_datagram_bytes) {
  return max_datagram_bytes > kEnvelopeOverheadBytes
             ? max_datagram_bytes - kEnvelopeOverheadBytes
             : 0;
}

// What a datagram's header says, before any authentication: for logging and
// inspection only; trust nothing in it.
struct EnvelopeHeader {
  uint8_t version = 0;
  bool encrypted = false;
  KeyId key_id = 0;
  size_t payload_bytes = 0;
};

// Checks the parts of `datagram` that need no key (size, version, flags).
// Every error is a DropError.
absl::StatusOr<EnvelopeHeader> ParseEnvelopeHeader(
    const EnvelopeOptions& options, absl::string_view datagram);

// Replaces `*datagram` with `body` sealed under the keyring's primary key,
// encrypted if options.encrypt, with a nonce drawn from `random`. Reuses the
// capacity of `*datagram`, so a reused buffer is not reallocated. `body`
// must not overlap `*datagram`. InvalidArgument if the datagram would exceed
// options.max_datagram_bytes; FailedPrecondition if the keyring is empty.
absl::Status SealDatagram(const Keyring& keyring,
                          const EnvelopeOptions& options,
                          absl::string_view body, RandomSource& random,
                          std::string* datagram);

// The body of `datagram` if it is authentic under some key of `keyring` and
// acceptable under `options`. Every error is a DropError.
absl::StatusOr<std::string> OpenDatagram(const Keyring& keyring,
                                         const EnvelopeOptions& options,
                                         absl::string_view datagram);

// As above, but replaces `*body` (cleared on error), reusing its capacity.
// `datagram` must not overlap `*body`.
absl::Status OpenDatagram(const Keyring& keyring,
                          const EnvelopeOptions& options,
                          absl::string_view datagram, std::string* body);

}  // namespace swim

#endif  // SWIM_ENVELOPE_H_
