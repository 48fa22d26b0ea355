#include "swim/message.h"

#include <cstdint>
#include <cstring>
#include <tuple>

namespace swim {

bool Alive::operator==(const Alive& o) const {
  return std::tie(member, address, incarnation, metadata_version, metadata_size,
                  metadata) == std::tie(o.member, o.address, o.incarnation,
                                        o.metadata_version, o.metadata_size,
                                        o.metadata) &&
         protocol == o.protocol;
}

bool Suspect::operator==(const Suspect& o) const {
  return std::tie(member, incarnation, accuser) ==
         std::tie(o.member, o.incarnation, o.accuser);
}

bool Offline::operator==(const Offline& o) const {
  return std::tie(member, incarnation, accuser) ==
         std::tie(o.member, o.incarnation, o.accuser);
}

bool Left::operator==(const Left& o) const {
  return std::tie(member, incarnation) == std::tie(o.member, o.incarnation);
}

bool Coordinate::operator==(const Coordinate& o) const {
  const auto same = [](double a, double b) {
    uint64_t x = 0;
    uint64_t y = 0;
    std::memcpy(&x, &a, sizeof(x));
    std::memcpy(&y, &b, sizeof(y));
    return x == y;
  };
  for (size_t i = 0; i < kCoordinateDimensions; ++i) {
    if (!same(vec[i], o.vec[i])) return false;
  }
  return same(height, o.height) && same(adjustment, o.adjustment) &&
         same(error, o.error);
}

bool Ping::operator==(const Ping& o) const {
  return std::tie(seq, target, coordinate) ==
         std::tie(o.seq, o.target, o.coordinate);
}

bool Ack::operator==(const Ack& o) const {
  return seq == o.seq && coordinate == o.coordinate;
}

bool Nack::operator==(const Nack& o) const { return seq == o.seq; }

bool PingReq::operator==(const PingReq& o) const {
  return std::tie(seq, target, target_address) ==
         std::tie(o.seq, o.target, o.target_address);
}

bool Sync::operator==(const Sync& o) const {
  return std::tie(reply_wanted, stamp) == std::tie(o.reply_wanted, o.stamp);
}

bool SyncDigest::operator==(const SyncDigest& o) const {
  return std::tie(reply_wanted, buckets, stamp) ==
         std::tie(o.reply_wanted, o.buckets, o.stamp);
}

bool MetaRequest::operator==(const MetaRequest& o) const {
  return std::tie(member, version, offset, stamp) ==
         std::tie(o.member, o.version, o.offset, o.stamp);
}

bool MetaChunk::operator==(const MetaChunk& o) const {
  return std::tie(member, version, total_size, offset, data) ==
         std::tie(o.member, o.version, o.total_size, o.offset, o.data);
}

bool UserMessage::operator==(const UserMessage& o) const {
  return payload == o.payload;
}

bool StateOffer::operator==(const StateOffer& o) const {
  return std::tie(version, size, join, reply_wanted) ==
         std::tie(o.version, o.size, o.join, o.reply_wanted);
}

bool StateRequest::operator==(const StateRequest& o) const {
  return std::tie(version, offset, stamp) ==
         std::tie(o.version, o.offset, o.stamp);
}

bool StateChunk::operator==(const StateChunk& o) const {
  return std::tie(version, total_size, offset, data) ==
         std::tie(o.version, o.total_size, o.offset, o.data);
}

bool UserBroadcast::operator==(const UserBroadcast& o) const {
  return std::tie(origin, key, version, payload) ==
         std::tie(o.origin, o.key, o.version, o.payload);
}

bool Packet::operator==(const Packet& o) const {
  return std::tie(sender, message, updates, broadcasts) ==
         std::tie(o.sender, o.message, o.updates, o.broadcasts);
}

}  // namespace swim
