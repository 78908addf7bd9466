// DPDK's EAL, initialized once per process.
//
// DPDK cannot initialize EAL twice, nor retry after a failed attempt (its option parser keeps
// state): the first call decides for the whole process. Later calls with other arguments are
// reported, not silently ignored. rte_eal_cleanup runs at process exit.
#pragma once

#include <string>
#include <vector>

namespace lockstep::real {

// The option added to EAL's arguments, followed by the process id, when `args` name neither
// --file-prefix nor --no-shconf (nor --in-memory): each process gets its own runtime files.
inline constexpr const char* auto_file_prefix_option = "--file-prefix=lockstep_pid";

// Initializes EAL from `args` (without argv[0]) on the first call, adding
// auto_file_prefix_option<pid> when `args` leave the runtime files to DPDK's shared default;
// afterwards compares `args` (as given, without the addition) with the first call's and
// reports a difference on stderr. Returns false with *error set when EAL is not usable (this
// call's or an earlier call's initialization failed).
// Not thread-safe against itself: run() serializes its callers.
bool eal_ensure(const std::vector<std::string>& args, std::string* error);

}  // namespace lockstep::real
