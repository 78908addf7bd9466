// Which runnable core steps next: the scheduling strategy of the simulator.
//   random: a uniformly drawn runnable core each step.
//   pct:    Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010): cores get
//           random distinct priorities, the highest-priority runnable core always runs, and at
//           d-1 randomly drawn steps the running core drops below every initial priority.
//           A bug of depth d is found with probability >= 1/(n * k^(d-1)).
#pragma once

#include "decision_source.hpp"

#include <lockstep/sim.hpp>

#include <cstdint>
#include <vector>

namespace lockstep::sim {

class core_picker {
 public:
  core_picker(const options& opts, decision_source& decisions);
  // A core whose bit is set in `runnable` (non-zero); `step` counts from 0.
  uint32_t pick(uint64_t runnable, uint64_t step) noexcept;

 private:
  uint32_t pick_random(uint64_t runnable) noexcept;
  uint32_t pick_highest(uint64_t runnable) const noexcept;

  sim::strategy strategy_;
  decision_source& decisions_;
  std::vector<uint64_t> priority_;       // pct: per core, higher runs first
  std::vector<uint64_t> change_steps_;   // pct: sorted steps at which priority drops
  size_t next_change_ = 0;
};

}  // namespace lockstep::sim
