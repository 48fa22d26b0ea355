// Human-readable text for packets, for logs, traces and the inspector.
//
// The text is one line per packet and meant for people, not parsers; bytes
// that are not printable ASCII are escaped, so any packet prints safely.
//
//   std::cout << PacketToText(packet) << "\n";
//   // ping seq=5 target="b" from "a" updates=[alive "c" inc=7 ...]
#ifndef SWIM_MESSAGE_TEXT_H_
#define SWIM_MESSAGE_TEXT_H_

#include <string>

#include "swim/message.h"

namespace swim {

std::string MessageToText(const Message& message);
std::string UpdateToText(const Update& update);
std::string PacketToText(const Packet& packet);

}  // namespace swim

#endif  // SWIM_MESSAGE_TEXT_H_
