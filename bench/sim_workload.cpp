#include "sim_workload.hpp"

#include <lockstep/sim.hpp>

#include <utility>

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

sim::result run_forward(const forward_config& cfg, sim::options base, bool* ok) {
  forward_state s;
  s.target = cfg.events;
  s.cores = cfg.cores;
  sim::options o = std::move(base);
  o.cores = cfg.cores;
  o.seed = cfg.seed;
  // One step per event, plus the start event; headroom so that the step limit never decides.
  o.max_steps = cfg.events * 2 + 1000;
  sim::result r = sim::run(o, [&s, &cfg] {
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
  // events_executed counts the start event too.
  *ok = r.outcome == sim::outcome::stopped && r.rc == 0 && !s.failed && s.executed == cfg.events;
  return r;
}

sim_outcome run_forward_sim(const forward_config& cfg) {
  sim::options o;
  o.trace = false;
  o.thread_per_core = cfg.thread_per_core;
  sim_outcome out;
  const sim::result r = run_forward(cfg, o, &out.ok);
  out.events_executed = r.events_executed;
  out.trace_hash = r.trace_hash;
  out.core_thread_switches = r.core_thread_switches;
  return out;
}

}  // namespace lockstep::bench
