#include "swim/envelope.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "swim/drop_reason.h"
#include "swim/keyring.h"
#include "swim/prng.h"
#include "swim/random.h"

namespace swim {
namespace {

const std::string kKey1 = "k1-0123456789abcdef";
const std::string kKey2 = "k2-0123456789abcdef";
const std::string kKey3 = "k3-0123456789abcdef";
const std::string kBody = "SWIM body: ping node-b, seq 7, some gossip";

Keyring MakeKeyring(absl::string_view cluster, std::vector<std::string> keys) {
  absl::StatusOr<Keyring> ring = Keyring::Create(cluster, std::move(keys));
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

EnvelopeOptions Encrypted(bool encrypt) {
  EnvelopeOptions options;
  options.encrypt = encrypt;
  return options;
}

std::string Seal(const Keyring& ring, bool encrypt, absl::string_view body,
                 RandomSource& random) {
  std::string datagram;
  absl::Status status =
      SealDatagram(ring, Encrypted(encrypt), body, random, &datagram);
  EXPECT_TRUE(status.ok()) << status;
  return datagram;
}

// The drop reason of opening `datagram`, or kCount if it opened.
DropReason OpenReason(const Keyring& ring, absl::string_view datagram,
                      const EnvelopeOptions& options = EnvelopeOptions()) {
  absl::StatusOr<std::string> body = OpenDatagram(ring, options, datagram);
  return body.ok() ? DropReason::kCount : DropReasonOf(body.status());
}

// Nonce bytes 0, 1, 2, ... for known-answer tests.
class CountingRandom final : public RandomSource {
 public:
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) b = next_++;
  }

 private:
  uint8_t next_ = 0;
};

class EnvelopeTest : public ::testing::TestWithParam<bool> {
 protected:
  bool encrypt() const { return GetParam(); }

  Keyring ring_ = MakeKeyring("test-cluster", {kKey1});
  Prng random_{1};
};

INSTANTIATE_TEST_SUITE_P(Modes, EnvelopeTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Encrypted" : "Plain";
                         });

TEST_P(EnvelopeTest, RoundTrip) {
  for (size_t size : {size_t{0}, size_t{1}, kBody.size(),
                      MaxEnvelopeBodyBytes(kDefaultMaxDatagramBytes)}) {
    const std::string body = std::string(size, 'b');
    const std::string datagram = Seal(ring_, encrypt(), body, random_);
    ASSERT_EQ(datagram.size(), body.size() + kEnvelopeOverheadBytes);
    absl::StatusOr<std::string> opened =
        OpenDatagram(ring_, EnvelopeOptions(), datagram);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, body);
  }
}

TEST_P(EnvelopeTest, HeaderFields) {
  const std::string datagram = Seal(ring_, encrypt(), kBody, random_);
  EXPECT_EQ(datagram[0], 1);
  EXPECT_EQ(datagram[1], encrypt() ? 1 : 0);
  absl::StatusOr<EnvelopeHeader> header =
      ParseEnvelopeHeader(EnvelopeOptions(), datagram);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->version, 1);
  EXPECT_EQ(header->encrypted, encrypt());
  EXPECT_EQ(header->key_id, KeyIdOf(kKey1));
  EXPECT_EQ(header->payload_bytes, kBody.size());
}

// Flipping any bit pattern of any single byte is caught, and named.
TEST_P(EnvelopeTest, EverySingleByteTamperingIsRejected) {
  const std::string datagram = Seal(ring_, encrypt(), kBody, random_);
  for (size_t i = 0; i < datagram.size(); ++i) {
    for (int mask : {0x01, 0x02, 0x80, 0xff}) {
      std::string tampered = datagram;
      tampered[i] = static_cast<char>(tampered[i] ^ mask);
      DropReason expected = DropReason::kAuthFailed;  // nonce, payload, tag
      if (i == 0) {
        expected = DropReason::kBadVersion;
      } else if (i == 1 && (mask & ~1) != 0) {
        expected = DropReason::kBadValue;
      } else if (i >= 2 && i < 6) {
        expected = DropReason::kUnknownKey;
      }
      // Flipping only the encrypted flag reaches the tag check, which fails.
      EXPECT_EQ(OpenReason(ring_, tampered), expected)
          << "byte " << i << " mask " << mask;
    }
  }
}

