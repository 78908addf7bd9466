#include "naive_sim.hpp"

namespace lockstep::bench {

naive_sim::naive_sim(uint32_t cores, uint64_t seed)
    : queues_(cores), clock_ns_(cores, 0), gen_(seed) {
  ready_.reserve(cores);
}

uint64_t naive_sim::run() {
  uint64_t executed = 0;
  while (!stopped_) {
    ready_.clear();
    for (uint32_t c = 0; c < queues_.size(); ++c)
      if (!queues_[c].empty()) ready_.push_back(c);
    if (ready_.empty()) break;
    std::uniform_int_distribution<size_t> pick(0, ready_.size() - 1);
    const uint32_t core = ready_[pick(gen_)];
    const item it = queues_[core].front();
    queues_[core].pop_front();
    // The same virtual cost range as lockstep::sim's events (40-199 ns).
    std::uniform_int_distribution<uint64_t> cost_ns(40, 199);
    clock_ns_[core] += cost_ns(gen_);
    current_ = core;
    it.fn(*this, it.arg);
    ++executed;
  }
  return executed;
}

namespace {

struct naive_state {
  uint64_t executed = 0;
  uint64_t target = 0;
};

void naive_forward(naive_sim& sim, void* arg) {
  auto* s = static_cast<naive_state*>(arg);
  if (++s->executed == s->target) {
    sim.stop();
    return;
  }
  const uint32_t self = sim.current_core();
  sim.post(self + 1 == sim.cores() ? 0 : self + 1, naive_forward, s);
}

}  // namespace

sim_outcome run_forward_naive(const forward_config& cfg) {
  naive_state s;
  s.target = cfg.events;
  naive_sim sim(cfg.cores, cfg.seed);
  for (uint32_t c = 0; c < cfg.cores; ++c)
    for (uint32_t k = 0; k < cfg.in_flight; ++k) sim.post(c, naive_forward, &s);
  sim_outcome out;
  out.events_executed = sim.run();
  out.ok = s.executed == cfg.events;
  return out;
}

}  // namespace lockstep::bench
