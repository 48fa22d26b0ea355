// swim_inspect: decodes one datagram with a cluster's keys and prints it, or
// says exactly why a node would drop it. For operators chasing dropped
// packets; see --help.
//
// It takes the cluster's secret and name as the nodes do (--secret,
// --secret_file, $SWIM_SECRET_FILE, $SWIM_SECRET, --cluster; see
// net/secret_flags.h), or raw envelope keys.
//
//   echo 01000a1b2c3d... | SWIM_SECRET=my-demo-secret swim_inspect
//   swim_inspect --file=captured.bin --secret_file=/etc/swim/secret
//   --cluster=prod swim_inspect --file=captured.bin --body     # a bare body
//   swim_inspect --demo                         # a sample datagram
//   swim_inspect --listen=127.0.0.1:7000 --relay_to=127.0.0.1:7946  # a path
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/secret.h"
#include "net/secret_flags.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/message_text.h"
#include "swim/prng.h"
#include "swim/protocol_version.h"
#include "tools/capture.h"
#include "tools/help.h"
#include "tools/relay.h"
#include "tools/user_files.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::string, file, "",
          "Read the raw datagram from this file ('-' for standard input). "
          "Without it, the datagram is read from standard input as hex "
          "(white space ignored).");
ABSL_FLAG(std::string, key, "",
          "A raw envelope key as text (not a secret: nodes derive their key "
          "from the secret). Keys from --key, --key_file, --key_hex and the "
          "secret are all tried, in that order.");
ABSL_FLAG(std::vector<std::string>, key_hex, {},
          "Cluster key(s) as hex; comma-separated or repeated.");
ABSL_FLAG(std::string, key_file, "",
          "A file holding one cluster key (a trailing newline is stripped).");
ABSL_FLAG(bool, require_encryption, false,
          "Reject datagrams whose payload is not encrypted, as a node "
          "configured to require encryption does.");
ABSL_FLAG(int64_t, max_datagram_bytes, swim::kDefaultMaxDatagramBytes,
          "The largest datagram a node accepts, envelope included.");
ABSL_FLAG(bool, body, false,
          "The input is a bare packet body, not a sealed datagram: decode it "
          "without keys.");
ABSL_FLAG(std::string, listen, "",
          "Capture mode: receive datagrams on this host:port (e.g. "
          "127.0.0.1:7946; port 0: any, printed on stderr) and print one line "
          "per datagram, decoded or with why a node drops it.");
ABSL_FLAG(std::string, relay_to, "",
          "Relay mode, with --listen: forward every datagram received on "
          "--listen to this host:port, and its replies back to their sender "
          "(one socket per sender, at most 256, forgotten after 2 minutes "
          "idle), printing each one as capture mode does with its direction "
          "(forward or reply). Puts the inspector in a path: give nodes the "
          "--listen address instead of this one.");
ABSL_FLAG(int64_t, count, 0,
          "Capture mode: stop after this many datagrams (0: no limit).");
ABSL_FLAG(absl::Duration, duration, absl::InfiniteDuration(),
          "Capture mode: stop after this long (inf: no limit).");
ABSL_FLAG(bool, json, false,
          "Capture mode: print each datagram as a JSON object, one a line.");
ABSL_FLAG(bool, demo, false,
          "Seal a sample packet as a node with the README's demo secret "
          "(my-demo-secret) would, print it as hex, and inspect it (ignores "
          "the input flags).");

namespace {

using ::swim::tools::UserPath;

// The secret of the demo cluster in README.md, in the default cluster.
constexpr absl::string_view kDemoSecret = "my-demo-secret";

// Exit codes: the datagram decoded, the tool was misused (as absl's flag
// parser exits), or the datagram was rejected.
constexpr int kExitDecoded = 0;
constexpr int kExitUsage = 1;
constexpr int kExitRejected = 2;

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin),
                       std::istreambuf_iterator<char>());
  }
  std::ifstream in(UserPath(path), std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

absl::StatusOr<std::string> FromHex(absl::string_view what,
                                    absl::string_view text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s is not hex: '%s' at offset %d", what,
                          absl::CHexEscape(absl::string_view(&c, 1)), i));
    }
    digits.push_back(c);
  }
  if (digits.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " has an odd number of hex digits"));
  }
  return absl::HexStringToBytes(digits);
}

