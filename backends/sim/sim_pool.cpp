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

}  // namespace lockstep::sim
