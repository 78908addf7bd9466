#include "sim_pool.hpp"

namespace lockstep::sim {

sim_pool::sim_pool(uint32_t size, faults f, decision_source& decisions)
    : storage_(size), faults_(f), decisions_(decisions) {
  free_.reserve(size);
  // Hand out events in index order first: the first allocation gets storage_[0].
  for (uint32_t i = size; i-- > 0;) {
    storage_[i].state = event_state::free;
    free_.push_back(&storage_[i]);
  }
}

event* sim_pool::get(uint32_t /*reactor*/) noexcept {
  ++allocations_;
  const bool injected =
      (faults_.fail_nth != 0 && allocations_ == faults_.fail_nth) ||
      decisions_.fault(faults_.fail_ppm);
  if (injected) {
    ++injected_;
    return nullptr;
  }
  if (free_.empty()) return nullptr;
  event* ev = free_.back();
  free_.pop_back();
  return ev;
}

void sim_pool::put_bulk(uint32_t /*reactor*/, event* const* evs, uint32_t n) noexcept {
  for (uint32_t i = 0; i < n; ++i) {
    // The simulator's own start and shutdown events live outside the pool.
    if (owns(evs[i])) free_.push_back(evs[i]);
  }
}

}  // namespace lockstep::sim
