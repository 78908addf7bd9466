#include "eal_session.hpp"

#include <rte_eal.h>
#include <rte_lcore.h>

#include <string>
#include <vector>

namespace lockstep::bench {

bool ensure_eal(std::string* why) {
  static int state = 0;  // 0: not tried, 1: up, -1: failed
  static std::string failure;
  if (state == 0) {
    std::vector<std::string> args = {"lockstep_bench", "-l",    "0-1",   "--no-huge",
                                      "--no-pci",       "-m",    "256",   "--log-level",
                                      "lib.eal:error", "--no-telemetry",
                                      // Its own runtime directory, so that it never collides
                                      // with another DPDK process using the default one.
                                      "--file-prefix", "lockstep_bench"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
      state = -1;
      failure = "rte_eal_init failed (EAL arguments -l 0-1 --no-huge --no-pci -m 256)";
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
