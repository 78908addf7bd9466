#include "transport_idle.hpp"

#include "stopwatch.hpp"

#include "../backends/real/pair_transport.hpp"

#include <memory>
#include <vector>

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

uint64_t transport_handover_single_thread(bool pair, uint64_t events, uint32_t in_flight) {
  static uint32_t run_number = 0;
  auto t = std::make_unique<real::pair_transport>(2, 64, 2'000'000 + run_number++);
  if (!t->ok()) return 0;
  std::vector<event> evs(2 * size_t{in_flight});
  for (uint32_t i = 0; i < 2 * in_flight; ++i) {
    const uint32_t from = i < in_flight ? 0 : 1;
    t->enqueue(from, pair ? 1 - from : from, &evs[i]);
  }
  event* out[core::event_batch_max];
  uint64_t executed = 0;
  while (executed < events) {
    uint32_t moved = 0;
    for (uint32_t r = 0; r < 2; ++r) {
      const uint32_t n = t->dequeue_burst(r, out, core::event_batch_max);
      for (uint32_t i = 0; i < n; ++i) t->enqueue(r, pair ? 1 - r : r, out[i]);
      t->flush(r);
      if (r == 0) executed += n;
      moved += n;
    }
    if (moved == 0) break;
  }
  t->settle();
  for (uint32_t r = 0; r < 2; ++r)
    while (t->dequeue_burst(r, out, core::event_batch_max) > 0) {
    }
  return executed;
}

}  // namespace lockstep::bench