TEST_P(EnvelopeTest, WrongKeyIsAnUnknownKey) {
  const Keyring other = MakeKeyring("test-cluster", {kKey2});
  const std::string datagram = Seal(other, encrypt(), kBody, random_);
  EXPECT_EQ(OpenReason(ring_, datagram), DropReason::kUnknownKey);
}

TEST_P(EnvelopeTest, SameKeyOtherClusterFailsAuthentication) {
  const Keyring other = MakeKeyring("other-cluster", {kKey1});
  const std::string datagram = Seal(other, encrypt(), kBody, random_);
  EXPECT_EQ(OpenReason(ring_, datagram), DropReason::kAuthFailed);
  const Keyring default_cluster = MakeKeyring("", {kKey1});
  EXPECT_EQ(OpenReason(default_cluster, datagram), DropReason::kAuthFailed);
}

TEST_P(EnvelopeTest, OtherVersionIsRejected) {
  std::string datagram = Seal(ring_, encrypt(), kBody, random_);
  datagram[0] = 2;
  EXPECT_EQ(OpenReason(ring_, datagram), DropReason::kBadVersion);
  datagram[0] = 0;
  EXPECT_EQ(OpenReason(ring_, datagram), DropReason::kBadVersion);
}

TEST_P(EnvelopeTest, EveryTruncationIsRejected) {
  const std::string datagram = Seal(ring_, encrypt(), "", random_);
  ASSERT_EQ(datagram.size(), kEnvelopeOverheadBytes);
  for (size_t n = 0; n < kEnvelopeOverheadBytes; ++n) {
    EXPECT_EQ(OpenReason(ring_, absl::string_view(datagram).substr(0, n)),
              DropReason::kTruncated)
        << n;
  }
  // A longer datagram cut short still has 34 bytes but a wrong tag.
  const std::string longer = Seal(ring_, encrypt(), kBody, random_);
  EXPECT_EQ(OpenReason(ring_, absl::string_view(longer).substr(0, 40)),
            DropReason::kAuthFailed);
}

TEST_P(EnvelopeTest, OversizedIsRejected) {
  EnvelopeOptions options = Encrypted(encrypt());
  options.max_datagram_bytes = 100;
  const std::string fits(100 - kEnvelopeOverheadBytes, 'f');
  std::string datagram;
  ASSERT_TRUE(SealDatagram(ring_, options, fits, random_, &datagram).ok());
  EXPECT_EQ(OpenReason(ring_, datagram, options), DropReason::kCount);

  // The sender refuses to build a datagram over its limit...
  absl::Status status =
      SealDatagram(ring_, options, fits + "x", random_, &datagram);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);

  // ...and the receiver drops one anyway (sent under a larger limit).
  const std::string big = Seal(ring_, encrypt(), fits + "x", random_);
  EXPECT_EQ(OpenReason(ring_, big, options), DropReason::kOversized);
  EXPECT_EQ(OpenReason(ring_, big), DropReason::kCount);

  // A limit below the overhead fits nothing.
  options.max_datagram_bytes = kEnvelopeOverheadBytes - 1;
  EXPECT_FALSE(SealDatagram(ring_, options, "", random_, &datagram).ok());
}

TEST_P(EnvelopeTest, RequireEncryption) {
  EnvelopeOptions strict;
  strict.require_encryption = true;
  const std::string datagram = Seal(ring_, encrypt(), kBody, random_);
  EXPECT_EQ(OpenReason(ring_, datagram, strict),
            encrypt() ? DropReason::kCount : DropReason::kNotEncrypted);
}

