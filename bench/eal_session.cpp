#include "eal_session.hpp"

#ifdef LOCKSTEP_BENCH_WITH_REAL
#include <lockstep/real.hpp>
#endif

#include <rte_eal.h>
#include <rte_lcore.h>

namespace lockstep::bench {
namespace {

// Starts EAL; true on success.
bool start_eal() {
#ifdef LOCKSTEP_BENCH_WITH_REAL
  // The real backend owns EAL's initialization: an empty run starts it.
  real::options o;
  o.eal_args = bench_eal_args();
  real::run_stats st;
  real::run(o, [] { app_stop(0); }, &st);
  return st.lcores > 0;
#else
  static std::vector<std::string> args;  // EAL may keep pointers into argv
  static std::vector<char*> argv;
  args = bench_eal_args();
  args.insert(args.begin(), "lockstep_bench");
  for (std::string& a : args) argv.push_back(a.data());
  return rte_eal_init(static_cast<int>(argv.size()), argv.data()) >= 0;
#endif
}

}  // namespace

std::vector<std::string> bench_eal_args() {
  return {"-l",          "0-1",           "--no-huge",      "--no-pci",
          "-m",          "256",           "--log-level",    "lib.eal:error",
          "--no-telemetry", "--file-prefix", "lockstep_bench"};
}

bool ensure_eal(std::string* why) {
  static int state = 0;  // 0: not tried, 1: up, -1: failed
  static std::string failure;
  if (state == 0) {
    if (!start_eal()) {
      state = -1;
      failure = "DPDK EAL could not start (arguments -l 0-1 --no-huge --no-pci -m 256 "
                "--file-prefix lockstep_bench; see the messages above)";
    } else if (rte_lcore_count() < 2) {
      state = -1;
      failure = "EAL started with fewer than two lcores";
    } else {
      state = 1;
    }
  }
  if (state < 0 && why != nullptr) *why = failure;
  return state > 0;
}

}  // namespace lockstep::bench
