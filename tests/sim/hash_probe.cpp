// Prints "seed trace_hash" lines for the cross-core example over seeds 1..N, in random and PCT
// strategy with allocation faults: the determinism test compares two processes' output.
#include "cross_core_app.hpp"

#include <lockstep/sim.hpp>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const uint64_t seeds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50;
  for (auto strategy : {lockstep::sim::strategy::random, lockstep::sim::strategy::pct}) {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      lockstep::sim::options o;
      o.seed = seed;
      o.strategy = strategy;
      o.alloc_fail_ppm = 20'000;
      cross_core::app a(cross_core::config{});
      const auto r = lockstep::sim::run(o, [&a] { a.start(); });
      std::printf("%s %" PRIu64 " %016" PRIx64 "\n", lockstep::sim::to_string(strategy), seed,
                  r.trace_hash);
    }
  }
  return 0;
}
