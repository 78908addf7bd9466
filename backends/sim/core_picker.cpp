#include "core_picker.hpp"

#include <algorithm>
#include <bit>
#include <map>

namespace lockstep::sim {

core_picker::core_picker(const options& opts, decision_source& decisions)
    : strategy_(opts.strategy), decisions_(decisions) {
  if (strategy_ != strategy::pct) return;
  // Initial priorities: a random permutation of d .. d+n-1, above the d-1 change priorities.
  const uint64_t d = opts.pct_depth;
  depth_ = d;
  priority_.resize(opts.cores);
  for (uint32_t i = 0; i < opts.cores; ++i) priority_[i] = d + i;
  for (uint32_t i = opts.cores; i > 1; --i)
    std::swap(priority_[i - 1], priority_[decisions_.choose(i)]);
  // Change points. The priority a change point gives belongs to its drawing order, not to its
  // place in time: sorting first and numbering after would let a later drop always sink below
  // an earlier one, and the schedules where an early-dropped core must stay below a later one
  // could never be generated. Steps are distinct (two drops at one step would demote a core
  // that never ran there), as far as the horizon has room.
  const uint64_t horizon = std::max<uint64_t>(opts.pct_horizon_steps, 1);
  horizon_ = horizon;
  const uint64_t count = std::min<uint64_t>(d - 1, horizon);
  std::vector<uint64_t> drawn(count);
  for (uint64_t& step : drawn) step = decisions_.choose(horizon);
  const std::vector<uint64_t> steps = distinct_change_steps(drawn, horizon);
  changes_.reserve(count);
  for (uint64_t i = 0; i < count; ++i) changes_.push_back({steps[i], i + 1});
  std::sort(changes_.begin(), changes_.end(),
            [](const change_point& a, const change_point& b) { return a.step < b.step; });
}

std::vector<uint64_t> distinct_change_steps(const std::vector<uint64_t>& drawn,
                                            uint64_t horizon) {
  // The taken steps as maximal runs [first, end) (no two runs touch): a drawn step inside a run
  // moves to the run's end — free, since runs are maximal — or, at the horizon, to 0 and past
  // the run that starts there. One lookup and at most two merges per change point.
  std::map<uint64_t, uint64_t> runs;  // first -> end
  std::vector<uint64_t> placed;
  placed.reserve(drawn.size());
  auto run_holding = [&runs](uint64_t step) {
    auto it = runs.upper_bound(step);
    if (it == runs.begin()) return runs.end();
    --it;
    return step < it->second ? it : runs.end();
  };
  for (uint64_t step : drawn) {
    if (auto it = run_holding(step); it != runs.end()) {
      step = it->second;
      if (step == horizon) {
        step = 0;
        if (auto first = runs.find(0); first != runs.end()) step = first->second;
      }
    }
    // Take `step`: join the run that ends at it and the run that starts after it.
    uint64_t first = step, end = step + 1;
    if (auto after = runs.find(end); after != runs.end()) {
      end = after->second;
      runs.erase(after);
    }
    if (auto before = runs.lower_bound(step); before != runs.begin()) {
      --before;
      if (before->second == step) first = before->first;
    }
    runs[first] = end;
    placed.push_back(step);
  }
  return placed;
}

void core_picker::add_participant(uint32_t id, uint64_t present) {
  if (strategy_ != strategy::pct) return;
  if (priority_.size() <= id) priority_.resize(64, 0);
  // The initial priorities of those present (a change point's, below depth_, stays apart).
  std::vector<uint64_t> initial;
  for (uint64_t rest = present & ~(uint64_t{1} << id); rest != 0; rest &= rest - 1) {
    const uint64_t p = priority_[static_cast<uint32_t>(std::countr_zero(rest))];
    if (p >= depth_) initial.push_back(p);
  }
  std::sort(initial.begin(), initial.end());
  const uint64_t rank = decisions_.choose(initial.size() + 1);
  const uint64_t mine = rank < initial.size() ? initial[rank]
                        : initial.empty()     ? depth_
                                              : initial.back() + 1;
  // Everyone at or above the place moves up one: priorities stay distinct.
  for (uint64_t rest = present; rest != 0; rest &= rest - 1) {
    uint64_t& p = priority_[static_cast<uint32_t>(std::countr_zero(rest))];
    if (p >= mine) ++p;
  }
  priority_[id] = mine;
}

uint32_t core_picker::pick_pct(uint64_t runnable, uint64_t step) noexcept {
  uint32_t core = pick_highest(runnable);
  while (next_change_ < changes_.size() && changes_[next_change_].step <= step) {
    if (changes_[next_change_].step == step) {
      priority_[core] = changes_[next_change_].priority;
      core = pick_highest(runnable);
    }
    ++next_change_;
  }
  return core;
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