TEST_P(EnvelopeTest, SameSeedSameDatagramDifferentSeedDifferentNonce) {
  Prng a(77);
  Prng b(77);
  Prng c(78);
  const std::string from_a = Seal(ring_, encrypt(), kBody, a);
  EXPECT_EQ(from_a, Seal(ring_, encrypt(), kBody, b));
  const std::string from_c = Seal(ring_, encrypt(), kBody, c);
  EXPECT_NE(from_a, from_c);
  // The nonce is exactly the source's next 12 bytes.
  Prng d(77);
  std::string nonce(kEnvelopeNonceBytes, '\0');
  d.Fill(
      absl::MakeSpan(reinterpret_cast<uint8_t*>(nonce.data()), nonce.size()));
  EXPECT_EQ(from_a.substr(6, kEnvelopeNonceBytes), nonce);
  // The next datagram from the same source gets a fresh nonce.
  EXPECT_NE(Seal(ring_, encrypt(), kBody, a), from_a);
}

TEST_P(EnvelopeTest, ReusesTheCallersBuffers) {
  std::string datagram;
  datagram.reserve(kDefaultMaxDatagramBytes);
  const char* data = datagram.data();
  std::string body;
  body.reserve(kDefaultMaxDatagramBytes);
  const char* body_data = body.data();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        SealDatagram(ring_, Encrypted(encrypt()), kBody, random_, &datagram)
            .ok());
    EXPECT_EQ(datagram.data(), data);
    ASSERT_TRUE(OpenDatagram(ring_, EnvelopeOptions(), datagram, &body).ok());
    EXPECT_EQ(body, kBody);
    EXPECT_EQ(body.data(), body_data);
  }
  // A failed open leaves the body empty.
  datagram.back() ^= 1;
  EXPECT_FALSE(OpenDatagram(ring_, EnvelopeOptions(), datagram, &body).ok());
  EXPECT_TRUE(body.empty());
}

TEST(EnvelopeCipherTest, EncryptedPayloadHidesThePlaintext) {
  const Keyring ring = MakeKeyring("test-cluster", {kKey1});
  Prng random(3);
  const std::string body = "member node-secret at 10.0.0.7:7946";
  const std::string encrypted = Seal(ring, true, body, random);
  EXPECT_EQ(encrypted.find(body), std::string::npos);
  EXPECT_EQ(encrypted.find("node-secret"), std::string::npos);
  EXPECT_EQ(encrypted.find("10.0.0.7"), std::string::npos);
  // Authenticate-only mode carries the body in the clear, by design.
  const std::string plain = Seal(ring, false, body, random);
  EXPECT_EQ(plain.substr(kEnvelopeHeaderBytes, body.size()), body);
}

TEST(EnvelopeCipherTest, UnknownFlagBitsAreBadValues) {
  const Keyring ring = MakeKeyring("test-cluster", {kKey1});
  Prng random(4);
  std::string datagram = Seal(ring, false, kBody, random);
  for (int bit = 1; bit < 8; ++bit) {
    std::string tampered = datagram;
    tampered[1] = static_cast<char>(1 << bit);
    EXPECT_EQ(OpenReason(ring, tampered), DropReason::kBadValue) << bit;
  }
}

// Known answers computed independently with Python's `cryptography`
// (HKDF-SHA256 and AESGCMSIV) from the format in envelope.h: key kKey1,
// cluster "test-cluster", nonce 00 01 .. 0b, body "hello swim".
TEST(EnvelopeCipherTest, KnownAnswers) {
  const Keyring ring = MakeKeyring("test-cluster", {kKey1});
  CountingRandom random;
  EXPECT_EQ(absl::BytesToHexString(Seal(ring, true, "hello swim", random)),
            "01014b1f9572000102030405060708090a0b"
            "3481a3c2af577357866b6db9a087da942e7db8ba3082c739ec51");
  CountingRandom random2;
  EXPECT_EQ(absl::BytesToHexString(Seal(ring, false, "hello swim", random2)),
            "01004b1f9572000102030405060708090a0b"
            "68656c6c6f207377696d"
            "098f5699afb8091017395a374d1aa1af");
}

