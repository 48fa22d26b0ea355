// Datagrams an insider sends to a node on 127.0.0.1: sealed with the key
// every member derives from the cluster secret, sent from a plain UDP socket.
// For the multi-process tests that play a hostile member.
//
//   int fd = socket(AF_INET, SOCK_DGRAM, 0);
//   swim::Prng rng(1);
//   SendAsInsider(fd, "127.0.0.1:7946", packet, "the secret", rng);
#ifndef TESTS_TESTING_INSIDER_DATAGRAMS_H_
#define TESTS_TESTING_INSIDER_DATAGRAMS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "swim/message.h"
#include "swim/prng.h"

namespace swim::testing {

// Sends `packet` to the node at "127.0.0.1:<port>" `to`, sealed (version 1)
// with the key derived from `secret`. A gtest failure if it cannot.
void SendAsInsider(int fd, const std::string& to, const Packet& packet,
                   absl::string_view secret, Prng& rng);

}  // namespace swim::testing

#endif  // TESTS_TESTING_INSIDER_DATAGRAMS_H_
