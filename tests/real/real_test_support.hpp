// Shared by the real-backend tests: EAL arguments for two lcores in CI, and small helpers.
#pragma once

#include <lockstep/real.hpp>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace real_test {

// Two lcores without hugepages. --no-shconf: no shared runtime files, so that test processes
// that CTest runs side by side do not contend for DPDK's primary-process lock.
// LOCKSTEP_TEST_EAL_ARGS (space-separated) replaces them, e.g. on a machine whose cores 0-1 are
// not available.
inline std::vector<std::string> eal_args() {
  if (const char* env = std::getenv("LOCKSTEP_TEST_EAL_ARGS"); env != nullptr && *env != '\0') {
    std::vector<std::string> args;
    std::istringstream in(env);
    for (std::string a; in >> a;) args.push_back(a);
    return args;
  }
  return {"-l", "0-1", "--no-huge", "--no-pci", "-m", "256", "--no-shconf"};
}

inline lockstep::real::options options(uint32_t pool_size) {
  lockstep::real::options o;
  o.eal_args = eal_args();
  o.event_pool_size = pool_size;
  return o;
}

// The two reactor cores of the run, in increasing order (the tests need exactly two).
struct two_cores {
  uint32_t id[2] = {lockstep::no_core, lockstep::no_core};
  static two_cores of_run() {
    two_cores c;
    c.id[0] = lockstep::first_core();
    c.id[1] = lockstep::next_core(c.id[0]);
    return c;
  }
  uint32_t index_of(uint32_t core) const { return core == id[0] ? 0 : core == id[1] ? 1 : 2; }
};

// One cache line per core's counters: each is written by its own lcore only.
struct alignas(64) core_counters {
  uint64_t sent = 0;
  uint64_t executed = 0;
  uint64_t nulls = 0;        // nullptr from event_allocate
  uint64_t wrong_core = 0;   // an event ran on a core other than its target
  uint64_t out_of_order = 0; // an event of a pair ran before an earlier one of the same pair
};

}  // namespace real_test