absl::StatusOr<std::string> ReadInput() {
  const std::string file = absl::GetFlag(FLAGS_file);
  if (!file.empty()) return ReadAll(file);
  absl::StatusOr<std::string> text = ReadAll("-");
  if (!text.ok()) return text.status();
  return FromHex("standard input", *text);
}

absl::StatusOr<std::vector<std::string>> KeysFromFlags() {
  std::vector<std::string> keys;
  if (std::string key = absl::GetFlag(FLAGS_key); !key.empty()) {
    keys.push_back(std::move(key));
  }
  const std::string key_file = absl::GetFlag(FLAGS_key_file);
  if (!key_file.empty()) {
    absl::StatusOr<std::string> key = ReadAll(key_file);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--key_file: ", key.status().message()));
    }
    if (!key->empty() && key->back() == '\n') key->pop_back();
    keys.push_back(*std::move(key));
  }
  for (const std::string& hex : absl::GetFlag(FLAGS_key_hex)) {
    absl::StatusOr<std::string> key = FromHex("--key_hex", hex);
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
  }
  // The secret last, as the nodes find it.
  if (swim::net::SecretGiven()) {
    absl::StatusOr<std::string> key = swim::net::KeyFromSecretFlags();
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(
        "no key: give the cluster's secret as the nodes take it (--secret, "
        "--secret_file, SWIM_SECRET_FILE or SWIM_SECRET), or a raw key with "
        "--key, --key_hex or --key_file (or --body for a bare "
        "packet body)");
  }
  return keys;
}

void PrintPacket(const swim::Packet& packet) {
  std::cout << "message: " << swim::MessageToText(packet.message) << "\n"
            << "sender: \"" << absl::CHexEscape(packet.sender) << "\"\n"
            << "updates: " << packet.updates.size() << "\n";
  for (const swim::Update& update : packet.updates) {
    std::cout << "  " << swim::UpdateToText(update) << "\n";
  }
}

int Rejected(const absl::Status& status) {
  std::cout << "rejected: " << status.message() << "\n"
            << "drop reason: "
            << swim::DropReasonName(swim::DropReasonOf(status)) << "\n";
  return kExitRejected;
}

int InspectBody(absl::string_view body, size_t max_body_bytes,
                uint8_t version = 1) {
  absl::StatusOr<swim::Packet> packet =
      swim::DecodePacket(body, max_body_bytes, version);
  if (!packet.ok()) return Rejected(packet.status());
  PrintPacket(*packet);
  return kExitDecoded;
}

int InspectDatagram(const swim::Keyring& keyring,
                    const swim::EnvelopeOptions& options,
                    absl::string_view datagram) {
  std::cout << "datagram: " << datagram.size() << " bytes\n";
  absl::StatusOr<swim::EnvelopeHeader> header =
      swim::ParseEnvelopeHeader(options, datagram);
  if (!header.ok()) return Rejected(header.status());
  std::cout << "envelope: version " << int{header->version} << ", "
            << (header->encrypted ? "encrypted" : "signed, not encrypted")
            << ", key id " << swim::KeyIdText(header->key_id) << ", payload "
            << header->payload_bytes << " bytes\n";
  absl::StatusOr<std::string> body =
      swim::OpenDatagram(keyring, options, datagram);
  if (!body.ok()) {
    const int code = Rejected(body.status());
    std::vector<std::string> ids;
    for (swim::KeyId id : keyring.key_ids()) ids.push_back(swim::KeyIdText(id));
    std::cout << "keyring: cluster \""
              << absl::CHexEscape(keyring.cluster_name()) << "\", key ids "
              << absl::StrJoin(ids, ", ") << "\n";
    if (swim::DropReasonOf(body.status()) == swim::DropReason::kAuthFailed) {
      std::cout << "hint: a key with this id is in the keyring, so the "
                   "sender's cluster name is not --cluster, or the datagram "
                   "was altered\n";
    }
    return code;
  }
  std::cout << "authenticated: key id " << swim::KeyIdText(header->key_id)
            << ", cluster \"" << absl::CHexEscape(keyring.cluster_name())
            << "\"\n";
  return InspectBody(*body,
                     swim::MaxEnvelopeBodyBytes(options.max_datagram_bytes),
                     header->version);
}

