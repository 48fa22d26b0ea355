#include "tests/testing/insider_datagrams.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "net/secret.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"

namespace swim::testing {

void SendAsInsider(int fd, const std::string& to, const Packet& packet,
                   absl::string_view secret, Prng& rng) {
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("", {net::DeriveKeyFromSecret(secret)});
  ASSERT_TRUE(keyring.ok());
  std::string datagram;
  ASSERT_TRUE(SealDatagram(*keyring, EnvelopeOptions(),
                           EncodePacket(packet).value(), rng, &datagram)
                  .ok());
  uint32_t port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(to.substr(to.rfind(':') + 1), &port));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(sendto(fd, datagram.data(), datagram.size(), 0,
                   reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)),
            static_cast<ssize_t>(datagram.size()));
}

}  // namespace swim::testing
