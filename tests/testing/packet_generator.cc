#include "tests/testing/packet_generator.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"

namespace swim {
namespace testing {
namespace {

std::string RandomBytes(Prng& prng, size_t length) {
  std::string bytes(length, '\0');
  for (char& c : bytes) c = static_cast<char>(prng.Next());
  return bytes;
}

// Small values most of the time, so varints of every width appear.
uint64_t RandomVarint(Prng& prng) {
  switch (prng.Uniform(4)) {
    case 0:
      return prng.Uniform(128);
    case 1:
      return prng.Uniform(1 << 16);
    case 2:
      return prng.Next() >> prng.Uniform(64);
    default:
      return prng.Next();
  }
}

uint32_t RandomVarint32(Prng& prng) {
  return static_cast<uint32_t>(RandomVarint(prng));
}

}  // namespace

std::string RandomName(Prng& prng) {
  return RandomBytes(prng, 1 + prng.Uniform(24));
}

Update RandomUpdate(Prng& prng) {
  switch (prng.Uniform(4)) {
    case 0: {
      Alive alive;
      alive.member = RandomName(prng);
      alive.address = RandomBytes(prng, prng.Uniform(22));
      alive.incarnation = RandomVarint(prng);
      alive.metadata_version = RandomVarint(prng);
      if (prng.Bernoulli(1, 2)) {
        Metadata metadata;
        const uint64_t entries = prng.Uniform(4);
        for (uint64_t i = 0; i < entries; ++i) {
          metadata[RandomBytes(prng, prng.Uniform(8))] =
              RandomBytes(prng, prng.Uniform(40));
        }
        alive.metadata_size =
            static_cast<uint32_t>(EncodeMetadata(metadata)->size());
        alive.metadata = std::move(metadata);
      } else {
        alive.metadata_size =
            static_cast<uint32_t>(prng.Uniform(kMaxMetadataBytes + 1));
      }
      return alive;
    }
    case 1:
      return Suspect{RandomName(prng), RandomVarint(prng), RandomName(prng)};
    case 2:
      return Offline{RandomName(prng), RandomVarint(prng), RandomName(prng)};
    default:
      return Left{RandomName(prng), RandomVarint(prng)};
  }
}

Update TypicalUpdate(Prng& prng) {
  const std::string name =
      absl::StrCat("10.", prng.Uniform(4), ".", prng.Uniform(256), ".",
                   prng.Uniform(256), ":7946");
  const uint64_t incarnation = prng.Uniform(20);
  const uint64_t kind = prng.Uniform(10);
  if (kind < 6) {
    Alive alive;
    alive.member = name;
    alive.address = name;
    alive.incarnation = incarnation;
    alive.metadata_version = prng.Uniform(5);
    if (kind == 0) {
      alive.metadata = Metadata{{"role", "api"}, {"zone", "eu-west-1a"}};
      alive.metadata_size =
          static_cast<uint32_t>(EncodeMetadata(*alive.metadata)->size());
    } else {
      alive.metadata_size = 24;
    }
    return alive;
  }
  const std::string accuser =
      absl::StrCat("10.0.", prng.Uniform(256), ".", prng.Uniform(256), ":7946");
  if (kind < 8) return Suspect{name, incarnation, accuser};
  if (kind < 9) return Offline{name, incarnation, accuser};
  return Left{name, incarnation};
}

// A ping's or ack's coordinate, half the time: any 64-bit patterns (NaNs
// and infinities included), which the codec carries as they are.
std::optional<Coordinate> RandomCoordinate(Prng& prng) {
  if (prng.Bernoulli(1, 2)) return std::nullopt;
  const auto value = [&prng] {
    const uint64_t bits = prng.Next();
    double d = 0;
    std::memcpy(&d, &bits, sizeof(d));
    return d;
  };
  Coordinate c;
  for (double& x : c.vec) x = value();
  c.height = value();
  c.adjustment = value();
  c.error = value();
  return c;
}

Message RandomMessage(Prng& prng) {
  switch (prng.Uniform(9)) {
    case 0: {
      Ping ping{RandomVarint32(prng), RandomName(prng)};
      ping.coordinate = RandomCoordinate(prng);
      return ping;
    }
    case 1: {
      Ack ack{RandomVarint32(prng)};
      ack.coordinate = RandomCoordinate(prng);
      return ack;
    }
    case 2:
      return Nack{RandomVarint32(prng)};
    case 3:
      return PingReq{RandomVarint32(prng), RandomName(prng),
                     RandomBytes(prng, prng.Uniform(22))};
    case 4: {
      Sync sync;
      sync.reply_wanted = prng.Bernoulli(1, 2);
      return sync;
    }
    case 5:
      return MetaRequest{RandomName(prng), RandomVarint(prng),
                         RandomVarint32(prng)};
    case 6: {
      MetaChunk chunk;
      chunk.member = RandomName(prng);
      chunk.version = RandomVarint(prng);
      chunk.data = RandomBytes(prng, prng.Uniform(300));
      chunk.offset = static_cast<uint32_t>(prng.Uniform(1 << 16));
      chunk.total_size = static_cast<uint32_t>(
          chunk.offset + chunk.data.size() + prng.Uniform(1 << 16));
      return chunk;
    }
    case 7: {
      SyncDigest digest;
      digest.reply_wanted = prng.Bernoulli(1, 2);
      digest.buckets.resize(1 + prng.Uniform(kMaxDigestBuckets));
      for (uint64_t& bucket : digest.buckets) bucket = prng.Next();
      return digest;
    }
    default:
      return Gossip{};
  }
}

Packet RandomPacket(Prng& prng, size_t max_updates) {
  Packet packet;
  packet.sender = RandomName(prng);
  packet.message = RandomMessage(prng);
  const uint64_t updates = prng.Uniform(max_updates + 1);
  for (uint64_t i = 0; i < updates; ++i) {
    packet.updates.push_back(RandomUpdate(prng));
  }
  return packet;
}

std::string FullBody(Prng& prng, size_t body_bytes, bool typical) {
  absl::StatusOr<PacketWriter> writer =
      PacketWriter::Start(body_bytes, "node-0001", Ack{12345});
  if (!writer.ok()) return "";
  // Keep adding until several updates in a row no longer fit.
  for (int misses = 0; misses < 16;) {
    if (!writer->Add(typical ? TypicalUpdate(prng) : RandomUpdate(prng))) {
      ++misses;
    }
  }
  return std::move(*writer).Finish();
}

void Mutate(Prng& prng, std::string* bytes) {
  std::string& b = *bytes;
  switch (prng.Uniform(7)) {
    case 0: {  // flip a few bits
      if (b.empty()) break;
      const uint64_t flips = 1 + prng.Uniform(4);
      for (uint64_t i = 0; i < flips; ++i) {
        char& c = b[prng.Uniform(b.size())];
        c = static_cast<char>(static_cast<uint8_t>(c) ^
                              (1u << prng.Uniform(8)));
      }
      break;
    }
    case 1: {  // an extreme byte value
      if (b.empty()) break;
      static constexpr char kExtremes[] = {'\x00', '\x01', '\x7f', '\x80',
                                           '\xff'};
      b[prng.Uniform(b.size())] = kExtremes[prng.Uniform(sizeof(kExtremes))];
      break;
    }
    case 2:  // truncate
      b.resize(prng.Uniform(b.size() + 1));
      break;
    case 3:  // append random bytes
      b += RandomBytes(prng, 1 + prng.Uniform(64));
      break;
    case 4: {  // duplicate a slice
      if (b.empty()) break;
      const size_t from = prng.Uniform(b.size());
      const size_t length = 1 + prng.Uniform(b.size() - from);
      b.insert(prng.Uniform(b.size() + 1), b.substr(from, length));
      break;
    }
    case 5: {  // delete a slice
      if (b.empty()) break;
      const size_t from = prng.Uniform(b.size());
      b.erase(from, 1 + prng.Uniform(b.size() - from));
      break;
    }
    default:  // random bytes of a plausible length
      b = RandomBytes(prng, prng.Uniform(1500));
  }
}

}  // namespace testing
}  // namespace swim
