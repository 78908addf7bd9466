// The simulator workloads of the benchmark: a steady cross-core forwarding load on
// lockstep::sim, and the same load on a deliberately naive reference simulator (naive_sim.hpp),
// so that the two are compared on identical work in the same run.
#pragma once

#include <lockstep/sim.hpp>

#include <cstdint>

namespace lockstep::bench {

// The forwarding workload: every core starts with `in_flight` events; an event that runs on
// core c allocates and calls one event for core c+1 (mod cores), until `events` have run.
struct forward_config {
  uint32_t cores = 4;
  uint32_t in_flight = 4;  // per core
  uint64_t events = 1'000'000;
  uint64_t seed = 1;
  bool thread_per_core = false;  // sim::options::thread_per_core (one OS thread per core)
};

struct sim_outcome {
  uint64_t events_executed = 0;
  uint64_t trace_hash = 0;
  uint64_t core_thread_switches = 0;  // with thread_per_core
  bool ok = false;  // the run stopped by app_stop after exactly the events asked for
};

// One sim::run of the workload (trace off, random strategy).
sim_outcome run_forward_sim(const forward_config& cfg);

// The same run with other simulator options: `base` with cfg's cores and seed and the workload's
// step limit; *ok as sim_outcome::ok. run_forward_sim is run_forward with default options (the
// golden-hash test, tests/golden, runs the workload under every strategy and fault this way).
sim::result run_forward(const forward_config& cfg, sim::options base, bool* ok);

}  // namespace lockstep::bench