TEST(EnvelopeCipherTest, EmptyKeyringCannotSeal) {
  Keyring ring = MakeKeyring("test-cluster", {kKey1});
  Keyring moved = std::move(ring);
  Prng random(5);
  std::string datagram;
  // A moved-from keyring holds no keys.
  const Keyring& emptied = ring;  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(
      SealDatagram(emptied, EnvelopeOptions(), kBody, random, &datagram).code(),
      absl::StatusCode::kFailedPrecondition);
}

// ---- Key rotation across a running cluster. ----

// Every member can send to every member (itself included), in both modes.
void ExpectAllPairsInteroperate(const std::vector<const Keyring*>& members,
                                absl::string_view step) {
  SCOPED_TRACE(step);
  Prng random(11);
  for (size_t from = 0; from < members.size(); ++from) {
    for (size_t to = 0; to < members.size(); ++to) {
      for (bool encrypt : {false, true}) {
        const std::string body = absl::StrCat("from ", from, " to ", to);
        const std::string datagram =
            Seal(*members[from], encrypt, body, random);
        absl::StatusOr<std::string> opened =
            OpenDatagram(*members[to], EnvelopeOptions(), datagram);
        ASSERT_TRUE(opened.ok())
            << "from " << from << " to " << to << " encrypt " << encrypt << ": "
            << opened.status();
        EXPECT_EQ(*opened, body);
      }
    }
  }
}

TEST(KeyRotationTest, RollingRotationNeverPartitions) {
  std::vector<Keyring> nodes;
  nodes.reserve(3);
  for (int i = 0; i < 3; ++i) nodes.push_back(MakeKeyring("prod", {kKey1}));
  const std::vector<const Keyring*> members = {&nodes[0], &nodes[1], &nodes[2]};
  ExpectAllPairsInteroperate(members, "start: k1 everywhere");

  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i].Add(kKey2).ok());
    EXPECT_EQ(nodes[i].primary_key_id(), KeyIdOf(kKey1));
    ExpectAllPairsInteroperate(members, absl::StrCat("added k2 to ", i));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i].SetPrimary(kKey2).ok());
    ExpectAllPairsInteroperate(members, absl::StrCat("k2 primary on ", i));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i].Remove(kKey1).ok());
    ExpectAllPairsInteroperate(members, absl::StrCat("removed k1 from ", i));
  }
  for (const Keyring& node : nodes) {
    EXPECT_EQ(node.size(), 1u);
    EXPECT_EQ(node.primary_key_id(), KeyIdOf(kKey2));
  }
}

// Keys are picked by id, not by trial decryption with the primary, so a
// member that has not heard of k2 yet still talks to one that has: joining
// mid-rotation works as long as each side accepts what the other sends.
TEST(KeyRotationTest, NewMemberJoinsMidRotation) {
  Keyring old_member = MakeKeyring("prod", {kKey1});
  Keyring rotating = MakeKeyring("prod", {kKey1, kKey2});
  ExpectAllPairsInteroperate({&old_member, &rotating}, "k1 vs {k1*, k2}");

  // A joiner that already made k2 primary but still accepts k1.
  Keyring joiner = MakeKeyring("prod", {kKey2, kKey1});
  ExpectAllPairsInteroperate({&rotating, &joiner}, "{k1*, k2} vs {k2*, k1}");
}

// The limits of rotation: a member only accepts keys in its own ring.
TEST(KeyRotationTest, SendingWithAKeyThePeerLacksIsDropped) {
  Keyring old_member = MakeKeyring("prod", {kKey1});
  Keyring ahead = MakeKeyring("prod", {kKey2, kKey1});
  Prng random(12);
  // Switching primary before everyone added k2 breaks this direction...
  EXPECT_EQ(OpenReason(old_member, Seal(ahead, true, kBody, random)),
            DropReason::kUnknownKey);
  // ...but not the other.
  EXPECT_EQ(OpenReason(ahead, Seal(old_member, true, kBody, random)),
            DropReason::kCount);

  Keyring only_k3 = MakeKeyring("prod", {kKey3});
  EXPECT_EQ(OpenReason(ahead, Seal(only_k3, false, kBody, random)),
            DropReason::kUnknownKey);
}

}  // namespace
}  // namespace swim
