#include "tests/testing/node_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "net/tsan_mutex_lock.h"

namespace swim::testing {

using ::swim::net::TsanMutexLock;

NodeProcess::NodeProcess(const std::string& program,
                         std::vector<std::string> args) {
  int in[2];
  int out[2];
  EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
  args.insert(args.begin(), program);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  EXPECT_EQ(
      posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  stdin_ = in[1];
  stdout_ = out[0];
  reader_ = std::thread([this] { Read(); });
}

NodeProcess::~NodeProcess() {
  Kill();
  reader_.join();
  close(stdout_);
}

void NodeProcess::Send(absl::string_view command) {
  std::string line = absl::StrCat(command, "\n");
  [[maybe_unused]] ssize_t n = write(stdin_, line.data(), line.size());
}

std::optional<std::string> NodeProcess::Ask(absl::string_view command,
                                            absl::Duration timeout) {
  size_t seen;
  {
    TsanMutexLock lock(&mu_);
    seen = answers_.size();
  }
  Send(command);
  std::optional<std::string> answer;
  Poll(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        if (answers_.size() > seen) answer = answers_[seen];
        return answer.has_value();
      },
      timeout);
  return answer;
}

void NodeProcess::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  if (stdin_ >= 0) {
    close(stdin_);
    stdin_ = -1;
  }
}

int NodeProcess::WaitExit() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = 0;
  return status;
}

std::string NodeProcess::Name(absl::Duration timeout) {
  std::string name;
  Poll(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        name = ready_name_;
        return !name.empty();
      },
      timeout);
  return name;
}

bool NodeProcess::WaitUntil(
    const std::function<bool(const std::map<std::string, std::string>&)>& done,
    absl::Duration timeout) {
  return Poll(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done(statuses_); },
      timeout);
}

::testing::AssertionResult NodeProcess::Sees(const std::string& member,
                                             absl::string_view status,
                                             absl::Duration timeout) {
  const bool ok = WaitUntil(
      [&](const std::map<std::string, std::string>& statuses) {
        auto it = statuses.find(member);
        return it != statuses.end() && absl::StartsWith(it->second, status);
      },
      timeout);
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << Name(absl::ZeroDuration()) << " sees " << member << " as \""
         << Status(member) << "\", want " << status;
}

std::string NodeProcess::Status(const std::string& member) {
  TsanMutexLock lock(&mu_);
  auto it = statuses_.find(member);
  return it == statuses_.end() ? "" : it->second;
}

std::string NodeProcess::Metadata(const std::string& member) {
  TsanMutexLock lock(&mu_);
  auto it = metadata_.find(member);
  return it == metadata_.end() ? "" : it->second;
}

bool NodeProcess::EverSaw(const std::string& member) {
  TsanMutexLock lock(&mu_);
  return statuses_.count(member) > 0;
}

std::vector<NodeProcess::Change> NodeProcess::History() {
  TsanMutexLock lock(&mu_);
  return history_;
}

std::string NodeProcess::LastStats() {
  TsanMutexLock lock(&mu_);
  return stats_;
}

bool NodeProcess::RequestStats(absl::Duration timeout) {
  {
    TsanMutexLock lock(&mu_);
    stats_.clear();
  }
  Send("stats");
  return Poll(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !stats_.empty(); },
      timeout);
}

std::vector<std::string> NodeProcess::AppLines() {
  TsanMutexLock lock(&mu_);
  return app_lines_;
}

bool NodeProcess::WaitForLine(absl::string_view prefix,
                              absl::Duration timeout) {
  return Poll(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        for (const std::string& line : app_lines_) {
          if (absl::StartsWith(line, prefix)) return true;
        }
        return false;
      },
      timeout);
}

bool NodeProcess::Poll(const std::function<bool()>& done,
                       absl::Duration timeout) {
  absl::Time give_up = absl::Now() + timeout;
  for (;;) {
    {
      TsanMutexLock lock(&mu_);
      if (done()) return true;
    }
    if (absl::Now() >= give_up) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void NodeProcess::Read() {
  std::string pending;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(stdout_, buffer, sizeof(buffer));
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      Parse(pending.substr(0, newline));
      pending.erase(0, newline + 1);
    }
  }
}

void NodeProcess::Parse(const std::string& line) {
  std::vector<std::string> f = absl::StrSplit(line, ' ');
  TsanMutexLock lock(&mu_);
  if (f.size() == 2 && f[0] == "READY") ready_name_ = f[1];
  if (f.size() == 6 && f[0] == "CHANGE") {
    std::string status = absl::StrCat(f[2], " ", f[3]);
    if (statuses_[f[1]] != status) {
      history_.push_back(Change{absl::Now(), f[1], status});
    }
    statuses_[f[1]] = status;
    metadata_[f[1]] = f[5];
  }
  if (!f.empty() && f[0] == "STATS") stats_ = line;
  if (!f.empty() &&
      (f[0] == "DELIVERY" || f[0] == "MERGE" || f[0] == "ADDRESS")) {
    app_lines_.push_back(line);
  }
  if (!f.empty() && (f[0] == "OK" || f[0] == "ERROR")) answers_.push_back(line);
}

::testing::AssertionResult AllSee(
    const std::vector<std::unique_ptr<NodeProcess>>& nodes,
    const std::vector<size_t>& observers, const std::string& member,
    absl::string_view status, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  for (size_t i : observers) {
    ::testing::AssertionResult seen = nodes[i]->Sees(
        member, status, std::max(give_up - absl::Now(), absl::ZeroDuration()));
    if (!seen) {
      return ::testing::AssertionFailure()
             << "node " << i << ": " << seen.message();
    }
  }
  return ::testing::AssertionSuccess();
}

std::string InitNodeProcessTest(int* argc, char** argv) {
  ::testing::InitGoogleTest(argc, argv);
  if (*argc < 2) {
    std::fprintf(stderr, "usage: %s <udp_cluster_node>\n", argv[0]);
    return "";
  }
  signal(SIGPIPE, SIG_IGN);
  return argv[1];
}

}  // namespace swim::testing
