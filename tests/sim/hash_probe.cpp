// Prints "seed trace_hash" lines for the cross-core example over seeds 1..N, in random and PCT
// strategy with allocation faults: the determinism test compares two processes' output. A second
// argument "thread_per_core" runs them with options.thread_per_core (the hashes must not change).
#include "cross_core_app.hpp"

#include <lockstep/sim.hpp>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  const uint64_t seeds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50;
  const bool per_core = argc > 2 && std::strcmp(argv[2], "thread_per_core") == 0;
  for (auto strategy : {lockstep::sim::strategy::random, lockstep::sim::strategy::pct}) {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      lockstep::sim::options o;
      o.seed = seed;
      o.strategy = strategy;
      o.alloc_fail_ppm = 20'000;
      o.thread_per_core = per_core;
      cross_core::app a(cross_core::config{});
      const auto r = lockstep::sim::run(o, [&a] { a.start(); });
      std::printf("%s %" PRIu64 " %016" PRIx64 "\n", lockstep::sim::to_string(strategy), seed,
                  r.trace_hash);
    }
  }
  return 0;
}
