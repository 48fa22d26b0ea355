// Uses swim the way a consumer would: encodes a packet, seals it with a
// keyring (BoringSSL underneath), opens and decodes it again, and checks
// that the round trip gives back the same packet. Exits 0 iff it does.
#include <iostream>
#include <string>
#include <utility>

#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"

int main() {
  swim::Packet packet;
  packet.sender = "consumer-a";
  packet.message = swim::Ping{7, "consumer-b"};

  swim::Alive alive;
  alive.member = "consumer-a";
  alive.address = "127.0.0.1:7946";
  alive.incarnation = 3;
  packet.updates.push_back(std::move(alive));
  packet.updates.push_back(swim::Left{"consumer-c", 2});

  absl::StatusOr<std::string> body = swim::EncodePacket(packet);
  if (!body.ok()) {
    std::cerr << "EncodePacket failed: " << body.status() << "\n";
    return 1;
  }
  absl::StatusOr<swim::Keyring> keyring =
      swim::Keyring::Create("consumer", {"a consumer's cluster key"});
  if (!keyring.ok()) {
    std::cerr << "Keyring::Create failed: " << keyring.status() << "\n";
    return 1;
  }
  swim::EnvelopeOptions options;
  options.encrypt = true;
  swim::Prng nonces(1);
  std::string datagram;
  if (absl::Status sealed =
          swim::SealDatagram(*keyring, options, *body, nonces, &datagram);
      !sealed.ok()) {
    std::cerr << "SealDatagram failed: " << sealed << "\n";
    return 1;
  }
  absl::StatusOr<std::string> opened =
      swim::OpenDatagram(*keyring, options, datagram);
  if (!opened.ok()) {
    std::cerr << "OpenDatagram failed: " << opened.status() << "\n";
    return 1;
  }
  absl::StatusOr<swim::Packet> decoded = swim::DecodePacket(*opened);
  if (!decoded.ok()) {
    std::cerr << "DecodePacket failed: " << decoded.status() << "\n";
    return 1;
  }
  if (!(*decoded == packet)) {
    std::cerr << "round trip changed the packet\n";
    return 1;
  }
  std::cout << "swim round trip ok: " << datagram.size()
            << "-byte encrypted datagram from " << decoded->sender << " with "
            << decoded->updates.size() << " updates\n";
  return 0;
}
