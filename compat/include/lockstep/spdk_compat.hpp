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
// the role of spdk_app_opts.shutdown_cb. Unless opts.thread_per_core says otherwise, each
// simulated core runs on an OS thread of its own (sim::options::thread_per_core), so that
// __thread variables have one copy per core as on DPDK lcores; the log level holds there too. Callable many times, and from several threads at once
// (each run belongs to its thread); the application's own state is the caller's to reset.
sim::result run_sim(const sim::options& opts, spdk_msg_fn start_fn, void* ctx,
                    const sim_log& log = {});

// The usual judgement of one run_sim of an SPDK-style application, for an explorer's scenario:
// empty when the run stopped, spdk_app_stop was given 0, the application's own check `verify`
// (0: correct, else -1 with why[] filled; may be null) passed and no event was allocated and
// never called; else what was wrong, the first of those in that order.
std::string run_verdict(const sim::result& r, int (*verify)(char* why, size_t why_size));

// The lcores a reactor mask selects ("0x3", "[0-1,3]", "0-1,3"), in increasing order, or an
// empty vector (and *error set) when the mask is malformed or selects no core. Exposed for
// tests and tools.
std::vector<uint32_t> parse_reactor_mask(const char* mask, std::string* error);

// Which backend spdk_app_start runs an application on, for the whole process. The default is
// the real (DPDK) backend. Linking lockstep::spdk_app_sim into a program selects the simulator
// before main runs, so that an SPDK program's own main, unchanged, runs in the simulator; a
// program may also choose here, before it calls spdk_app_start.
enum class app_backend { real, sim };
void set_app_backend(app_backend backend) noexcept;
app_backend get_app_backend() noexcept;

// The simulation options spdk_app_start uses in the simulator, from `text` (the value of the
// environment variable LOCKSTEP_SPDK_SIM; NULL or empty: the defaults): either key=value words
// with the keys of a replay line ("seed=7 strategy=pct alloc_fail_ppm=1000"), applied over
// *opts, or a whole replay line ("lockstep-replay/... cores=2 ..."), which gives exactly that
// run. The cores come from the reactor mask (`cores`): a cores= word is refused, and a replay
// line's cores must equal it. Every value is checked by sim::parse_replay. On success *opts is
// set (its shutdown_cb kept); on failure false and *error says why.
bool app_sim_options(const char* text, uint32_t cores, sim::options* opts, std::string* error);

}  // namespace lockstep::spdk_compat
