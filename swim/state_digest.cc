#include "swim/state_digest.h"

namespace swim {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Fnv(uint64_t hash, absl::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

uint64_t FnvWord(uint64_t hash, uint64_t word) {
  for (int i = 0; i < 8; ++i) {
    hash ^= (word >> (8 * i)) & 0xff;
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace

uint64_t StableHash(absl::string_view bytes) {
  return Mix(Fnv(kFnvOffset, bytes));
}

size_t DigestBucketOf(absl::string_view name, size_t bucket_count) {
  return static_cast<size_t>(StableHash(name) % bucket_count);
}

uint64_t MemberStateHash(absl::string_view name, uint64_t incarnation,
                         Status status, OfflineReason reason,
                         uint64_t metadata_version) {
  uint64_t hash = Fnv(kFnvOffset, name);
  // The name's length separates it from the numbers that follow.
  hash = FnvWord(hash, name.size());
  hash = FnvWord(hash, incarnation);
  hash = FnvWord(hash, static_cast<uint64_t>(status) |
                           (static_cast<uint64_t>(reason) << 8));
  hash = FnvWord(hash, metadata_version);
  return Mix(hash);
}

std::vector<uint64_t> ComputeDigest(const Members& members,
                                    size_t bucket_count) {
  std::vector<uint64_t> buckets(bucket_count, 0);
  for (uint32_t id = 0; id < members.id_bound(); ++id) {
    if (!members.InUse(id)) continue;
    const Members::Record& record = members.record(id);
    const absl::string_view name = members.NameOf(id);
    buckets[DigestBucketOf(name, bucket_count)] +=
        MemberStateHash(name, record.incarnation, record.status,
                        record.offline_reason, record.metadata_version);
  }
  return buckets;
}

}  // namespace swim
