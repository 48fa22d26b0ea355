// libFuzzer target: decode-and-verify, the path every received datagram
// takes. Build and run with
//
//   bazel run --config=fuzz //tests/swim:codec_fuzz --
//       $PWD/tests/swim/codec_fuzz_corpus   (one command line)
//
// The input is tried as a datagram (OpenDatagram, then DecodePacket in the
// envelope's version if it authenticates) and as a body of each protocol
// version (DecodePacket alone, since random bytes almost never carry a
// valid tag). Whatever decodes must re-encode to the
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
#include "swim/packet_view.h"
#include "swim/prng.h"
#include "swim/protocol_version.h"

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

void DecodeBody(absl::string_view body, uint8_t version) {
  swim::PacketView view;
  if (!swim::DecodePacketView(body, &view, swim::kMaxDatagramBytes, version)
           .ok()) {
    return;
  }
  const swim::Packet packet = swim::ToPacket(view);
  absl::StatusOr<std::string> again =
      swim::EncodePacket(packet, {version, view.sender_protocol});
  // Canonical, unless items of unknown types were skipped (version 2 on).
  if (view.skipped_messages + view.skipped_updates == 0) {
    Check(again.ok() && *again == body);
  } else {
    Check(again.ok() && again->size() <= body.size());
  }

  swim::EnvelopeOptions options;
  options.encrypt = body.size() % 2 == 0;
  options.max_datagram_bytes = swim::kMaxDatagramBytes;
  options.version = version;
  options.accepted = {version, version};
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
  options.accepted = {swim::kOldestProtocolVersion,
                      swim::kNewestProtocolVersion};
  absl::StatusOr<std::string> body =
      swim::OpenDatagram(FuzzKeyring(), options, input);
  if (body.ok()) DecodeBody(*body, static_cast<uint8_t>(input[0]));
  for (uint8_t version = swim::kOldestProtocolVersion;
       version <= swim::kNewestProtocolVersion; ++version) {
    DecodeBody(input, version);
  }
  return 0;
}
