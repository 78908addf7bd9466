// lockstep::spdk_compat — running SPDK-style C applications (spdk/event.h) in the simulator.
//
// spdk_app_start deploys on the real backend. The same start function runs in the simulator
// through run_sim, which is sim::run with the start function as the first event on core 0 and
// the SPDK log quiet unless asked (exploring thousands of seeds must not print thousands of
// lines). spdk_app_stop(rc) ends the run with outcome stopped and result.rc == rc.
#pragma once

#include <lockstep/sim.hpp>

#include "spdk/event.h"

namespace lockstep::spdk_compat {

struct sim_log {
  // The print level for the run's thread while it runs (restored after): SPDK_LOG_DISABLED
  // prints nothing, not even enabled flags; SPDK_LOG_NOTICE prints errors, warnings, notices
  // and the lines of enabled flags.
  spdk_log_level print_level = SPDK_LOG_DISABLED;
};

// Runs start_fn(ctx) as the first event on core 0 of a simulation with `opts`, and returns
// the simulation's result (result.replay reruns exactly this run). opts.shutdown_cb plays
// the role of spdk_app_opts.shutdown_cb. Callable many times, and from several threads at once
// (each run belongs to its thread); the application's own state is the caller's to reset.
sim::result run_sim(const sim::options& opts, spdk_msg_fn start_fn, void* ctx,
                    const sim_log& log = {});

// The lcores a reactor mask selects ("0x3", "[0-1,3]", "0-1,3"), in increasing order, or an
// empty vector (and *error set) when the mask is malformed or selects no core. Exposed for
// tests and tools.
std::vector<uint32_t> parse_reactor_mask(const char* mask, std::string* error);

}  // namespace lockstep::spdk_compat
