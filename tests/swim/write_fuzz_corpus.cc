// Writes the codec fuzzer's seed corpus into the directory given as the
// first argument: for each of a few dozen random valid packets, its body and
// the body sealed (in clear and encrypted) with the keyring codec_fuzz.cc
// uses, in protocol version 1 and again in version 2 (files "v2-..."), plus
// version 2 bodies with items of unknown types between known ones. With a
// second argument, also node fuzzer scripts there ("v2-seed-NN", random
// bytes whose even first byte makes the node speak version 2 too).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "tests/testing/packet_generator.h"

namespace {

constexpr int kPackets = 24;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// Version 2 bodies of the application state exchange's messages, counted
// in `files`; false on error.
bool WriteStateBodies(const std::string& dir, int& files) {
  const swim::Framing framing{2, {1, 2}};
  const swim::Message state_messages[] = {
      swim::StateOffer{7, 5000, true, true},
      swim::StateRequest{7, 1200, 99},
      swim::StateChunk{7, 5000, 1200, std::string(300, 's')},
  };
  int n = 0;
  for (const swim::Message& message : state_messages) {
    swim::Packet packet;
    packet.sender = "node-0001";
    packet.message = message;
    absl::StatusOr<std::string> body = swim::EncodePacket(packet, framing);
    if (!body.ok() || !Write(absl::StrCat(dir, "/v2-state-", n), *body)) {
      return false;
    }
    ++n;
    ++files;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s CODEC_DIRECTORY [NODE_DIRECTORY]\n",
                 argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  absl::StatusOr<swim::Keyring> keyring = swim::Keyring::Create(
      "fuzz", {std::string(32, 'k'), std::string(16, 'o')});
  if (!keyring.ok()) return 1;
  swim::Prng prng(1);
  int files = 0;
  for (const uint8_t version : {1, 2}) {
    const std::string prefix = version == 1 ? "" : "v2-";
    const swim::Framing framing{version, {1, 2}};
    for (int i = 0; i < kPackets; ++i) {
      std::string body;
      if (i == 0 && version == 1) {
        body = swim::testing::FullBody(prng, 1366);
      } else {
        swim::Packet packet = swim::testing::RandomPacket(prng, i % 4);
        for (swim::Update& update : packet.updates) {
          if (auto* alive = std::get_if<swim::Alive>(&update)) {
            alive->protocol = {1, static_cast<uint8_t>(1 + i % 3)};
          }
        }
        absl::StatusOr<std::string> encoded =
            swim::EncodePacket(packet, framing);
        if (!encoded.ok()) return 1;
        body = *encoded;
      }
      if (!Write(absl::StrCat(dir, "/", prefix, "body-", i), body)) return 1;
      for (bool encrypt : {false, true}) {
        swim::EnvelopeOptions options;
        options.encrypt = encrypt;
        options.version = version;
        std::string datagram;
        if (!swim::SealDatagram(*keyring, options, body, prng, &datagram)
                 .ok()) {
          return 1;
        }
        const char* kind = encrypt ? "encrypted" : "signed";
        if (!Write(absl::StrCat(dir, "/", prefix, kind, "-", i), datagram)) {
          return 1;
        }
      }
      files += 3;
    }
  }
  // Version 2: a message and an update of types from a later version,
  // between known updates (tests/swim/codec_v2_test.cc has the layout).
  if (!Write(absl::StrCat(dir, "/v2-unknown-types"),
             absl::HexStringToBytes("7f016101030"
                                    "3aabbcc03040301630540"
                                    "02ffff0403016406"))) {
    return 1;
  }
  ++files;
  // Version 2: the application state exchange's messages.
  if (!WriteStateBodies(dir, files)) return 1;
  if (argc == 3) {
    for (int i = 0; i < 4; ++i) {
      std::string script(256, '\0');
      for (char& c : script) c = static_cast<char>(prng.Next());
      script[0] = static_cast<char>(2 * i);  // even seed: versions 1 and 2
      if (!Write(absl::StrFormat("%s/v2-seed-%02d", argv[2], i), script)) {
        return 1;
      }
    }
  }
  std::printf("wrote %d files to %s\n", files, dir.c_str());
  return 0;
}
