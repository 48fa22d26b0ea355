// UdpNode runs one swim::Node on a real UDP socket: an epoll loop on its own
// thread, plus a thread-safe handle for the rest of the application.
//
// The loop owns the node. It waits on the socket (batched recvmmsg), a
// timerfd armed at the node's next deadline, and an eventfd that other
// threads write to wake it with commands; it sends what the node wants sent
// (batched sendmmsg) and publishes membership changes. Time is
// CLOCK_MONOTONIC (net/monotonic_clock.h); the node's PRNG is seeded from
// BoringSSL's RAND_bytes and its envelope nonces come from a CryptoRandom.
// Host names are resolved off the loop thread (net/resolver.h): the loop
// blocks on nothing but epoll_wait, and Stats() reports its longest stall.
// Socket errors are counted (Stats().socket) and never stop the loop. There
// is no protocol logic here: everything is swim::Node's.
//
// Callbacks given to Subscribe run on the loop thread (see
// net/subscription.h): keep them short and never block in them.
//
//   UdpNodeOptions options;
//   options.config.address = "127.0.0.1:2001";  // also the name by default
//   options.config.keys = {DeriveKeyFromSecret("my secret")};
//   options.config.seed_peers = {"127.0.0.1:2002"};
//   absl::StatusOr<std::unique_ptr<UdpNode>> node =
//       UdpNode::Start(std::move(options));
//   if (!node.ok()) return node.status();
//   Subscription s = (*node)->Subscribe([](const MemberChange& c) {
//     std::cout << c.member.name << " " << StatusName(c.member.status) << "\n";
//   });
//   (*node)->SetMetadata({{"role", "db"}}).IgnoreError();
//   // Or start without seed peers, subscribe, then join (see Join below):
//   absl::StatusOr<size_t> answered =
//       (*node)->Join({"127.0.0.1:2002"}, absl::Seconds(5));
//   std::shared_ptr<const MembersSnapshot> view = (*node)->Members();
//   (*node)->Stop();  // leaves gracefully (unless leave_on_stop is false)
#ifndef NET_UDP_NODE_H_
#define NET_UDP_NODE_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "net/delivery_listeners.h"
#include "net/member_snapshot.h"
#include "net/resolver.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"
#include "net/state_merge_listeners.h"
#include "net/subscription.h"
#include "net/udp_socket.h"
#include "swim/admission.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/crypto_random.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"

namespace swim::net {

struct UdpNodeOptions {
  // The node's configuration. Differences from swim::Node::Create:
  //  - address "host:port" may have port 0: the socket gets a free port and
  //    the address (and the name, if it was the same text) takes it;
  //  - an empty name means the address (the seed's convention);
  //  - seed and nonce_source are replaced (RAND_bytes, CryptoRandom)
  //    unless keep_seed is set.
  Config config;
  // Where to bind, "host:port" (e.g. "0.0.0.0:7946" or "[::]:7946");
  // empty: config.address.
  std::string bind_address;
  // Use config.seed and config.nonce_source as given (tests, replays).
  bool keep_seed = false;
  // Whether Stop() leaves the cluster gracefully first.
  bool leave_on_stop = true;
  // How long the loop keeps running after a graceful leave, so that the
  // news spreads and nobody suspects the node meanwhile. Default: two
  // probe intervals.
  std::optional<absl::Duration> leave_linger;
  // recvmmsg batch size.
  size_t receive_batch = 32;
  // Kernel socket buffer size to ask for (SO_RCVBUF/SO_SNDBUF); 0: system
  // default.
  int socket_buffer_bytes = 0;
  // The application's veto on who enters the view (swim/admission.h,
  // Node::SetAdmissionCheck); empty admits everyone. Called on the loop
  // thread, inside the node's input: return quickly, never call the
  // UdpNode from it.
  AdmissionCheck admission_check;
};

// A copy of every counter, taken on the loop thread.
struct UdpNodeStats {
  Counters node;          // the protocol's (swim/counters.h)
  SocketCounters socket;  // the adapter's
  size_t pending_gossip = 0;
  // Name resolution, off the loop thread (net/resolver.h).
  ResolverStats resolver;
  // The longest the loop thread ever spent between two epoll_waits (its
  // work for one wake-up: datagrams, timers, commands, callbacks). Anything
  // that blocks the loop shows here; a healthy loop stays well under a
  // millisecond.
  uint64_t loop_stall_us_max = 0;
};

class UdpNode {
 public:
  enum class StopMode { kLeave, kNoLeave };

  // Binds the socket, creates the node and starts the loop thread. Errors
  // name the bad field or address.
  static absl::StatusOr<std::unique_ptr<UdpNode>> Start(UdpNodeOptions options);

  // Stops (as Stop()) and joins the loop thread. Never destroy a UdpNode
  // from one of its own callbacks (the loop thread cannot join itself).
  ~UdpNode();
  UdpNode(const UdpNode&) = delete;
  UdpNode& operator=(const UdpNode&) = delete;

  // ---- Thread-safe; may be called from any thread, callbacks included.

  // The member's name and address (with the bound port).
  const std::string& name() const { return name_; }
  const std::string& address() const { return address_; }

  // The latest membership, consistent as of one moment of the loop.
  std::shared_ptr<const MembersSnapshot> Members() const;

  // Every other member's round trip as this node measured it (smoothed,
  // RFC 6298) and, with Config::coordinates, as the network coordinates
  // estimate it, by name; and the local coordinate. Asked of the loop
  // thread. FailedPrecondition once stopped.
  absl::StatusOr<std::vector<MemberRoundTrip>> RoundTrips() const;
  absl::StatusOr<std::optional<Coordinate>> LocalCoordinate() const;

