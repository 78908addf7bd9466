// The process's DPDK environment, shared by the raw baselines and (when built) the real
// backend. EAL initializes once per process, so whoever starts it first owns it for the rest of
// the process: ensure_eal() starts it (once) and reports whether it is up.
#pragma once

#include <string>

namespace lockstep::bench {

// True when EAL is initialized with at least two lcores (main + one worker); otherwise false
// and *why says what failed.
bool ensure_eal(std::string* why);

}  // namespace lockstep::bench
