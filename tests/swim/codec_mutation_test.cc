// Pushes over a million mutated, truncated and random datagrams and bodies
// through OpenDatagram and DecodePacket. Nothing may crash (CI runs this
// under ASan and UBSan), every rejection must carry a reason, and whatever
// decodes must re-encode to exactly the same bytes (the format is
// canonical), so no corruption is silently misread.
#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "tests/testing/packet_generator.h"

namespace swim {
namespace {

using ::swim::testing::FullBody;
using ::swim::testing::Mutate;
using ::swim::testing::RandomPacket;

constexpr size_t kDatagrams = 1'000'000;
constexpr size_t kPoolSize = 512;

Keyring TestKeyring() {
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("mutation-test", {std::string(32, 'k')});
  EXPECT_TRUE(keyring.ok()) << keyring.status();
  return std::move(*keyring);
}

// Decodes `body`; if it decodes, it must re-encode to the same bytes.
absl::Status DecodeCanonically(absl::string_view body, size_t max_body) {
  absl::StatusOr<Packet> packet = DecodePacket(body, max_body);
  if (!packet.ok()) return packet.status();
  absl::StatusOr<std::string> again = EncodePacket(*packet);
  if (!again.ok()) {
    return absl::InternalError(absl::StrCat("decoded packet does not encode: ",
                                            again.status().ToString()));
  }
  if (*again != body) {
    return absl::InternalError("decoded packet re-encodes differently");
  }
  return absl::OkStatus();
}

TEST(CodecMutationTest, MillionsOfCorruptDatagramsAreDroppedWithAReason) {
  const Keyring keyring = TestKeyring();
  EnvelopeOptions options;
  const size_t max_body = MaxEnvelopeBodyBytes(options.max_datagram_bytes);
  Prng prng(20261126);

  // A pool of valid bodies, half of them full-size, and their datagrams.
  std::vector<std::string> bodies;
  std::vector<std::string> datagrams;
  for (size_t i = 0; i < kPoolSize; ++i) {
    std::string body;
    if (i % 2 == 0) {
      body = FullBody(prng, max_body);
    } else {
      absl::StatusOr<std::string> encoded = EncodePacket(RandomPacket(prng));
      ASSERT_TRUE(encoded.ok()) << encoded.status();
      body = *encoded;
    }
    if (body.size() > max_body) continue;
    ASSERT_TRUE(DecodeCanonically(body, max_body).ok());
    EnvelopeOptions seal = options;
    seal.encrypt = (i % 4) < 2;
    std::string datagram;
    ASSERT_TRUE(SealDatagram(keyring, seal, body, prng, &datagram).ok());
    bodies.push_back(std::move(body));
    datagrams.push_back(std::move(datagram));
  }
  ASSERT_GT(bodies.size(), kPoolSize / 2);

  std::array<size_t, kDropReasonCount> envelope_drops{};
  std::array<size_t, kDropReasonCount> body_drops{};
  size_t opened = 0;
  size_t decoded = 0;
  std::string body;
  for (size_t i = 0; i < kDatagrams; ++i) {
    const size_t pick = prng.Uniform(datagrams.size());
    // Through the envelope: a corrupt datagram must not open.
    std::string datagram = datagrams[pick];
    const uint64_t rounds = 1 + prng.Uniform(3);
    for (uint64_t r = 0; r < rounds; ++r) Mutate(prng, &datagram);
    absl::Status status = OpenDatagram(keyring, options, datagram, &body);
    if (status.ok()) {
      ++opened;
      ASSERT_TRUE(DecodeCanonically(body, max_body).ok());
    } else {
      ++envelope_drops[static_cast<size_t>(DropReasonOf(status))];
    }
    // Straight into the decoder, as if the corruption had been signed.
    body = bodies[pick];
    for (uint64_t r = 0; r < rounds; ++r) Mutate(prng, &body);
    status = DecodeCanonically(body, max_body);
    if (status.ok()) {
      ++decoded;
    } else {
      ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
          << status << " at iteration " << i;
      ++body_drops[static_cast<size_t>(DropReasonOf(status))];
    }
  }

  for (size_t r = 0; r < kDropReasonCount; ++r) {
    const auto reason = static_cast<DropReason>(r);
    if (envelope_drops[r] + body_drops[r] > 0) {
      std::cout << DropReasonName(reason) << ": envelope " << envelope_drops[r]
                << ", body " << body_drops[r] << "\n";
    }
  }
  std::cout << "opened " << opened << ", decoded " << decoded << " of "
            << kDatagrams << "\n";

  // A tag of 128 bits: a corruption that still opens is a mutation that left
  // the datagram as it was (for example a duplicated empty slice).
  EXPECT_LT(opened, kDatagrams / 100);
  for (DropReason reason :
       {DropReason::kTruncated, DropReason::kBadVersion, DropReason::kBadValue,
        DropReason::kUnknownKey, DropReason::kAuthFailed}) {
    EXPECT_GT(envelope_drops[static_cast<size_t>(reason)], 0u)
        << DropReasonName(reason);
  }
  for (DropReason reason :
       {DropReason::kTruncated, DropReason::kOversized,
        DropReason::kUnknownType, DropReason::kBadLength,
        DropReason::kTrailingBytes, DropReason::kTooManyEntries,
        DropReason::kBadValue}) {
    EXPECT_GT(body_drops[static_cast<size_t>(reason)], 0u)
        << DropReasonName(reason);
  }
}

}  // namespace
}  // namespace swim
