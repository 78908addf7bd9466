#include "transport_idle.hpp"

#include "stopwatch.hpp"

#include "../backends/real/pair_transport.hpp"

#include <memory>

namespace lockstep::bench {

double idle_poll_ns(uint32_t reactors, uint64_t polls) {
  static uint32_t run_number = 0;  // DPDK ring names are process-global
  // The reactor backend's run numbers count up from 0; these start far above them.
  auto t = std::make_unique<real::pair_transport>(reactors, 64, 1'000'000 + run_number++);
  if (!t->ok()) return -1;
  event* out[core::event_batch_max];
  uint64_t found = 0;
  // Long enough for every hot pair to go cold and for the sweep to have passed each pair.
  const uint64_t warmup = 4 * real::pair_cool_iterations + 4 * reactors;
  for (uint64_t i = 0; i < warmup; ++i) {
    found += t->dequeue_burst(0, out, core::event_batch_max);
    t->flush(0);
  }
  stopwatch sw;
  for (uint64_t i = 0; i < polls; ++i) {
    found += t->dequeue_burst(0, out, core::event_batch_max);
    t->flush(0);
  }
  const double ns = sw.elapsed_ns();
  if (found != 0) return -1;  // nothing was ever queued
  return ns / static_cast<double>(polls);
}

}  // namespace lockstep::bench
