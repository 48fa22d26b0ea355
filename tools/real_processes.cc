#include "tools/real_processes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "swim/crypto_random.h"

namespace swim::tools {
namespace {

// In a forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

void UnblockAllSignals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::vector<std::string> NamespacePids(const std::string& netns) {
  std::vector<std::string> pids;
  const std::string path = absl::StrCat("/run/netns/", netns);
  // `ip netns pids` lists the processes whose network namespace it is.
  int out[2];
  if (pipe(out) != 0) return pids;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    ExecChild({"ip", "netns", "pids", netns});
  }
  close(out[1]);
  const std::string text = ReadAll(out[0]);
  close(out[0]);
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    pids.emplace_back(line);
  }
  return pids;
}

void KillNamespace(const std::string& netns) {
  for (const std::string& p : NamespacePids(netns)) {
    pid_t pid = 0;
    if (absl::SimpleAtoi(p, &pid) && pid > 1) kill(pid, SIGKILL);
  }
  (void)RunCommand({"ip", "netns", "del", netns});
}

}  // namespace

absl::Status RunCommand(const std::vector<std::string>& argv,
                        const std::string& input) {
  int in[2];
  int out[2];
  if (pipe(in) != 0 || pipe(out) != 0) {
    return absl::InternalError("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    UnblockAllSignals();
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    ExecChild(argv);
  }
  close(in[0]);
  close(out[1]);
  // Rule sets are a few kilobytes: below the pipe's buffer, so writing
  // everything before reading cannot deadlock with the child.
  (void)!write(in[1], input.data(), input.size());
  close(in[1]);
  const std::string text = ReadAll(out[0]);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  std::string command;
  for (const std::string& a : argv) absl::StrAppend(&command, " ", a);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot run", command, " (not installed? see tools/setup)"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("`", command.substr(1), "` failed: ", text));
}

int RemoveStaleNamespaces() {
  int removed = 0;
  DIR* dir = opendir("/run/netns");
  if (dir == nullptr) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(dir)) {
    const absl::string_view name = e->d_name;
    if (!absl::StartsWith(name, kNamespacePrefix)) continue;
    pid_t pid = 0;
    if (!absl::SimpleAtoi(name.substr(sizeof(kNamespacePrefix) - 1), &pid) ||
        pid <= 0) {
      continue;  // not one of ours
    }
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // its run is alive
    stale.emplace_back(name);
  }
  closedir(dir);
  for (const std::string& netns : stale) {
    std::fprintf(stderr, "swim_real: removing stale namespace %s\n",
                 netns.c_str());
    KillNamespace(netns);
    ++removed;
  }
  return removed;
}

RealProcesses::RealProcesses(int nodes, std::string node_binary,
                             std::string work_dir)
    : netns_(absl::StrCat(kNamespacePrefix, getpid())),
      node_binary_(std::move(node_binary)),
      work_dir_(std::move(work_dir)),
      pids_(static_cast<size_t>(nodes), 0) {
  CryptoRandom random;
  uint8_t bytes[16];
  random.Fill(absl::MakeSpan(bytes));
  for (uint8_t b : bytes)
    absl::StrAppend(&secret_, absl::Hex(b, absl::kZeroPad2));
}

absl::StatusOr<std::unique_ptr<RealProcesses>> RealProcesses::Create(
    int nodes, std::string node_binary, std::string work_dir) {
  if (geteuid() != 0) {
    return absl::PermissionDeniedError(
        "network namespaces need root (ip netns add); not running as root");
  }
  if (access(node_binary.c_str(), X_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("node program ", node_binary, " not found"));
  }
  RemoveStaleNamespaces();
  std::unique_ptr<RealProcesses> p(
      new RealProcesses(nodes, std::move(node_binary), std::move(work_dir)));
  if (absl::Status s = RunCommand({"ip", "netns", "add", p->netns_}); !s.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create a network namespace: ", s.message()));
  }
  p->created_ = true;
  if (absl::Status s =
          RunCommand({"ip", "-n", p->netns_, "link", "set", "lo", "up"});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = p->InstallRules("table inet swimreal {}\n"); !s.ok()) {
    return s;
  }
  return p;
}

RealProcesses::~RealProcesses() {
  for (size_t i = 0; i < pids_.size(); ++i) Kill(static_cast<int>(i));
  if (created_) KillNamespace(netns_);
}

std::string RealProcesses::LogPath(int node) const {
  return absl::StrCat(work_dir_, "/n", node, ".log");
}
std::string RealProcesses::StderrPath(int node) const {
  return absl::StrCat(work_dir_, "/n", node, ".stderr");
}

absl::Status RealProcesses::Spawn(int node,
                                  const std::vector<std::string>& args) {
  if (pids_[node] > 0) return absl::FailedPreconditionError("node is running");
  std::vector<std::string> argv = {node_binary_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string netns_path = absl::StrCat("/run/netns/", netns_);
  const std::string err_path = StderrPath(node);
  const std::string secret_env = absl::StrCat("SWIM_SECRET=", secret_);
  const int ns_fd = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) return absl::InternalError("cannot open the namespace");
  const int err_fd =
      open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const pid_t pid = fork();
  if (pid < 0) {
    close(ns_fd);
    if (err_fd >= 0) close(err_fd);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    // Nodes die with the runner, whatever kills it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (setns(ns_fd, CLONE_NEWNET) != 0) _exit(126);
    UnblockAllSignals();
    if (err_fd >= 0) {
      dup2(err_fd, STDOUT_FILENO);
      dup2(err_fd, STDERR_FILENO);
    }
    putenv(const_cast<char*>(secret_env.c_str()));
    ExecChild(argv);
  }
  close(ns_fd);
  if (err_fd >= 0) close(err_fd);
  pids_[node] = pid;
  return absl::OkStatus();
}

void RealProcesses::Kill(int node) {
  const pid_t pid = pids_[node];
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  pids_[node] = 0;
}

void RealProcesses::Signal(int node, int signal) {
  if (pids_[node] > 0) kill(pids_[node], signal);
}

void RealProcesses::StopAll(absl::Duration grace) {
  for (pid_t pid : pids_) {
    if (pid <= 0) continue;
    kill(pid, SIGCONT);
    kill(pid, SIGTERM);
  }
  const absl::Time deadline = absl::Now() + grace;
  for (size_t i = 0; i < pids_.size(); ++i) {
    while (pids_[i] > 0) {
      int status = 0;
      if (waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
        pids_[i] = 0;
      } else if (absl::Now() >= deadline) {
        Kill(static_cast<int>(i));
      } else {
        absl::SleepFor(absl::Milliseconds(10));
      }
    }
  }
}

absl::Status RealProcesses::InstallRules(const std::string& ruleset) {
  return RunCommand({"ip", "netns", "exec", netns_, "nft", "-f", "-"}, ruleset);
}

std::vector<int> RealProcesses::ExitedNodes() {
  std::vector<int> exited;
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (pids_[i] <= 0) continue;
    int status = 0;
    if (waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
      pids_[i] = 0;
      exited.push_back(static_cast<int>(i));
    }
  }
  return exited;
}

}  // namespace swim::tools
