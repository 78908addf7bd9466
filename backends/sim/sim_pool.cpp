#include "sim_pool.hpp"

namespace lockstep::sim {

sim_pool::sim_pool(uint32_t size, faults f, decision_source& decisions)
    : storage_(std::make_unique_for_overwrite<event[]>(size)),
      size_(size),
      begin_(storage_.get()),
      end_(storage_.get() + size),
      faulty_(f.fail_ppm != 0 || f.fail_nth != 0),
      faults_(f),
      decisions_(decisions) {}

bool sim_pool::injected() noexcept {
  ++allocations_;
  const bool strikes = (faults_.fail_nth != 0 && allocations_ == faults_.fail_nth) ||
                       decisions_.fault(faults_.fail_ppm, choice::alloc_fault);
  if (strikes) ++injected_;
  return strikes;
}

}  // namespace lockstep::sim
