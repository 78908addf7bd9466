// The simulator's event pool: a fixed array and a LIFO free list, with injected allocation
// failures drawn from the decision stream.
#pragma once

#include "../../core/backend.hpp"
#include "decision_source.hpp"

#include <cstdint>
#include <memory>

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
    if (faulty_ && injected()) [[unlikely]]
      return nullptr;
    return get_unchecked();
  }
  // get() for a run without allocation faults (faulty() false): whether faults can strike is
  // fixed for the run, so such a run's hot path calls this (see world.hpp), with no call to
  // the fault draw on its way and no test of it.
  event* get_unchecked() noexcept {
    event* ev = free_head_;
    if (ev == nullptr) [[unlikely]] return get_fresh();
    free_head_ = ev->next;
    return ev;
  }
  void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept override {
    // Pushed in order, so the last one comes out first (the order of a LIFO stack).
    for (uint32_t i = 0; i < n; ++i) put_one(reactor, evs[i]);
  }
  // One step of put_bulk: core's per-unit steps free and return a burst in one pass with it.
  void put_one(uint32_t /*reactor*/, event* ev) noexcept {
    // The simulator's own start and shutdown events live outside the pool.
    if (owns(ev)) [[likely]] {
      ev->next = free_head_;
      free_head_ = ev;
    }
  }

  // Events given out and not returned, counted from the free list (once per run, at its end,
  // rather than a counter kept on every allocation and return).
  uint32_t in_use() const noexcept {
    uint32_t free = 0;
    for (const event* ev = free_head_; ev != nullptr; ev = ev->next) ++free;
    return fresh_ - free;
  }
  // Calls f(const event*) for every event lent by event_allocate and not yet called, in pool
  // order: for reports at the end of a run.
  template <class F>
  void for_each_allocated(F&& f) const {
    for (uint32_t i = 0; i < fresh_; ++i)
      if (storage_[i].state == event_state::allocated) f(&storage_[i]);
  }
  bool owns(const event* ev) const noexcept { return ev >= begin_ && ev < end_; }
  uint64_t injected_failures() const noexcept { return injected_; }
  bool faulty() const noexcept { return faulty_; }

 private:
  // Counts the allocation and draws whether a fault strikes it; only called when faulty_.
  bool injected() noexcept;
  // The next event never handed out, or nullptr when the pool is exhausted. Events are
  // initialized on first use, not all at construction: a short run (what exploration makes by
  // the thousand) touches a few of the pool's thousands. The order is that of a free list
  // that started with every event in index order: the returned ones first, last in first out,
  // then the fresh ones.
  // Inline: a call on the allocation path, however rare, costs every allocation the saving
  // of registers around it.
  event* get_fresh() noexcept {
    if (fresh_ == size_) return nullptr;
    event* ev = &storage_[fresh_++];
    *ev = event{};
    ev->state = event_state::idle;
    return ev;
  }

  std::unique_ptr<event[]> storage_;
  uint32_t size_;
  uint32_t fresh_ = 0;  // storage_[fresh_..size_) were never handed out
  const event* begin_;
  const event* end_;
  // The free events, linked through event::next (a free event's link is the pool's to use;
  // a transport that links queued events sets it when it queues one).
  event* free_head_ = nullptr;
  bool faulty_;
  faults faults_;
  decision_source& decisions_;
  uint64_t allocations_ = 0;
  uint64_t injected_ = 0;
};

}  // namespace lockstep::sim
