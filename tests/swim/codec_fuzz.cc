// libFuzzer target: decode-and-verify, the path every received datagram
// takes. Build and run with
//
//   bazel run --config=fuzz //tests/swim:codec_fuzz --
//       $PWD/tests/swim/codec_fuzz_corpus   (one command line)
//
// The input is tried twice: as a datagram (OpenDatagram, then DecodePacket
// if it authenticates) and as a body (DecodePacket alone, since random bytes
// almost never carry a valid tag). Whatever decodes must re-encode to the
// same bytes and survive a seal/open round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"

namespace {

const swim::Keyring& FuzzKeyring() {
  static const swim::Keyring* const keyring = [] {
    absl::StatusOr<swim::Keyring> created = swim::Keyring::Create(
        "fuzz", {std::string(32, 'k'), std::string(16, 'o')});
    if (!created.ok()) std::abort();
    return new swim::Keyring(std::move(*created));
  }();
  return *keyring;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

void DecodeBody(absl::string_view body) {
  absl::StatusOr<swim::Packet> packet = swim::DecodePacket(body);
  if (!packet.ok()) return;
  absl::StatusOr<std::string> again = swim::EncodePacket(*packet);
  Check(again.ok() && *again == body);

  swim::EnvelopeOptions options;
  options.encrypt = body.size() % 2 == 0;
  options.max_datagram_bytes = swim::kMaxDatagramBytes;
  swim::Prng prng(body.size());
  std::string datagram;
  if (!swim::SealDatagram(FuzzKeyring(), options, body, prng, &datagram).ok()) {
    Check(body.size() + swim::kEnvelopeOverheadBytes >
          options.max_datagram_bytes);
    return;
  }
  absl::StatusOr<std::string> opened =
      swim::OpenDatagram(FuzzKeyring(), options, datagram);
  Check(opened.ok() && *opened == body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  swim::EnvelopeOptions options;
  options.max_datagram_bytes = swim::kMaxDatagramBytes;
  absl::StatusOr<std::string> body =
      swim::OpenDatagram(FuzzKeyring(), options, input);
  if (body.ok()) DecodeBody(*body);
  DecodeBody(input);
  return 0;
}
