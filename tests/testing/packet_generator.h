// Random but valid packets, and random corruptions of datagrams, for the
// codec's property tests, fuzz corpus and benchmarks.
//
// Everything is drawn from a seeded swim::Prng, so a failing case is
// reproduced by its seed.
//
//   Prng prng(7);
//   Packet packet = RandomPacket(prng);
//   std::string datagram = ...;       // encode and seal it
//   Mutate(prng, &datagram);          // flip, cut, extend, overwrite bytes
#ifndef TESTS_TESTING_PACKET_GENERATOR_H_
#define TESTS_TESTING_PACKET_GENERATOR_H_

#include <cstddef>
#include <string>

#include "swim/message.h"
#include "swim/prng.h"

namespace swim {
namespace testing {

// A short random name (1 to 24 bytes, any byte values).
std::string RandomName(Prng& prng);

// A random valid update; metadata, when inline, stays small.
Update RandomUpdate(Prng& prng);

// An update as a real cluster gossips it: "10.a.b.c:7946"-style names, mostly
// Alive, some with a small metadata map inline.
Update TypicalUpdate(Prng& prng);

// A random valid message of any type.
Message RandomMessage(Prng& prng);

// A random valid packet with up to `max_updates` updates.
Packet RandomPacket(Prng& prng, size_t max_updates = 8);

// An Ack carrying as many updates as fit a body of `body_bytes` bytes:
// RandomUpdate()s, or TypicalUpdate()s if `typical`. Used to build full-size
// datagrams.
std::string FullBody(Prng& prng, size_t body_bytes, bool typical = false);

// Corrupts `bytes` in one of several ways: flip bits, overwrite a byte with
// an extreme value, truncate, append random bytes, duplicate a slice,
// delete a slice, or replace the whole with random bytes.
void Mutate(Prng& prng, std::string* bytes);

}  // namespace testing
}  // namespace swim

#endif  // TESTS_TESTING_PACKET_GENERATOR_H_
