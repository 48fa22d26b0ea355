// Everything a swim Node needs to start, in one value type.
//
// The field initialisers are the LAN profile: timings close to
// hashicorp/memberlist's DefaultLANConfig, sized for a data-centre network
// with sub-millisecond round trips and clusters of up to a few thousand
// members. Only name, address and keys have no usable default:
//
//   Config config;
//   config.name = "node-a";
//   config.address = "10.0.0.1:7946";
//   config.keys = {std::string(32, 'k')};
//   config.seed_peers = {"10.0.0.2:7946"};
//   config.seed = 42;  // reproducible runs
//   if (absl::Status s = config.Validate(); !s.ok()) return s;
//
// Validate() (also called by Node::Create) names the offending field.
#ifndef SWIM_CONFIG_H_
#define SWIM_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/message.h"
#include "swim/random.h"

namespace swim {

struct Config {
  // ---- Identity. ----

  // The member's unique name in the cluster: 1 to 255 printable ASCII bytes
  // without spaces. A node restarted under the same name takes its place.
  std::string name;
  // Where this node receives datagrams, "host:port" ("[v6]:port" for IPv6
  // literals). Other members send here.
  std::string address;
  // The member's metadata at start (replace it later with
  // Node::SetMetadata). Its encoding must fit max_metadata_bytes.
  Metadata metadata;
  // The incarnation to start at. A restarted node out-incarnates whatever
  // the cluster remembers of it anyway; a start above every incarnation of
  // its previous lives (say, the Unix time in seconds, or a persisted
  // counter) makes that immediate and rules out a corner case where a
  // member that heard only an old incarnation keeps the previous life's
  // metadata until the next exchange. At most 2^44 (kMaxIncarnationJump,
  // swim/incarnation_bound.h): Unix seconds or milliseconds fit.
  uint64_t initial_incarnation = 0;

  // ---- Randomness. ----

  // Seeds the node's Prng, which makes every random choice (probe order,
  // relays, gossip peers) and, unless nonce_source is set, the envelope
  // nonces. The same seed and inputs give the same outputs, bit for bit.
  // Give every node its own seed.
  uint64_t seed = 1;
  // Where envelope nonces come from; not owned, must outlive the node.
  // nullptr: a stream of the node's Prng (reproducible; fine for tests and
  // simulation). Real deployments pass a CryptoRandom.
  RandomSource* nonce_source = nullptr;

  // ---- Security (swim/keyring.h, swim/envelope.h). ----

  // Members of differently named clusters reject each other's datagrams.
  std::string cluster_name;
  // Shared keys, keys[0] the primary (sends); all are accepted. At least
  // one, each at least kMinKeyBytes long.
  std::vector<std::string> keys;
  // Encrypt datagram bodies (otherwise they are authenticated only).
  bool encrypt = false;
  // Drop datagrams that are not encrypted.
  bool require_encryption = false;
  // The largest datagram sent or accepted, envelope included (34 bytes).
  // 1400 keeps clear of fragmentation on a 1500-byte MTU.
  size_t max_datagram_bytes = 1400;

  // ---- Joining. ----

  // Addresses to contact at start. May be empty: the node then waits to be
  // contacted. While the node knows no available member it keeps asking
  // them for a full state exchange, waiting join_retry_initial, then twice
  // as long each time up to join_retry_max.
  std::vector<std::string> seed_peers;
  absl::Duration join_retry_initial = absl::Seconds(1);
  absl::Duration join_retry_max = absl::Seconds(30);

  // ---- Failure detection (SWIM). ----

  // One member is probed per interval. Targets come from a ring every
  // member derives alike (swim/probe_ring.h): each member's
  // probe_ring_monitors predecessors probe it in turn, one per interval, on
  // a grid of absolute time (so members whose clocks agree stagger their
  // probes), and the ring is redrawn every probe_ring_monitors intervals.
  // A failure is then probed within 1.5 intervals while views agree. With
  // 0 (and whenever the ring's member is not available) targets come in a
  // shuffled round-robin order: probed within 2 × N intervals at worst,
  // with a geometric tail.
  absl::Duration probe_interval = absl::Seconds(1);
  int probe_ring_monitors = 4;
  // Wait this long for a direct ack before asking relays (and pinging once
  // more directly); must be shorter than probe_interval. Relays wait 80% of
  // it before answering Nack.
  absl::Duration probe_timeout = absl::Milliseconds(500);
  // Relays asked to ping a silent target (k of SWIM). A failed probe
  // accuses its target only if at least one relay answered Nack: a prober
  // that hears from no relay at all is more likely cut off itself.
  int indirect_checks = 3;

