#include "core_picker.hpp"

#include <algorithm>
#include <bit>

namespace lockstep::sim {

core_picker::core_picker(const options& opts, decision_source& decisions)
    : strategy_(opts.strategy), decisions_(decisions) {
  if (strategy_ != strategy::pct) return;
  // Initial priorities: a random permutation of d .. d+n-1, above the d-1 change priorities.
  const uint64_t d = opts.pct_depth;
  priority_.resize(opts.cores);
  for (uint32_t i = 0; i < opts.cores; ++i) priority_[i] = d + i;
  for (uint32_t i = opts.cores; i > 1; --i)
    std::swap(priority_[i - 1], priority_[decisions_.choose(i)]);
  const uint64_t horizon = std::max<uint64_t>(opts.pct_horizon_steps, 1);
  for (uint64_t k = 1; k < d; ++k) change_steps_.push_back(decisions_.choose(horizon));
  std::sort(change_steps_.begin(), change_steps_.end());
}

uint32_t core_picker::pick(uint64_t runnable, uint64_t step) noexcept {
  if (strategy_ == strategy::random) return pick_random(runnable);
  uint32_t core = pick_highest(runnable);
  // The i-th change point (0-based) gives the running core priority d-1-i: below all initial
  // priorities and below earlier change points.
  while (next_change_ < change_steps_.size() && change_steps_[next_change_] <= step) {
    if (change_steps_[next_change_] == step) {
      priority_[core] = change_steps_.size() - next_change_;
      core = pick_highest(runnable);
    }
    ++next_change_;
  }
  return core;
}

uint32_t core_picker::pick_random(uint64_t runnable) noexcept {
  uint64_t rest = runnable;
  for (uint64_t k = decisions_.choose(static_cast<uint64_t>(std::popcount(runnable))); k > 0; --k)
    rest &= rest - 1;
  return static_cast<uint32_t>(std::countr_zero(rest));
}

uint32_t core_picker::pick_highest(uint64_t runnable) const noexcept {
  uint32_t best = static_cast<uint32_t>(std::countr_zero(runnable));
  for (uint64_t rest = runnable & (runnable - 1); rest != 0; rest &= rest - 1) {
    const auto c = static_cast<uint32_t>(std::countr_zero(rest));
    if (priority_[c] > priority_[best]) best = c;
  }
  return best;
}

}  // namespace lockstep::sim
