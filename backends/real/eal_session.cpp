#include "eal_session.hpp"

#include <rte_eal.h>
#include <rte_errno.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <dirent.h>
#include <unistd.h>

namespace lockstep::real {
namespace {

enum class eal_status { untried, ready, failed };

eal_status g_status = eal_status::untried;
std::vector<std::string> g_first_args;
std::string g_failure;

std::string join(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s.empty() ? std::string("(none)") : s;
}

// Set when run added the per-process file prefix: the runtime directory is then this process's
// alone, and is removed at exit (DPDK leaves its files there: about 3 MB with the default
// arguments, in /var/run, which is memory).
bool g_own_runtime_dir = false;

void remove_own_runtime_dir() {
  const char* dir = rte_eal_get_runtime_dir();
  // Only the directory named after this process (never a shared one, whatever happened).
  const std::string own = std::string("/") +
                          (auto_file_prefix_option + std::strlen("--file-prefix=")) +
                          std::to_string(::getpid());
  const std::string path = dir != nullptr ? dir : "";
  if (path.size() <= own.size() || path.compare(path.size() - own.size(), own.size(), own) != 0)
    return;
  if (DIR* d = ::opendir(dir); d != nullptr) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") (void)::unlink((std::string(dir) + "/" + name).c_str());
    }
    ::closedir(d);
  }
  (void)::rmdir(dir);
}

void cleanup_at_exit() {
  rte_eal_cleanup();
  if (g_own_runtime_dir) remove_own_runtime_dir();
}

// Whether the EAL arguments say where (or whether) EAL keeps its shared runtime files: a file
// prefix of their own, or none at all (--no-shconf, or --in-memory, which implies it).
bool names_runtime_files(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--file-prefix" || a.rfind("--file-prefix=", 0) == 0 || a == "--no-shconf" ||
        a == "--in-memory")
      return true;
  }
  return false;
}

}  // namespace

bool eal_ensure(const std::vector<std::string>& args, std::string* error) {
  switch (g_status) {
    case eal_status::ready:
      if (args != g_first_args) {
        std::fprintf(stderr,
                     "lockstep::real::run: EAL is initialized once per process; eal_args '%s' "
                     "differ from the first run's '%s' and have no effect\n",
                     join(args).c_str(), join(g_first_args).c_str());
      }
      return true;
    case eal_status::failed:
      *error = "EAL initialization failed earlier in this process (" + g_failure +
               "); DPDK cannot retry it: restart the process";
      return false;
    case eal_status::untried:
      break;
  }
  // Compared with later calls' eal_args as given: the prefix added below is not theirs.
  g_first_args = args;
  // EAL may permute argv and keep pointers into it: the strings live as long as the process.
  static std::vector<std::string> storage;
  static std::vector<char*> argv;
  storage.clear();
  storage.push_back("lockstep");
  // DPDK's default prefix ("rte") is one lock for the whole machine: a second process with the
  // same arguments fails ("Cannot create lock on /var/run/dpdk/rte/config"). Unless the
  // arguments choose a prefix or no shared files, each process gets its own (first, so that
  // a "--" among the arguments cannot hide it from EAL's option parser).
  const bool add_prefix = !names_runtime_files(args);
  if (add_prefix) storage.push_back(auto_file_prefix_option + std::to_string(::getpid()));
  storage.insert(storage.end(), args.begin(), args.end());
  argv.clear();
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  // EAL prints its usage with printf (stdout, buffered when it is a pipe or a file) and its
  // errors on stderr: flushed on both sides, the usage comes out where EAL printed it, before
  // the reason that run() prints last, instead of at exit.
  std::fflush(stdout);
  std::fflush(stderr);
  const int rc = rte_eal_init(static_cast<int>(storage.size()), argv.data());
  std::fflush(stdout);
  if (rc < 0) {
    g_status = eal_status::failed;
    g_failure = std::string("rte_eal_init: ") +
                (rte_errno != 0 ? rte_strerror(rte_errno) : "see the EAL messages above") +
                "; eal_args '" + join(args) + "'";
    *error = "DPDK EAL could not start (" + g_failure + ")";
    return false;
  }
  g_status = eal_status::ready;
  g_own_runtime_dir = add_prefix;
  std::atexit(cleanup_at_exit);
  return true;
}

}  // namespace lockstep::real
