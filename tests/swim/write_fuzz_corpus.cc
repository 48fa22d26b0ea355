// Writes the fuzz target's seed corpus into the directory given as the only
// argument: for each of a few dozen random valid packets, its body and the
// body sealed (in clear and encrypted) with the keyring codec_fuzz.cc uses.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/prng.h"
#include "tests/testing/packet_generator.h"

namespace {

constexpr int kPackets = 24;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  absl::StatusOr<swim::Keyring> keyring = swim::Keyring::Create(
      "fuzz", {std::string(32, 'k'), std::string(16, 'o')});
  if (!keyring.ok()) return 1;
  swim::Prng prng(1);
  for (int i = 0; i < kPackets; ++i) {
    std::string body;
    if (i == 0) {
      body = swim::testing::FullBody(prng, 1366);
    } else {
      absl::StatusOr<std::string> encoded =
          swim::EncodePacket(swim::testing::RandomPacket(prng, i % 4));
      if (!encoded.ok()) return 1;
      body = *encoded;
    }
    if (!Write(absl::StrCat(dir, "/body-", i), body)) return 1;
    for (bool encrypt : {false, true}) {
      swim::EnvelopeOptions options;
      options.encrypt = encrypt;
      std::string datagram;
      if (!swim::SealDatagram(*keyring, options, body, prng, &datagram).ok()) {
        return 1;
      }
      const char* kind = encrypt ? "encrypted" : "signed";
      if (!Write(absl::StrCat(dir, "/", kind, "-", i), datagram)) return 1;
    }
  }
  std::printf("wrote %d files to %s\n", 3 * kPackets, dir.c_str());
  return 0;
}
