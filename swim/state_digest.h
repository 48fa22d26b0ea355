// Compact summaries of a membership table, for anti-entropy by digest.
//
// Members are hashed into buckets by name; a bucket holds the sum (mod
// 2^64) of its members' state hashes. Two nodes with the same view of a
// bucket have the same sum, so comparing digests (SyncDigest) finds the
// buckets worth exchanging without sending the members themselves. The
// hashes are stable across platforms, builds and runs (unlike absl::Hash),
// as every node must compute the same ones.
//
//   std::vector<uint64_t> mine = ComputeDigest(members, theirs.size());
//   for (size_t b = 0; b < mine.size(); ++b)
//     if (mine[b] != theirs[b]) SendBucket(b);
#ifndef SWIM_STATE_DIGEST_H_
#define SWIM_STATE_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "swim/members.h"
#include "swim/status.h"

namespace swim {

// A stable 64-bit hash of `bytes`: FNV-1a, finished with splitmix64's
// mixer so that every output bit depends on every input bit.
uint64_t StableHash(absl::string_view bytes);

// The bucket, of `bucket_count` (at least 1), that member `name` falls in.
size_t DigestBucketOf(absl::string_view name, size_t bucket_count);

// The hash of a member's state as it is gossiped: its name, incarnation,
// status (with the reason when offline) and announced metadata version.
uint64_t MemberStateHash(absl::string_view name, uint64_t incarnation,
                         Status status, OfflineReason reason,
                         uint64_t metadata_version);

// The digest of every member of `members`, the local one included.
std::vector<uint64_t> ComputeDigest(const Members& members,
                                    size_t bucket_count);

}  // namespace swim

#endif  // SWIM_STATE_DIGEST_H_
