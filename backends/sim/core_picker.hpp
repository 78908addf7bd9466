// Which runnable core steps next: the scheduling strategy of the simulator.
//   random: a uniformly drawn runnable core each step.
//   pct:    Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010): cores get
//           random distinct priorities d..d+n-1, the highest-priority runnable core always
//           runs, and d-1 change points are drawn among the first pct_horizon_steps steps; the
//           i-th drawn change point (i = 1..d-1, in drawing order, not in time order) drops the
//           core about to run at that step to priority i, below every initial priority. A bug
//           of depth d in a run of at most k steps is then found with probability
//           >= 1/(n * k^(d-1)) per run. After the horizon the walk is random (fairness: strict
//           priorities would starve every core behind an always-runnable one).
#pragma once

#include "bits.hpp"
#include "decision_source.hpp"

#include <lockstep/sim.hpp>

#include <bit>
#include <cstdint>
#include <vector>

namespace lockstep::sim {

// PCT's change-point steps: the i-th drawn step (each in [0, horizon)) moves forward, wrapping
// to 0 past horizon - 1, to the first step no earlier change point took (linear probing), so
// that steps are distinct and each change point costs one draw. Needs drawn.size() <= horizon.
// O(d log d) for d change points, whatever the draws (probing step by step is quadratic when
// draws collide, as they do when the horizon is about as long as d).
std::vector<uint64_t> distinct_change_steps(const std::vector<uint64_t>& drawn, uint64_t horizon);

class core_picker {
 public:
  core_picker(const options& opts, decision_source& decisions);
  // A core whose bit is set in `runnable` (non-zero), of which `count` bits are set; `step`
  // counts from 0 and never repeats.
  // Inline: it runs once per step.
  uint32_t pick(uint64_t runnable, uint32_t count, uint64_t step) noexcept {
    // Past the horizon PCT has no change points left, and strict priorities would let an
    // always-runnable core (a busy poller, a self-rescheduling event: every reactor has some)
    // starve the others forever; the paper assumes programs that terminate. From there on the
    // walk is random, which is fair with probability 1. The random strategy has horizon 0.
    if (step >= horizon_) [[likely]] return pick_random(runnable, count);
    return pick_pct(runnable, step);
  }

  // A participant that is not a core (an external thread, holder index `id` > every core's)
  // joins the picks; `present`: the cores and the other external threads. Under PCT it gets a
  // random place (drawn) among the initial priorities of those present, as a core has; the
  // random strategy draws nothing.
  void add_participant(uint32_t id, uint64_t present);

  // Whether every pick is pick_random (the random strategy): a loop that knows it calls that.
  bool random_only() const noexcept { return horizon_ == 0; }
  uint32_t pick_random(uint64_t runnable, uint32_t count) noexcept {
    return nth_set_bit(runnable, decisions_.choose(count, choice::core, runnable));
  }

 private:
  struct change_point {
    uint64_t step;
    uint64_t priority;
  };
  uint32_t pick_pct(uint64_t runnable, uint64_t step) noexcept;
  uint32_t pick_highest(uint64_t runnable) const noexcept;

  sim::strategy strategy_;
  decision_source& decisions_;
  std::vector<uint64_t> priority_;       // pct: per core (and external thread), higher first
  uint64_t depth_ = 0;                   // pct: d, the lowest initial priority
  std::vector<change_point> changes_;    // pct: sorted by step, steps distinct
  size_t next_change_ = 0;
  uint64_t horizon_ = 0;                 // steps under PCT priorities (0: random strategy)
};

}  // namespace lockstep::sim
