// The process's DPDK environment, shared by the raw baselines and the real backend. EAL
// initializes once per process, so whoever starts it first owns it for the rest of the process:
// when the real backend is built, lockstep::real::run starts it (with bench_eal_args()) and the
// raw baselines run on the lcores it leaves free between runs; without the real backend the
// benchmark starts EAL itself with the same arguments.
#pragma once

#include <string>
#include <vector>

namespace lockstep::bench {

// EAL arguments (without argv[0]): the project's defaults, quiet, and a runtime directory of
// the benchmark's own so that it never collides with another DPDK process using the default.
std::vector<std::string> bench_eal_args();

// True when EAL is initialized with at least two lcores (main + one worker); otherwise false
// and *why says what failed. Starts EAL on the first call.
bool ensure_eal(std::string* why);

}  // namespace lockstep::bench
