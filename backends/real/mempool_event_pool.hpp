// The event pool of the DPDK backend: an rte_mempool of events with a per-lcore cache.
//
// A reactor allocates from and returns to its own lcore's cache (no atomic operation unless the
// cache runs empty or overflows); threads that are not lcores go to the shared ring directly.
// The backend's own events (start, shutdown request) live outside the mempool and are skipped
// by put_bulk.
#pragma once

#include "../../core/backend.hpp"
#include "tsan_annotations.hpp"

#include <rte_mempool.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::real {

class mempool_event_pool final : public core::event_pool {
 public:
  // lcore_of_reactor: the lcore id of each reactor index. specials: the backend's own events.
  mempool_event_pool(uint32_t size, const std::vector<uint32_t>& lcore_of_reactor,
                     const event* specials, uint32_t special_count, uint32_t run_number);
  ~mempool_event_pool() override;
  mempool_event_pool(const mempool_event_pool&) = delete;
  mempool_event_pool& operator=(const mempool_event_pool&) = delete;

  // False when DPDK could not create the mempool; error() says why.
  bool ok() const noexcept { return mp_ != nullptr; }
  const std::string& error() const noexcept { return error_; }

  // Inline: core's hot path calls it on the concrete pool (core/hot_path.hpp).
  event* get(uint32_t reactor) noexcept override {
    void* obj = nullptr;
    if (rte_mempool_generic_get(mp_, &obj, 1, cache_of(reactor)) != 0) [[unlikely]]
      return nullptr;
    tsan_acquire(obj);
    return static_cast<event*>(obj);
  }
  // Out of line: once per burst, and DPDK's inline copy routine trips GCC's array-bounds
  // warning when inlined into the reactor.
  void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept override;

  // Events not in the pool (nor in a cache). Exact only when no lcore is running.
  uint64_t in_use() const noexcept;

 private:
  rte_mempool_cache* cache_of(uint32_t reactor) const noexcept {
    return reactor < caches_.size() ? caches_[reactor] : nullptr;
  }
  bool is_special(const event* ev) const noexcept {
    return static_cast<size_t>(ev - specials_) < special_count_;
  }

  rte_mempool* mp_ = nullptr;
  std::vector<rte_mempool_cache*> caches_;  // by reactor index
  const event* specials_;
  uint32_t special_count_;
  uint32_t size_;
  std::string error_;
};

}  // namespace lockstep::real
