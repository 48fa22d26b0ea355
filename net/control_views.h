// What the control socket answers (net/control_server.h), as text for
// people and as JSON for programs: the members, the stats (the samples of
// net/node_metrics.h), the key ids and one line per membership change.
//
//   std::string table = MembersTable(*node.Members());
//   std::string json = StatsJson(node.name(), NodeMetrics(...));
//   std::string line = EventLine(change, absl::Now(), /*json=*/true);
#ifndef NET_CONTROL_VIEWS_H_
#define NET_CONTROL_VIEWS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "net/member_snapshot.h"
#include "net/node_metrics.h"
#include "net/subscription.h"
#include "swim/keyring.h"

namespace swim::net {

// "online", "suspect", "offline (left)", "offline (failed)".
std::string MemberStatusText(const MemberInfo& member);

// A table, one member a line (the local one marked with "*"): name,
// address, status, incarnation, then with `round_trips` the round trip
// ("12.345ms +/-1.200ms", "~11.9ms" estimated by coordinates, "-" if not
// measured), then metadata as key=value.
std::string MembersTable(const MembersSnapshot& members,
                         absl::Span<const MemberRoundTrip> round_trips = {});
// {"members":[{"name":..,"address":..,"status":..,"offline_reason":..,
// "incarnation":..,"metadata_version":..,"local":..,"metadata":{..}}]},
// each member with `round_trips` also "rtt_ms", "rttvar_ms" and
// "estimated_rtt_ms" where known.
std::string MembersJson(const MembersSnapshot& members,
                        absl::Span<const MemberRoundTrip> round_trips = {});

// One "name{label} value" line per sample, under the node's name.
std::string StatsText(absl::string_view node_name,
                      absl::Span<const MetricSample> samples);
// {"name":..,"<family>":value or {"<label value>":value,..},..}, the family
// without its "swim_" prefix, e.g. "drops_total":{"auth_failed":0,..}.
std::string StatsJson(absl::string_view node_name,
                      absl::Span<const MetricSample> samples);

// The ids, the primary first: one a line ("1a2b3c4d primary") or
// {"primary":"1a2b3c4d","keys":["1a2b3c4d",..]}.
std::string KeysText(absl::Span<const KeyId> ids);
std::string KeysJson(absl::Span<const KeyId> ids);

// One change as one line, without "\n": text
// "<time> <member> [<previous> -> ]<status> incarnation=N[ metadata={..}]"
// or a JSON object.
std::string EventLine(const MemberChange& change, absl::Time at, bool json);

}  // namespace swim::net

#endif  // NET_CONTROL_VIEWS_H_
