// Uses swim with Abseil built from its own source: starts a UdpNode on
// 127.0.0.1, checks that it sees itself as an available member with its
// metadata and that a packet round-trips through swim's codec, and that no
// Debian libabsl is loaded (swim must use the source-built Abseil only, or
// two copies of Abseil would meet in one program). Exits 0 iff all holds.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/udp_node.h"
#include "swim/codec.h"
#include "swim/message.h"
#include "swim/status.h"
#include "swim/version.h"

namespace {

absl::Status CheckNode() {
  swim::net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.metadata = {{"name", "upstream-absl"}};
  options.config.keys = {swim::net::DeriveKeyFromSecret("consumer secret")};
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node =
      swim::net::UdpNode::Start(std::move(options));
  if (!node.ok()) return node.status();
  std::shared_ptr<const swim::net::MembersSnapshot> view = (*node)->Members();
  const swim::net::MemberInfo& local = view->local();
  if (local.name != (*node)->address() ||
      !absl::StartsWith(local.name, "127.0.0.1:") ||
      local.status != swim::Status::kOnline ||
      local.metadata.count("name") != 1) {
    return absl::InternalError(absl::StrCat("unexpected local member ",
                                            local.name, " ",
                                            swim::StatusName(local.status)));
  }
  std::cout << "UdpNode " << local.name << " is "
            << swim::StatusName(local.status) << "\n";
  (*node)->Stop(swim::net::UdpNode::StopMode::kNoLeave);
  return absl::OkStatus();
}

absl::Status CheckCodec() {
  swim::Packet packet;
  packet.sender = "consumer-a";
  packet.message = swim::Ping{7, "consumer-b"};
  absl::StatusOr<std::string> body = swim::EncodePacket(packet);
  if (!body.ok()) return body.status();
  absl::StatusOr<swim::Packet> decoded = swim::DecodePacket(*body);
  if (!decoded.ok()) return decoded.status();
  if (!(*decoded == packet)) {
    return absl::InternalError("round trip changed the packet");
  }
  return absl::OkStatus();
}

// Debian's Abseil is one libabsl_*.so per component; a source-built one is
// linked in from Bazel's own outputs, never under that name.
absl::Status CheckNoDebianAbseil() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (absl::StrContains(line, "/libabsl_")) {
      return absl::FailedPreconditionError(
          absl::StrCat("Debian's Abseil is loaded: ", line));
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main() {
  for (absl::Status status :
       {CheckNode(), CheckCodec(), CheckNoDebianAbseil()}) {
    if (!status.ok()) {
      std::cerr << "consumer: " << status << "\n";
      return 1;
    }
  }
  std::cout << "swim " << swim::kVersion << " with Abseil from source: ok\n";
  return 0;
}
