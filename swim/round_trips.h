// Round-trip times and network coordinates, per member: the part of
// swim::Node that times each probe's ping to its ack (RFC 6298's smoothed
// RTT and variance, swim/rtt_estimator.h) and, with Config::coordinates,
// runs Vivaldi (swim/vivaldi.h) on those round trips and the coordinates
// that pings and acks carry.
//
// A ping's coordinate moves the local one too when this node has timed
// its sender before: its smoothed round trip is a measurement, and the
// coordinate is fresh (this doubles the updates; vivaldi_200 reaches 93.9%
// of pairs within 25% at 2 minutes instead of 89.5%, and 5 minutes' median
// error drops from 0.5% to 0.2%).
//
// Only a probe's first direct ping is timed, and only when its ack comes
// before the probe timeout (before any second ping or relay: Karn's rule,
// no ambiguous samples). Received coordinates that are not usable
// (NaN, infinite, out of range) are counted (coordinates_rejected) and
// otherwise ignored: they never reach the local coordinate.
//
//   round_trips.OnProbeAcked(id, name, now - sent_at, ack.coordinate);
//   std::optional<RttEstimate> rtt = round_trips.Rtt("node-b");
//   std::optional<absl::Duration> guess = round_trips.EstimatedRtt("node-c");
#ifndef SWIM_ROUND_TRIPS_H_
#define SWIM_ROUND_TRIPS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/coordinate.h"
#include "swim/node_context.h"
#include "swim/rtt_estimator.h"
#include "swim/vivaldi.h"

namespace swim {

class RoundTrips {
 public:
  explicit RoundTrips(NodeContext& ctx);

  RoundTrips(const RoundTrips&) = delete;
  RoundTrips& operator=(const RoundTrips&) = delete;

  // The local coordinate, to put on outgoing pings and acks; nullopt
  // unless config.coordinates.
  std::optional<Coordinate> LocalCoordinate() const;

  // The probe of member `id` (named `name`) had its direct ping acked
  // `rtt` after it was sent; `coordinate` came with the ack.
  void OnProbeAcked(uint32_t id, absl::string_view name, absl::Duration rtt,
                    const std::optional<Coordinate>& coordinate);
  // A ping from `sender` carried `coordinate`: kept for estimates, and
  // used with the sender's smoothed round trip if it was timed.
  void OnPing(absl::string_view sender,
              const std::optional<Coordinate>& coordinate);

  // The member's smoothed round trip; nullopt until a probe of it was
  // timed.
  std::optional<RttEstimate> Rtt(absl::string_view member) const;
  // The round trip the coordinates predict to `member`; nullopt unless
  // config.coordinates and its coordinate was heard.
  std::optional<absl::Duration> EstimatedRtt(absl::string_view member) const;

 private:
  // Ids are reused once members are forgotten: each slot remembers a hash
  // of whose it is, and starts over for another name.
  struct Timing {
    uint32_t name_hash = 0;
    RttEstimator rtt;
  };
  struct Peer {
    uint32_t name_hash = 0;
    bool known = false;
    uint8_t recent_count = 0;
    uint8_t recent_next = 0;
    std::array<double, 3> recent_seconds = {};  // Serf's latency filter
    Coordinate coordinate;
  };

  // The coordinate's slot for `id`, reset if it held another member's.
  Peer& PeerFor(uint32_t id, uint32_t name_hash);
  // Whether `coordinate` is usable; counted if not.
  bool Accept(const Coordinate& coordinate);
  // The median of the last few samples of the peer, `seconds` included.
  static double Filtered(Peer& peer, double seconds);

  NodeContext& ctx_;
  std::vector<Timing> timings_;  // by member id (16 bytes), grown as timed
  std::vector<Peer> peers_;      // by member id; only with coordinates
  std::optional<Vivaldi> vivaldi_;
};

}  // namespace swim

#endif  // SWIM_ROUND_TRIPS_H_
