// One tests/net/udp_cluster_node process for multi-process tests: spawned
// with pipes on its stdin and stdout, its CHANGE lines folded into the
// statuses it reports, its answers to commands waited for. SIGKILLed when
// destroyed, so a failing test never leaves processes behind.
//
//   NodeProcess node(program, {"--name=127.0.0.1:0", "--secret=s"});
//   std::string name = node.Name(absl::Seconds(30));
//   node.WaitUntil([&](const auto& s) { return s.size() == 5; }, timeout);
//   ASSERT_TRUE(node.Sees("127.0.0.1:7001", "online", timeout));
//   std::optional<std::string> ok = node.Ask("key add next", timeout);
//
// A test's main() takes the program from its arguments:
//
//   int main(int argc, char** argv) {
//     node_program = swim::testing::InitNodeProcessTest(&argc, argv);
//     return node_program.empty() ? 2 : RUN_ALL_TESTS();
//   }
#ifndef TESTS_TESTING_NODE_PROCESS_H_
#define TESTS_TESTING_NODE_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace swim::testing {

class NodeProcess {
 public:
  // One status change a CHANGE line reported, and when it was read.
  struct Change {
    absl::Time at;
    std::string member;
    std::string status;  // "status reason", e.g. "suspect none"
  };

  // Spawns `program` with `args` (argv[1..]).
  NodeProcess(const std::string& program, std::vector<std::string> args);
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Writes one command line to the process's stdin.
  void Send(absl::string_view command);
  // Sends `command` and waits for the next line that starts with "OK" or
  // "ERROR"; that line, or nullopt after `timeout`.
  std::optional<std::string> Ask(absl::string_view command,
                                 absl::Duration timeout);

  void Kill();
  // Waits for the process to exit by itself; its exit status.
  int WaitExit();

  // The name from the READY line, waiting up to `timeout`.
  std::string Name(absl::Duration timeout);

  // Waits until `done(statuses)` holds; statuses maps member to
  // "status reason" as last reported. False after `timeout`.
  bool WaitUntil(const std::function<
                     bool(const std::map<std::string, std::string>&)>& done,
                 absl::Duration timeout);

  // Waits until `member`'s reported status starts with `status` (e.g.
  // "offline failed"); on timeout, a failure saying what it is instead.
  ::testing::AssertionResult Sees(const std::string& member,
                                  absl::string_view status,
                                  absl::Duration timeout);

  std::string Status(const std::string& member);
  std::string Metadata(const std::string& member);
  // Every member this process ever reported.
  bool EverSaw(const std::string& member);
  // Every status change reported so far, oldest first.
  std::vector<Change> History();
  std::string LastStats();
  // Asks for a STATS line and waits for it.
  bool RequestStats(absl::Duration timeout);
  // The application's lines (DELIVERY, MERGE, ADDRESS) so far, oldest
  // first.
  std::vector<std::string> AppLines();
  // Waits until an application line starts with `prefix`; false after
  // `timeout`.
  bool WaitForLine(absl::string_view prefix, absl::Duration timeout);

 private:
  // Polls `done` under the lock (the reader thread updates the state).
  bool Poll(const std::function<bool()>& done, absl::Duration timeout);
  void Read();
  void Parse(const std::string& line);

  pid_t pid_ = 0;
  int stdin_ = -1;
  int stdout_ = -1;
  std::thread reader_;
  absl::Mutex mu_;
  std::string ready_name_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> statuses_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> metadata_ ABSL_GUARDED_BY(mu_);
  std::vector<Change> history_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> answers_ ABSL_GUARDED_BY(mu_);
  std::string stats_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> app_lines_ ABSL_GUARDED_BY(mu_);
};

// Whether each of nodes[i] for i in `observers` sees `member` as `status`
// (NodeProcess::Sees), all within `timeout` from now.
::testing::AssertionResult AllSee(
    const std::vector<std::unique_ptr<NodeProcess>>& nodes,
    const std::vector<size_t>& observers, const std::string& member,
    absl::string_view status, absl::Duration timeout);

// For the main() of a test that spawns node processes: initialises gtest,
// returns the node program (argv[1], from the BUILD rule's args; empty,
// after a usage line, if missing) and ignores SIGPIPE, so that a child that
// dies cannot kill the test through a broken pipe.
std::string InitNodeProcessTest(int* argc, char** argv);

}  // namespace swim::testing

#endif  // TESTS_TESTING_NODE_PROCESS_H_