  // Replaces the local member's metadata (swim::Node::SetMetadata's
  // errors). FailedPrecondition once stopped.
  absl::Status SetMetadata(Metadata metadata);

  // Keys at runtime, for rotating the cluster's key without a restart: on
  // every member AddKey(new), then UseKey(its id) on every member, then
  // RemoveKey(the old id) on every member (see net/README.md, "Rotating
  // keys"). swim::Node::AddKey/UseKey/RemoveKey's errors (InvalidArgument
  // for a short key, NotFound for an id not held, FailedPrecondition for
  // removing the primary or the last key); FailedPrecondition once stopped.
  // AddKey takes the key itself (DeriveKeyFromSecret makes one from a
  // secret), returns its id and zeroes its copy. KeyIds lists the ids held,
  // the primary first; the keys never leave the node.
  absl::StatusOr<KeyId> AddKey(std::string key);
  absl::Status UseKey(KeyId id);
  absl::Status RemoveKey(KeyId id);
  absl::StatusOr<std::vector<KeyId>> KeyIds() const;

  // Calls `callback` on the loop thread after every change of any member
  // (status, metadata or address; MemberChange says which) and every name
  // conflict, until the Subscription goes away.
  // With `replay_members`, it is first called (on the loop thread, before
  // any later change) once per member already known, with an event whose
  // `previous` is kUnknown: current state and changes, without a gap.
  Subscription Subscribe(ChangeCallback callback, bool replay_members = false);

  // ---- The explicit join and application traffic (udp_node_apps.cc).

  // Contacts `peers` ("host:port"; names are resolved now) with this
  // node's state and blocks until each has answered with its own, or
  // `timeout` passes: a node started without seed peers joins here, after
  // subscribing, and learns whether it did. Returns how many peers
  // answered (each answer brings its whole membership); Unavailable naming
  // the peers when none did (the node keeps retrying them while alone,
  // with backoff); InvalidArgument for no peers or a bad address;
  // FailedPrecondition once stopped.
  absl::StatusOr<size_t> Join(const std::vector<std::string>& peers,
                              absl::Duration timeout);
  // swim::Node::Broadcast and SendTo (their limits and errors);
  // FailedPrecondition once stopped.
  absl::Status Broadcast(absl::string_view key, absl::string_view payload);
  absl::Status SendTo(absl::string_view member, absl::string_view payload);
  // Calls `callback` on the loop thread for every broadcast and direct
  // message received, until the Subscription goes away.
  Subscription SubscribeDeliveries(DeliveryCallback callback);
  // swim::Node::SetLocalState: `state` is offered at every state exchange
  // from now on (InvalidArgument over config.max_app_state_bytes);
  // FailedPrecondition once stopped.
  absl::Status SetLocalState(std::string state);
  // Calls `callback` on the loop thread for every remote application state
  // fetched in a state exchange (with its sender and whether it was a
  // join), until the Subscription goes away.
  Subscription SubscribeStateMerges(StateMergeCallback callback);

  // Leaves the cluster gracefully and keeps running (answering pings with
  // the news) until stopped.
  void Leave();

  // Stops the loop: leaves first (and lingers, see leave_linger) when
  // options.leave_on_stop, then closes the socket. Blocks until the loop
  // has ended, unless called on the loop thread (then it only asks).
  void Stop();
  void Stop(StopMode mode);
  bool stopped() const;

  // A copy of the counters (the final ones once stopped).
  UdpNodeStats Stats() const;

 private:
  using Command = std::function<void(absl::Time now)>;

  explicit UdpNode(UdpNodeOptions options);
  absl::Status Init();
  void Loop();
  // Runs `command` on the loop thread (inline if called there) and waits
  // for it; false if the loop has ended.
  bool RunOnLoop(const Command& command) const;
  void Wake() const;
  void ReceiveAll(absl::Time now);
  void FlushTransmits();
  // Takes the node's events as MemberChanges, with each member's state as
  // of now: called after every input, so a change holds the state it made.
  void CollectEvents();
  void PublishEvents();
  void PublishDeliveries();
  void PublishStateMerges();
  void ArmTimer(absl::Time deadline);
  bool OnLoopThread() const;

  UdpNodeOptions options_;
  std::string name_;
  std::string address_;
  CryptoRandom crypto_random_;

  // Owned by the loop thread while it runs.
  std::unique_ptr<Node> node_;
  std::optional<UdpSocket> socket_;
  std::unique_ptr<ReceiveBatch> receive_batch_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int event_fd_ = -1;
  absl::Time armed_deadline_ = absl::InfinitePast();
  SocketCounters socket_counters_;
  absl::Duration loop_stall_max_;
  // Member addresses to sockaddrs; host names are looked up on its own
  // threads, never on the loop's.
  std::unique_ptr<Resolver> resolver_;
  std::vector<Transmit> transmits_;
  std::vector<MemberChange> changes_;
  bool members_changed_ = false;  // since the last snapshot

  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};
  absl::Mutex join_mu_;
  const std::shared_ptr<ChangeListeners> listeners_ =
      std::make_shared<ChangeListeners>();
  const std::shared_ptr<DeliveryListeners> delivery_listeners_ =
      std::make_shared<DeliveryListeners>();
  const std::shared_ptr<StateMergeListeners> state_merge_listeners_ =
      std::make_shared<StateMergeListeners>();

  mutable absl::Mutex mu_;
  mutable std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  std::optional<StopMode> stop_requested_ ABSL_GUARDED_BY(mu_);
  bool loop_ended_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<const MembersSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  UdpNodeStats final_stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace swim::net

#endif  // NET_UDP_NODE_H_
