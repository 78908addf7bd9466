#include "sim_workload.hpp"

#include <lockstep/sim.hpp>

namespace lockstep::bench {
namespace {

struct forward_state {
  uint64_t executed = 0;
  uint64_t target = 0;
  uint32_t cores = 0;
  bool failed = false;
};

void forward(void* arg1, void* /*arg2*/) {
  auto* s = static_cast<forward_state*>(arg1);
  if (++s->executed == s->target) {
    app_stop(0);
    return;
  }
  const uint32_t self = current_core();
  const uint32_t next = self + 1 == s->cores ? 0 : self + 1;
  event* ev = event_allocate(next, forward, s, nullptr);
  if (ev == nullptr) {  // the pool holds every event in flight: never expected
    s->failed = true;
    app_stop(1);
    return;
  }
  event_call(ev);
}

}  // namespace

sim_outcome run_forward_sim(const forward_config& cfg) {
  forward_state s;
  s.target = cfg.events;
  s.cores = cfg.cores;
  sim::options o;
  o.cores = cfg.cores;
  o.seed = cfg.seed;
  o.trace = false;
  // One step per event, plus the start event; headroom so that the step limit never decides.
  o.max_steps = cfg.events * 2 + 1000;
  const sim::result r = sim::run(o, [&s, &cfg] {
    for (uint32_t c = 0; c < cfg.cores; ++c)
      for (uint32_t k = 0; k < cfg.in_flight; ++k) {
        event* ev = event_allocate(c, forward, &s, nullptr);
        if (ev == nullptr) {
          s.failed = true;
          app_stop(1);
          return;
        }
        event_call(ev);
      }
  });
  sim_outcome out;
  out.events_executed = r.events_executed;
  out.trace_hash = r.trace_hash;
  // events_executed counts the start event too.
  out.ok = r.outcome == sim::outcome::stopped && r.rc == 0 && !s.failed &&
           s.executed == cfg.events;
  return out;
}

}  // namespace lockstep::bench
