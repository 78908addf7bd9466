// Shared by the property tests: generators for simulator options and the determinism check
// every property makes.
#pragma once

#include <lockstep/sim.hpp>

#include <rapidcheck.h>

#include <functional>
#include <string>

namespace props {

// A run of the scenario under test with the given options; returns the result.
using runner = std::function<lockstep::sim::result(const lockstep::sim::options&)>;

// Options with a generated seed, strategy (random or PCT with a generated depth) and core
// count in [min_cores, cores_max]. Faults stay off: properties add the ones they are about.
lockstep::sim::options gen_options(uint32_t min_cores, uint32_t cores_max);

// The run behind `first` is deterministic: the same options give the same trace hash again,
// its replay line parses back to options that give it too, and so does its decision log given
// back as a decision vector. Fails the property (RC_ASSERT) otherwise.
void assert_deterministic(const runner& run, const lockstep::sim::options& opts,
                          const lockstep::sim::result& first);

}  // namespace props