// A datagram like those a node sends, sealed with a published example key.
absl::StatusOr<std::string> DemoDatagram(const swim::Keyring& keyring) {
  swim::Packet packet;
  packet.sender = "127.0.0.1:2001";
  packet.message = swim::Ping{42, "127.0.0.1:2002"};
  swim::Alive alive;
  alive.member = "127.0.0.1:2003";
  alive.address = "127.0.0.1:2003";
  alive.incarnation = 3;
  alive.metadata_version = 2;
  alive.metadata = swim::Metadata{{"name", "three"}, {"token", "f00d"}};
  absl::StatusOr<std::string> metadata = swim::EncodeMetadata(*alive.metadata);
  if (!metadata.ok()) return metadata.status();
  alive.metadata_size = static_cast<uint32_t>(metadata->size());
  packet.updates.push_back(alive);
  packet.updates.push_back(
      swim::Suspect{"127.0.0.1:2004", 1, "127.0.0.1:2001"});
  absl::StatusOr<std::string> body = swim::EncodePacket(packet);
  if (!body.ok()) return body.status();
  swim::Prng nonces(42);
  std::string datagram;
  absl::Status sealed = swim::SealDatagram(keyring, swim::EnvelopeOptions(),
                                           *body, nonces, &datagram);
  if (!sealed.ok()) return sealed;
  return datagram;
}

// Capture mode (tools/capture.h), or relay mode (tools/relay.h) with
// --relay_to, with the keys the flags give.
int Capture(std::string listen, const swim::EnvelopeOptions& envelope) {
  swim::tools::CaptureOptions options;
  options.listen = std::move(listen);
  options.count = absl::GetFlag(FLAGS_count);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.json = absl::GetFlag(FLAGS_json);
  options.envelope = envelope;
  if (options.count < 0 || options.duration <= absl::ZeroDuration()) {
    std::cerr << "swim_inspect: --count must not be negative and --duration "
                 "must be positive\n";
    return kExitUsage;
  }
  absl::StatusOr<std::vector<std::string>> keys = KeysFromFlags();
  absl::StatusOr<swim::Keyring> keyring =
      keys.ok() ? swim::Keyring::Create(absl::GetFlag(FLAGS_cluster),
                                        *std::move(keys))
                : keys.status();
  swim::tools::RelayOptions relay;
  relay.capture = options;
  relay.relay_to = absl::GetFlag(FLAGS_relay_to);
  absl::Status captured =
      !keyring.ok() ? keyring.status()
      : relay.relay_to.empty()
          ? swim::tools::Capture(*keyring, options, std::cout, std::cerr)
          : swim::tools::Relay(*keyring, relay, std::cout, std::cerr);
  if (!captured.ok()) {
    std::cerr << "swim_inspect: " << captured.message() << "\n";
    return kExitUsage;
  }
  return kExitDecoded;
}

