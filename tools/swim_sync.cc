// swim_sync: the seed's folder-sync tool in C++. It joins a cluster and
// mirrors it into a folder that shell scripts and other programs can read:
//
//   DIR/members/<member>/<key>   one file per metadata key, holding its value
//   DIR/online/<member>          symbolic links to ../members/<member>, one
//   DIR/suspect/<member>         folder per status; a member is in exactly
//   DIR/offline/<member>         one of them
//   DIR/local                    link to the local member's folder
//
// Every file and link is written to a temporary name and renamed into
// place, so readers never see half a file. Keys that are not plain file
// names are escaped: '/', '%' and a leading '.' become %2F, %25, %2E.
// SIGHUP re-reads DIR/members/<local member>/ as the local member's new
// metadata (edit the files, then `kill -HUP`). With --on_update=PROGRAM,
// PROGRAM runs after every change with three arguments: the member's name,
// its status (online, suspect, offline) and its folder's path. Ctrl-C
// (SIGINT, SIGTERM) leaves the cluster gracefully.
//
//   export SWIM_SECRET=s
//   swim_sync --dir=/tmp/swim --name=127.0.0.1:2001 --peer=127.0.0.1:2002
//   swim_sync /tmp/swim2 --name=127.0.0.1:2002 --peer=127.0.0.1:2001
//       --on_update=/usr/local/bin/reload-config
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "net/member_snapshot.h"
#include "net/node_flags.h"
#include "net/node_warnings.h"
#include "net/operator_endpoints.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/member_event.h"
#include "swim/status.h"
#include "tools/help.h"
#include "tools/version_flag.h"

ABSL_FLAG(std::string, dir, "",
          "The folder to mirror the cluster into (created if missing). "
          "Also accepted as the first positional argument.");
ABSL_FLAG(std::string, on_update, "",
          "A program to run after every change, with the member's name, "
          "status and folder as arguments.");

namespace {

// --help: this program's flags, then the node flags it takes.
constexpr swim::tools::HelpSection kHelpSections[] = {
    {"swim_sync flags", "tools/swim_sync.cc"},
    swim::tools::kNodeFlags,
    swim::tools::kSecretFlags,
};

using swim::net::MemberChange;
using swim::net::MemberInfo;

constexpr const char* kStatusFolders[] = {"online", "suspect", "offline"};

// A metadata key (or member name) as a file name, and back.
std::string Escape(absl::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '/' || c == '%' || (i == 0 && c == '.') || c == '\0') {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::StrCat(absl::Hex(
                          static_cast<uint8_t>(c), absl::kZeroPad2))));
    } else {
      out.push_back(c);
    }
  }
  if (out.empty()) out = "%";  // the empty key; never produced otherwise
  return out;
}

std::string Unescape(absl::string_view name) {
  if (name == "%") return "";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    int value = 0;
    if (name[i] == '%' && i + 2 < name.size() + 0 &&
        absl::SimpleHexAtoi(name.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Errno("mkdir", path);
  }
  return absl::OkStatus();
}

// Writes `contents` to `path` through a temporary file and a rename.
absl::Status WriteAtomically(const std::string& path,
                             absl::string_view contents) {
  std::string temp = absl::StrCat(path, ".swim-tmp-", getpid());
  size_t slash = path.rfind('/');
  temp = absl::StrCat(path.substr(0, slash + 1), ".swim-tmp-", getpid(), "-",
                      path.substr(slash + 1));
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", temp);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = Errno("write", temp);
      close(fd);
      unlink(temp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status s = Errno("rename", temp);
    unlink(temp.c_str());
    return s;
  }
  return absl::OkStatus();
}

// Points the symbolic link `path` at `target`, atomically.
absl::Status LinkAtomically(const std::string& target,
                            const std::string& path) {
  size_t slash = path.rfind('/');
  std::string temp = absl::StrCat(path.substr(0, slash + 1), ".swim-tmp-",
                                  getpid(), "-", path.substr(slash + 1));
  unlink(temp.c_str());
  if (symlink(target.c_str(), temp.c_str()) != 0) return Errno("link", temp);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status s = Errno("rename", temp);
    unlink(temp.c_str());
    return s;
  }
  return absl::OkStatus();
}

// Regular, non-hidden file names in `dir`.
std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string path = absl::StrCat(dir, "/", e->d_name);
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      names.push_back(e->d_name);
    }
  }
  closedir(d);
  return names;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  std::string contents;
  char buffer[8192];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = Errno("read", path);
      close(fd);
      return s;
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return contents;
}

class Mirror {
 public:
  Mirror(std::string dir, std::string on_update)
      : dir_(std::move(dir)), on_update_(std::move(on_update)) {}

  absl::Status Init(const std::string& local_name) {
    for (const std::string& d :
         {dir_, absl::StrCat(dir_, "/members"), absl::StrCat(dir_, "/online"),
          absl::StrCat(dir_, "/suspect"), absl::StrCat(dir_, "/offline")}) {
      if (absl::Status s = MakeDir(d); !s.ok()) return s;
    }
    local_folder_ = MemberFolder(local_name);
    if (absl::Status s = MakeDir(local_folder_); !s.ok()) return s;
    return LinkAtomically(absl::StrCat("members/", Escape(local_name)),
                          absl::StrCat(dir_, "/local"));
  }

  std::string MemberFolder(absl::string_view name) const {
    return absl::StrCat(dir_, "/members/", Escape(name));
  }

