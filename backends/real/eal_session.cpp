#include "eal_session.hpp"

#include <rte_eal.h>
#include <rte_errno.h>

#include <cstdio>
#include <cstdlib>

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

void cleanup_at_exit() { rte_eal_cleanup(); }

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
  g_first_args = args;
  // EAL may permute argv and keep pointers into it: the strings live as long as the process.
  static std::vector<std::string> storage;
  static std::vector<char*> argv;
  storage.clear();
  storage.push_back("lockstep");
  storage.insert(storage.end(), args.begin(), args.end());
  argv.clear();
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int rc = rte_eal_init(static_cast<int>(storage.size()), argv.data());
  if (rc < 0) {
    g_status = eal_status::failed;
    g_failure = std::string("rte_eal_init: ") +
                (rte_errno != 0 ? rte_strerror(rte_errno) : "see the EAL messages above") +
                "; eal_args '" + join(args) + "'";
    *error = "DPDK EAL could not start (" + g_failure + ")";
    return false;
  }
  g_status = eal_status::ready;
  std::atexit(cleanup_at_exit);
  return true;
}

}  // namespace lockstep::real