int Main() {
  swim::EnvelopeOptions options;
  // Every version this build speaks (swim/protocol_version.h).
  options.accepted = {swim::kOldestProtocolVersion,
                      swim::kNewestProtocolVersion};
  const int64_t max_bytes = absl::GetFlag(FLAGS_max_datagram_bytes);
  if (max_bytes <= static_cast<int64_t>(swim::kEnvelopeOverheadBytes) ||
      max_bytes > static_cast<int64_t>(swim::kMaxDatagramBytes)) {
    std::cerr << "swim_inspect: --max_datagram_bytes must be in ("
              << swim::kEnvelopeOverheadBytes << ", " << swim::kMaxDatagramBytes
              << "], not " << max_bytes << "\n";
    return kExitUsage;
  }
  options.max_datagram_bytes = static_cast<size_t>(max_bytes);
  options.require_encryption = absl::GetFlag(FLAGS_require_encryption);

  if (absl::GetFlag(FLAGS_demo)) {
    absl::StatusOr<swim::Keyring> keyring = swim::Keyring::Create(
        "", {swim::net::DeriveKeyFromSecret(kDemoSecret)});
    if (!keyring.ok()) {
      std::cerr << "swim_inspect: " << keyring.status().message() << "\n";
      return kExitUsage;
    }
    absl::StatusOr<std::string> datagram = DemoDatagram(*keyring);
    if (!datagram.ok()) {
      std::cerr << "swim_inspect: " << datagram.status().message() << "\n";
      return kExitUsage;
    }
    std::cout << "A sample datagram, sealed as swim_demo does with "
                 "SWIM_SECRET="
              << kDemoSecret << ":\n"
              << absl::BytesToHexString(*datagram) << "\n\n";
    return InspectDatagram(*keyring, swim::EnvelopeOptions(), *datagram);
  }

  if (std::string listen = absl::GetFlag(FLAGS_listen); !listen.empty()) {
    return Capture(std::move(listen), options);
  }
  if (!absl::GetFlag(FLAGS_relay_to).empty()) {
    std::cerr << "swim_inspect: --relay_to needs --listen (the address to "
                 "relay from)\n";
    return kExitUsage;
  }

  absl::StatusOr<std::string> input = ReadInput();
  if (!input.ok()) {
    std::cerr << "swim_inspect: " << input.status().message() << "\n";
    return kExitUsage;
  }
  if (absl::GetFlag(FLAGS_body)) {
    std::cout << "body: " << input->size() << " bytes\n";
    return InspectBody(*input, swim::kMaxDatagramBytes);
  }
  absl::StatusOr<std::vector<std::string>> keys = KeysFromFlags();
  if (!keys.ok()) {
    std::cerr << "swim_inspect: " << keys.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<swim::Keyring> keyring =
      swim::Keyring::Create(absl::GetFlag(FLAGS_cluster), *std::move(keys));
  if (!keyring.ok()) {
    std::cerr << "swim_inspect: bad keyring: " << keyring.status().message()
              << "\n";
    return kExitUsage;
  }
  return InspectDatagram(*keyring, options, *input);
}

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_inspect");
  absl::SetProgramUsageMessage(
      "Decodes a swim datagram and prints it, or says why a node drops it.\n"
      "The secret and cluster name are taken as the nodes take them.\n"
      "  SWIM_SECRET=s swim_inspect [--cluster=NAME] < datagram.hex\n"
      "  swim_inspect --file=datagram.bin --secret_file=FILE [--cluster=NAME]\n"
      "  swim_inspect --file=datagram.bin --key_hex=RAW_KEY\n"
      "  swim_inspect --body --file=body.bin\n"
      "  SWIM_SECRET=s swim_inspect --listen=127.0.0.1:7946 --count=10 "
      "[--json]\n"
      "  SWIM_SECRET=s swim_inspect --listen=127.0.0.1:7000 "
      "--relay_to=127.0.0.1:7946\n"
      "  swim_inspect --demo\n"
      "Exit status: 0 decoded (or captured), 1 usage error, 2 rejected (the\n"
      "reason is printed).");
  swim::tools::HandleHelp(argc, argv,
                          {{"swim_inspect flags", "tools/swim_inspect.cc"},
                           swim::tools::kSecretFlags});
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "swim_inspect: unexpected argument '" << rest[1]
              << "'; see --help\n";
    return kExitUsage;
  }
  return Main();
}
