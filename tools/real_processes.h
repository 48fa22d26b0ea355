// The network namespace of one tools/swim_real run and the node processes
// in it: creates "swimreal-<pid>" (loopback up), removes namespaces of
// runs whose process is gone, starts swim_real_node processes inside it
// (one per node, so that each can be killed or stopped alone), signals
// them, installs nftables rules, and removes everything in its destructor.
//
//   absl::StatusOr<std::unique_ptr<RealProcesses>> p =
//       RealProcesses::Create(nodes, node_binary, work_dir);
//   (*p)->Spawn(0, {"--name=n0", ...});
//   (*p)->Signal(0, SIGSTOP);
//   (*p)->InstallRules(net.NftRuleset(...));
//   (*p)->Kill(0);
//   // ~RealProcesses: every node killed, the namespace deleted.
#ifndef TOOLS_REAL_PROCESSES_H_
#define TOOLS_REAL_PROCESSES_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace swim::tools {

inline constexpr char kNamespacePrefix[] = "swimreal-";

// Deletes "swimreal-<pid>" namespaces whose <pid> is not running (left by
// a run that was killed), killing what still runs in them. Returns how
// many it removed.
int RemoveStaleNamespaces();

class RealProcesses {
 public:
  // InvalidArgument / PermissionDenied-like errors say why namespaces
  // cannot be made (not root, no `ip`).
  static absl::StatusOr<std::unique_ptr<RealProcesses>> Create(
      int nodes, std::string node_binary, std::string work_dir);
  ~RealProcesses();
  RealProcesses(const RealProcesses&) = delete;
  RealProcesses& operator=(const RealProcesses&) = delete;

  const std::string& namespace_name() const { return netns_; }
  // Node i's log and stderr files in the work directory.
  std::string LogPath(int node) const;
  std::string StderrPath(int node) const;

  // Starts node `node` (which must be down) with these arguments, inside
  // the namespace, with SWIM_SECRET set.
  absl::Status Spawn(int node, const std::vector<std::string>& args);
  bool IsRunning(int node) const { return pids_[node] > 0; }
  // SIGKILL and reap.
  void Kill(int node);
  void Signal(int node, int signal);
  // SIGTERM to every running node (SIGCONT first), then SIGKILL for what
  // is still there after `grace`.
  void StopAll(absl::Duration grace);
  // Replaces the namespace's "swimreal" table (nft -f).
  absl::Status InstallRules(const std::string& ruleset);
  // Nodes that exited by themselves (reaped); for error reports.
  std::vector<int> ExitedNodes();

 private:
  RealProcesses(int nodes, std::string node_binary, std::string work_dir);

  std::string netns_;
  std::string node_binary_;
  std::string work_dir_;
  std::string secret_;
  std::vector<pid_t> pids_;
  bool created_ = false;
};

// Runs argv (no shell) and waits; its stdout and stderr as the error text
// when it fails. `input` is written to its stdin.
absl::Status RunCommand(const std::vector<std::string>& argv,
                        const std::string& input = "");

}  // namespace swim::tools

#endif  // TOOLS_REAL_PROCESSES_H_
