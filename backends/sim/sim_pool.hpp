// The simulator's event pool: a fixed array and a LIFO free list, with injected allocation
// failures drawn from the decision stream.
#pragma once

#include "../../core/backend.hpp"
#include "decision_source.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::sim {

class sim_pool final : public core::event_pool {
 public:
  struct faults {
    uint32_t fail_ppm = 0;  // per million allocations
    uint32_t fail_nth = 0;  // 1-based; 0: none
  };

  sim_pool(uint32_t size, faults f, decision_source& decisions);

  // Inline: core's hot path calls them on the concrete pool (hot_path.hpp).
  event* get(uint32_t /*reactor*/) noexcept override {
    ++allocations_;
    const bool injected = (faults_.fail_nth != 0 && allocations_ == faults_.fail_nth) ||
                          decisions_.fault(faults_.fail_ppm);
    if (injected) [[unlikely]] {
      ++injected_;
      return nullptr;
    }
    if (free_.empty()) [[unlikely]] return nullptr;
    event* ev = free_.back();
    free_.pop_back();
    return ev;
  }
  void put_bulk(uint32_t /*reactor*/, event* const* evs, uint32_t n) noexcept override {
    for (uint32_t i = 0; i < n; ++i) {
      // The simulator's own start and shutdown events live outside the pool.
      if (owns(evs[i])) [[likely]] free_.push_back(evs[i]);
    }
  }

  // Events given out and not returned.
  uint32_t in_use() const noexcept { return static_cast<uint32_t>(storage_.size() - free_.size()); }
  bool owns(const event* ev) const noexcept {
    return ev >= storage_.data() && ev < storage_.data() + storage_.size();
  }
  uint64_t injected_failures() const noexcept { return injected_; }

 private:
  std::vector<event> storage_;
  std::vector<event*> free_;
  faults faults_;
  decision_source& decisions_;
  uint64_t allocations_ = 0;
  uint64_t injected_ = 0;
};

}  // namespace lockstep::sim
