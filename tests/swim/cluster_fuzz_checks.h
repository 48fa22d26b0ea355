// The invariants the cluster fuzzer (tests/swim/cluster_fuzz.cc) checks
// after every step, one small function each, so that each can be shown to
// fail (tests/swim/cluster_fuzz_checks_test.cc). Each returns OK or
// FailedPrecondition naming the node, the table or the member at fault.
//
//   node.Tick(t);
//   absl::Status s = CheckDeadlineAfterTick(node, t);
//   if (!s.ok()) Abort(s);
#ifndef TESTS_SWIM_CLUSTER_FUZZ_CHECKS_H_
#define TESTS_SWIM_CLUSTER_FUZZ_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/members.h"
#include "swim/node.h"
#include "swim/state_sizes.h"

namespace swim::testing {

// Envelope options that open a datagram of any protocol version a node
// writes (1 and 2), and the version a datagram was sealed in.
EnvelopeOptions EveryVersion();
uint8_t EnvelopeVersionOf(absl::string_view datagram);

// After Tick(`tick`), the node's next deadline lies after `tick`: a past
// deadline would make the caller's loop spin.
absl::Status CheckDeadlineAfterTick(absl::string_view node,
                                    absl::Time next_deadline, absl::Time tick);

// A datagram a node sent fits `max_datagram_bytes`, opens under `keyring`
// and decodes.
absl::Status CheckDatagram(const Keyring& keyring, absl::string_view datagram,
                           size_t max_datagram_bytes);

// Every table within its bound (swim/state_sizes.h).
absl::Status CheckStateBounds(absl::string_view node, const StateSizes& sizes,
                              const StateSizes& bounds);

// `member`, as node `node` holds it, is within the ceilings of
// swim/incarnation_bound.h: incarnation at most kMaxAliveIncarnation,
// metadata version at most incarnation + 1.
absl::Status CheckIncarnation(absl::string_view node, const MemberView& member);
// CheckIncarnation for every member the node holds.
absl::Status CheckIncarnations(const Node& node);

// Every node of `honest` holds every other one ONLINE (no member pinned
// SUSPECT, OFFLINE, LEFT or unknown).
absl::Status CheckAllSeeAllOnline(const std::vector<const Node*>& honest);

}  // namespace swim::testing

#endif  // TESTS_SWIM_CLUSTER_FUZZ_CHECKS_H_
