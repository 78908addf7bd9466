#include "sim_pool.hpp"

namespace lockstep::sim {

sim_pool::sim_pool(uint32_t size, faults f, decision_source& decisions)
    : storage_(size),
      begin_(storage_.data()),
      end_(storage_.data() + storage_.size()),
      faulty_(f.fail_ppm != 0 || f.fail_nth != 0),
      faults_(f),
      decisions_(decisions) {
  // Hand out events in index order first: the first allocation gets storage_[0].
  for (uint32_t i = size; i-- > 0;) {
    storage_[i].state = event_state::free;
    storage_[i].next = free_head_;
    free_head_ = &storage_[i];
  }
}

bool sim_pool::injected() noexcept {
  ++allocations_;
  const bool strikes = (faults_.fail_nth != 0 && allocations_ == faults_.fail_nth) ||
                       decisions_.fault(faults_.fail_ppm);
  if (strikes) ++injected_;
  return strikes;
}

}  // namespace lockstep::sim
