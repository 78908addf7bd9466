// A naive reference simulator: what a first attempt at a deterministic reactor simulator looks
// like. One std::deque of events per core, a linear scan for the non-empty queues at every
// step, std::mt19937_64 with std::uniform_int_distribution for the choice of core and for the
// virtual cost of each event. The benchmark runs the same forwarding workload on it and on
// lockstep::sim in the same process, and reports both: lockstep::sim has to beat it.
//
// It is a yardstick only (std:: distributions are not portable across standard libraries, so
// it would not even replay across machines); nothing outside bench/ uses it.
#pragma once

#include "sim_workload.hpp"

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace lockstep::bench {

class naive_sim {
 public:
  using fn_type = void (*)(naive_sim& sim, void* arg);

  naive_sim(uint32_t cores, uint64_t seed);

  // Queues fn(arg) on `core`.
  void post(uint32_t core, fn_type fn, void* arg) { queues_[core].push_back(item{fn, arg}); }
  uint32_t current_core() const noexcept { return current_; }
  uint32_t cores() const noexcept { return static_cast<uint32_t>(queues_.size()); }
  void stop() noexcept { stopped_ = true; }

  // Steps until stop() or until every queue is empty; returns the events executed.
  uint64_t run();

 private:
  struct item {
    fn_type fn;
    void* arg;
  };
  std::vector<std::deque<item>> queues_;
  std::vector<uint64_t> clock_ns_;
  std::vector<uint32_t> ready_;
  std::mt19937_64 gen_;
  uint32_t current_ = 0;
  bool stopped_ = false;
};

// The forwarding workload of sim_workload.hpp on the naive simulator.
sim_outcome run_forward_naive(const forward_config& cfg);

}  // namespace lockstep::bench
