// The cluster fuzzer's insider (tests/swim/cluster_fuzz.cc): a member who
// holds the cluster's key and writes whatever packets the fuzzer's bytes
// choose: any message type, updates about honest members, itself or
// members that do not exist, at incarnations just inside and outside the
// bounds of swim/incarnation_bound.h, relative to what its victim holds.
//
//   Insider insider(key, cluster_name);
//   insider.Sniff(datagram);                    // learns probe seqs
//   std::string d = insider.Hostile(script, victim, &from_address);
//   victim.HandleDatagram(now, from_address, d);
#ifndef TESTS_SWIM_CLUSTER_FUZZ_INSIDER_H_
#define TESTS_SWIM_CLUSTER_FUZZ_INSIDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "tests/testing/fuzz_script.h"

namespace swim::testing {

// The names the insider uses: the honest nodes "n0" to "n4", itself "x",
// and twelve members that never exist, "f0" to "f11".
inline constexpr int kHonestMax = 5;
inline constexpr int kFakeNames = 12;
inline constexpr char kInsiderName[] = "x";
std::string HonestName(int i);
std::string AddressOf(absl::string_view name);

class Insider {
 public:
  explicit Insider(Keyring keyring) : keyring_(std::move(keyring)) {}

  const Keyring& keyring() const { return keyring_; }

  // Remembers the seqs of pings and ping requests in a datagram seen on
  // the network, so that later Acks and Nacks can answer them.
  void Sniff(absl::string_view datagram);

  // A sealed packet for `victim` written from `s`, and the address it
  // claims to come from; empty if the packet did not fit.
  std::string Hostile(FuzzScript& s, const Node& victim, std::string* from);
  // A random valid packet (tests/testing/packet_generator.h) from a seed
  // the script chooses, sealed.
  std::string Random(FuzzScript& s, std::string* from);
  // Up to 255 bytes from the script, sealed as a body.
  std::string Raw(FuzzScript& s, std::string* from);

 private:
  std::string Name(FuzzScript& s);
  uint64_t Incarnation(FuzzScript& s, const Node& victim,
                       absl::string_view member);
  Update MakeUpdate(FuzzScript& s, const Node& victim);
  Message MakeMessage(FuzzScript& s, const Node& victim);
  std::string Seal(absl::string_view body, uint8_t version = 1);

  Keyring keyring_;
  Prng nonces_{7};
  std::vector<uint32_t> seqs_;  // the last 16 sniffed
};

}  // namespace swim::testing

#endif  // TESTS_SWIM_CLUSTER_FUZZ_INSIDER_H_