  // ---- Lifeguard. ----

  // Local health: the score ranges over [0, health_max - 1]; probe
  // interval and timeout are multiplied by score + 1.
  int health_max = 8;
  // Suspicion timeout: min = suspicion_min_intervals × probe_interval,
  // max = suspicion_max_mult × min; it shrinks from max toward min as
  // independent confirmations arrive, reaching min at
  // suspicion_confirmations (Lifeguard). When it expires, a member that has
  // itself failed to reach the suspect declares it OFFLINE; any other
  // probes it first (twice in a row must fail). Unlike memberlist's (4 × log10
  // N intervals, 12 s at N = 1,000) the minimum does not grow with the cluster:
  // a refutation need not reach every member before anyone may declare, only
  // the accusers, whose next probe carries the suspicion to the suspect.
  int suspicion_min_intervals = 2;
  int suspicion_max_mult = 9;
  int suspicion_confirmations = 2;
  // Views, counts and events show a suspicion (SUSPECT) only once this
  // many independent confirmations are in (at most k); until then the
  // suspect reads ONLINE (swim/protocol.md, "A suspicion is shown once
  // confirmed"). 0 shows every suspicion at once.
  int suspicion_shown_confirmations = 1;

  // ---- Dissemination. ----

  // Each update is sent retransmit_mult × ⌈log10(N + 1)⌉ times: on the
  // protocol's own datagrams, and while any update waits, every
  // gossip_interval in a Gossip datagram to gossip_fanout random members
  // (memberlist's gossip, which spreads news in about a second at 1,000
  // members; a quiet cluster sends none). A fanout of 0 leaves only
  // piggybacking.
  int retransmit_mult = 4;
  // An update that a member is OFFLINE (failed or left) is sent
  // offline_retransmit_mult × ⌈log10(N + 1)⌉ times: a member that misses
  // every copy of it waits out a whole suspicion timeout of its own, and at
  // 4 a thousand-member cluster under 10% loss left one member in about 25
  // crashes doing so (swim/protocol.md, "A death notice is sent twice as
  // often"). Such updates are rare, so the extra copies cost little.
  int offline_retransmit_mult = 8;
  absl::Duration gossip_interval = absl::Milliseconds(200);
  int gossip_fanout = 3;
  // Push-pull anti-entropy: every sync_interval (scaled up for clusters of
  // more than 32 members, as memberlist does) exchange full state with one
  // random available member.
  absl::Duration sync_interval = absl::Seconds(30);
  // These periodic exchanges start with a digest of this many buckets
  // (SyncDigest, swim/state_digest.h); only the buckets that differ are then
  // sent in full, so a converged cluster exchanges two small datagrams.
  // More buckets: larger digests, smaller repairs. 1 to kMaxDigestBuckets.
  int sync_digest_buckets = 16;
  // Churn: when gossip brings news of at least churn_sync_threshold members
  // never seen before (since the last exchange), gossip alone would take
  // long to carry it all (memberlist's 70 s stragglers), so exchange state
  // with a random member, at most once per churn_sync_interval: past
  // kMaxDigestBuckets members a digest of that many buckets first, then
  // the buckets that differ; below, full states. A quiet cluster never
  // does this; a join storm converges in seconds.
  // churn_settle_delay after the last such exchange, one more with a random
  // member (digests first, then the buckets that differ) catches whatever
  // the storm's gossip missed.
  int churn_sync_threshold = 8;
  absl::Duration churn_sync_interval = absl::Seconds(1);
  absl::Duration churn_settle_delay = absl::Seconds(8);
  // Members told directly, besides gossip, when this node leaves.
  int leave_fanout = 3;

  // ---- Bounds on what peers can make a node hold. ----

