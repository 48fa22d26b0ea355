// What the application receives from its peers through a swim::Node: a
// user broadcast (Node::Broadcast elsewhere) or a direct message
// (Node::SendTo elsewhere), as Node::PollDelivery returns it.
//
//   while (std::optional<Delivery> d = node->PollDelivery()) {
//     if (d->kind == Delivery::Kind::kBroadcast) Apply(d->key, d->payload);
//     else Reply(d->from, d->payload);
//   }
#ifndef SWIM_DELIVERY_H_
#define SWIM_DELIVERY_H_

#include <cstdint>
#include <string>

namespace swim {

struct Delivery {
  enum class Kind : uint8_t { kBroadcast, kDirect };
  Kind kind = Kind::kBroadcast;
  // The member that broadcast it (its origin, whoever relayed it), or that
  // sent the direct message.
  std::string from;
  // Broadcasts only: the key and the origin's version of it.
  std::string key;
  uint64_t version = 0;
  std::string payload;
};

}  // namespace swim

#endif  // SWIM_DELIVERY_H_