  // Brings the member's folder and links up to date, then runs the hook.
  void Apply(const MemberChange& change) {
    const MemberInfo& m = change.member;
    std::string folder = MemberFolder(m.name);
    std::string file = Escape(m.name);
    if (change.event.forgotten) {
      for (const char* status : kStatusFolders) {
        unlink(absl::StrCat(dir_, "/", status, "/", file).c_str());
      }
      for (const std::string& key : ListFiles(folder)) {
        unlink(absl::StrCat(folder, "/", key).c_str());
      }
      rmdir(folder.c_str());
      RunHook(m.name, "forgotten", folder);
      return;
    }
    Report(MakeDir(folder));
    std::vector<std::string> stale = ListFiles(folder);
    for (const auto& [key, value] : m.metadata) {
      std::string name = Escape(key);
      Report(WriteAtomically(absl::StrCat(folder, "/", name), value));
      stale.erase(std::remove(stale.begin(), stale.end(), name), stale.end());
    }
    for (const std::string& name : stale) {
      unlink(absl::StrCat(folder, "/", name).c_str());
    }
    std::string status(swim::StatusName(m.status));
    Report(LinkAtomically(absl::StrCat("../members/", file),
                          absl::StrCat(dir_, "/", status, "/", file)));
    for (const char* other : kStatusFolders) {
      if (status != other) {
        unlink(absl::StrCat(dir_, "/", other, "/", file).c_str());
      }
    }
    RunHook(m.name, status, folder);
  }

  // The local member's folder as a metadata map.
  swim::Metadata ReadLocal() const {
    swim::Metadata metadata;
    for (const std::string& name : ListFiles(local_folder_)) {
      absl::StatusOr<std::string> value =
          ReadFile(absl::StrCat(local_folder_, "/", name));
      if (value.ok()) {
        metadata[Unescape(name)] = *std::move(value);
      } else {
        Report(value.status());
      }
    }
    return metadata;
  }

  // Collects finished hook programs.
  void Reap() {
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

 private:
  void RunHook(const std::string& name, const std::string& status,
               const std::string& folder) {
    if (on_update_.empty()) return;
    std::vector<std::string> args = {on_update_, name, status, folder};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    // The hook must not inherit the blocked signals.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int error =
        posix_spawnp(&pid, argv[0], nullptr, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    if (error != 0) {
      std::fprintf(stderr, "swim_sync: --on_update=%s: %s\n",
                   on_update_.c_str(), std::strerror(error));
    }
  }

  static void Report(const absl::Status& status) {
    if (!status.ok()) {
      std::fprintf(stderr, "swim_sync: %s\n",
                   std::string(status.message()).c_str());
    }
  }

  std::string dir_;
  std::string on_update_;
  std::string local_folder_;
};

}  // namespace

int main(int argc, char** argv) {
  swim::tools::SetVersionFlag("swim_sync");
  absl::SetProgramUsageMessage(
      "Mirror a swim cluster into a folder.\n"
      "  SWIM_SECRET=s swim_sync --dir=DIR --name=127.0.0.1:2001 "
      "--peer=127.0.0.1:2002 [--on_update=PROGRAM]");
  swim::tools::HandleHelp(argc, argv, kHelpSections);
  std::vector<char*> args = swim::net::ParseNodeCommandLine(argc, argv);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty() && args.size() > 1) dir = args[1];
  if (dir.empty()) {
    return swim::net::ExitWithError(
        argv[0], absl::InvalidArgumentError("--dir: required"));
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  absl::StatusOr<swim::net::UdpNodeOptions> options =
      swim::net::NodeOptionsFromFlags();
  if (!options.ok()) return swim::net::ExitWithError(argv[0], options.status());
  swim::net::PrintStartupWarnings(argv[0], *options);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Before Start, which takes the options.
  swim::net::JoinWatch join_watch(options->config, absl::Now());
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> started =
      swim::net::UdpNode::Start(*std::move(options));
  if (!started.ok()) return swim::net::ExitWithError(argv[0], started.status());
  swim::net::UdpNode& node = **started;
  absl::StatusOr<std::unique_ptr<swim::net::OperatorEndpoints>> endpoints =
      swim::net::StartOperatorEndpointsFromFlags(argv[0], node);
  if (!endpoints.ok()) {
    node.Stop(swim::net::UdpNode::StopMode::kNoLeave);
    return swim::net::ExitWithError(argv[0], endpoints.status());
  }
  Mirror mirror(dir, absl::GetFlag(FLAGS_on_update));
  if (absl::Status s = mirror.Init(node.name()); !s.ok()) {
    return swim::net::ExitWithError(argv[0], s);
  }

  // Changes are queued by the loop thread and written by this one, so the
  // loop never waits on the file system.
  absl::Mutex mu;
  std::deque<MemberChange> queue;
  swim::net::Subscription subscription = node.Subscribe(
      [&](const MemberChange& change) {
        // A name conflict changes no member: nothing to mirror.
        if (change.event.kind == swim::MemberEvent::Kind::kNameConflict) {
          return;
        }
        swim::net::TsanMutexLock lock(&mu);
        queue.push_back(change);
      },
      /*replay_members=*/true);

  for (;;) {
    std::deque<MemberChange> changes;
    {
      swim::net::TsanMutexLock lock(&mu);
      changes.swap(queue);
    }
    for (const MemberChange& change : changes) mirror.Apply(change);
    mirror.Reap();
    join_watch.Print(argv[0], *node.Members(), absl::Now());
    timespec wait = absl::ToTimespec(absl::Milliseconds(100));
    int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGINT || signal == SIGTERM) break;
    if (signal == SIGHUP) {
      absl::Status s = node.SetMetadata(mirror.ReadLocal());
      if (!s.ok()) {
        std::fprintf(stderr, "swim_sync: SIGHUP: %s\n",
                     std::string(s.message()).c_str());
      }
    }
  }
  subscription.Cancel();
  endpoints->reset();  // before the node it serves
  node.Stop();
  mirror.Reap();
  return 0;
}