  // The most members (the local one and offline ones included) the node
  // holds; a member never seen before is refused (counted in
  // Counters::members_refused) while the table is full, and offline
  // members make room as they are forgotten (offline_retention). The
  // default is four times the few thousand members the LAN profile is
  // sized for, and above the simulator's largest runs (10,000); it caps
  // what a forged flood costs (about 100 bytes and one probe per interval
  // per member). 2 to 2^24.
  int max_members = 16384;

  // ---- Names (swim/name_policy.h). ----

  // What an Alive claiming a live (ONLINE or SUSPECT) member's name from
  // another address does. false: the holder keeps the name and the claim
  // is refused (memberlist's rule): a second process started under a
  // taken name stays out until the holder leaves or is declared OFFLINE.
  // true: a claim at a newer incarnation takes the name over (the holder,
  // if it still runs, out-incarnates it back). Either way the conflict is
  // reported (MemberEvent::Kind::kNameConflict) and counted.
  bool name_takeover = false;

  // ---- Protocol versions (swim/protocol_version.h, swim/protocol.md). ----
  // The wire versions this node speaks, kOldestProtocolVersion (1) to
  // kNewestProtocolVersion (2). It advertises the range and talks to each
  // peer in the highest version both speak, in version 1 (and, once in a
  // while, a version 2 announcement) to a peer whose range it has not
  // learned, and not at all to a peer whose range shares none with it.
  // protocol_version_max = 1 is exactly the format (and behaviour) of swim
  // before versions existed; during a rolling upgrade nodes of both kinds
  // interoperate.
  int protocol_version_min = 1;
  int protocol_version_max = 2;

  // ---- Round trips (swim/round_trips.h). ----

  // Network coordinates (Vivaldi, as Serf runs them): pings and acks in
  // protocol version 2 carry the sender's coordinate (89 bytes), and each
  // timed probe moves the local one, so that Node::EstimatedRtt predicts
  // the round trip to any member whose coordinate was heard. Round-trip
  // times themselves (Node::Rtt) are always measured.
  bool coordinates = false;

  // ---- Offline members. ----

  // Offline members are remembered this long, then forgotten.
  absl::Duration offline_retention = absl::Minutes(15);
  // One remembered offline member is pinged this often, so that the two
  // sides of a healed partition find each other again.
  absl::Duration offline_probe_interval = absl::Seconds(5);

  // ---- Metadata. ----

  // Largest encoded metadata map (swim::EncodeMetadata) of a member; at
  // most kMaxMetadataBytes. The default fits a 64 KiB value with room to
  // spare. Maps larger than a datagram travel in MetaChunk parts.
  size_t max_metadata_bytes = size_t{128} * 1024;
  // Maps encoding to at most this many bytes ride inline in Alive updates;
  // larger ones are fetched with MetaRequest.
  size_t metadata_inline_max_bytes = 256;
  // MetaChunk datagrams sent per MetaRequest (a window).
  int metadata_chunks_per_request = 16;
  // A fetch that makes no progress this long asks again (another member).
  absl::Duration metadata_fetch_timeout = absl::Milliseconds(250);

  // ---- Application state (swim/app_state.h). ----

  // Largest application state (Node::SetLocalState) this node sets or
  // fetches from others; at most kMaxAppStateBytes. States travel in
  // StateChunk parts (metadata_chunks_per_request per window, the same
  // metadata_fetch_timeout).
  size_t max_app_state_bytes = size_t{1} << 20;

  // ---- Switches for tests and simulations only. ----
  struct Testing {
    // Never refute suspicions or offline declarations about this node.
    bool disable_refutation = false;
    // Never gossip, piggybacked or in gossip rounds (buddy-system updates
    // and syncs still flow).
    bool zero_retransmits = false;
    // Treat every source address as validated: no 3x limit, no deferral
    // (swim/address_validation.h). For single-node tests of other rules.
    bool trust_all_addresses = false;
  };
  Testing testing;

  // OK, or InvalidArgument naming the first bad field.
  absl::Status Validate() const;
};

// Splits "host:port" or "[v6]:port"; false if `address` is not of that form
// with a port in 1..65535.
bool ParseAddress(absl::string_view address, absl::string_view* host,
                  uint16_t* port);

// Whether `name` is a valid member name (1..255 printable ASCII bytes, no
// spaces).
bool IsValidMemberName(absl::string_view name);

}  // namespace swim

#endif  // SWIM_CONFIG_H_
