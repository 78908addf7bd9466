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
#include <rte_version.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lockstep::real {

// The cache's common get and put are written here against rte_mempool_cache's layout and use
// (objs as a LIFO stack of len pointers, flushed past flushthresh) as DPDK 22.11 has them. A
// build with mempool statistics or debug checks (object cookies), or another DPDK release,
// goes through DPDK's own functions instead.
#if !defined(RTE_LIBRTE_MEMPOOL_STATS) && !defined(RTE_LIBRTE_MEMPOOL_DEBUG) && \
    RTE_VERSION >= RTE_VERSION_NUM(22, 11, 0, 0) && RTE_VERSION < RTE_VERSION_NUM(22, 12, 0, 0)
#define LOCKSTEP_MEMPOOL_CACHE_INLINE 1
#else
#define LOCKSTEP_MEMPOOL_CACHE_INLINE 0
#endif

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

  // Inline: core's hot path calls these on the concrete pool (core/hot_path.hpp). The common
  // case — the lcore's cache has an event, or room for a burst — is written here directly on
  // the cache (a LIFO stack of object pointers, as rte_mempool_generic_get/put use it):
  // DPDK's inline functions carry their refill and flush paths with them and are then too
  // large for the compiler to inline into event_allocate and the reactor loop, which costs a
  // call and a copy of the burst per use. Anything else goes through DPDK's functions.
  event* get(uint32_t reactor) noexcept override {
    if (event* ev = get_cached(reactor)) [[likely]] return ev;
    return get_slow(cache_of(reactor));
  }
  // Only the cache's common case: an event, or nullptr when the cache is empty or there is none
  // (then get refills). core's allocate_as runs this in line and the rest out of line.
  event* get_cached(uint32_t reactor) noexcept {
#if LOCKSTEP_MEMPOOL_CACHE_INLINE
    rte_mempool_cache* cache = cache_of(reactor);
    if (cache != nullptr && cache->len > 0) [[likely]] {
      void* obj = cache->objs[--cache->len];
      // A mempool's cache holds its objects, never nullptr: said so, allocate_as's test of the
      // result for nullptr (a refill) folds into the cache's emptiness test above.
      if (obj == nullptr) __builtin_unreachable();
      tsan_acquire(obj);
      return static_cast<event*>(obj);
    }
#else
    (void)reactor;
#endif
    return nullptr;
  }
  // The backend's own events are skipped (they are not the mempool's).
  void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept override {
#if LOCKSTEP_MEMPOOL_CACHE_INLINE
    rte_mempool_cache* cache = cache_of(reactor);
    if (cache != nullptr && cache->len + n <= cache->flushthresh) [[likely]] {
      cache->len += keep_pool_events(evs, n, &cache->objs[cache->len]);
      return;
    }
#endif
    put_bulk_slow(reactor, evs, n);
  }

  // Events not in the pool (nor in a cache). Exact only when no lcore is running.
  uint64_t in_use() const noexcept;

 private:
  event* get_slow(rte_mempool_cache* cache) noexcept;
  void put_bulk_slow(uint32_t reactor, event* const* evs, uint32_t n) noexcept;
  rte_mempool_cache* cache_of(uint32_t reactor) const noexcept {
    return reactor < cache_count_ ? caches_[reactor] : nullptr;
  }
  bool is_special(const event* ev) const noexcept {
    return static_cast<size_t>(ev - specials_) < special_count_;
  }
  // The pool's events among evs[0..n), in order, into out (the backend's own events left out),
  // each released for the lcore that gets it next (TSan); returns how many.
  uint32_t keep_pool_events(event* const* evs, uint32_t n, void** out) const noexcept {
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (is_special(evs[i])) [[unlikely]] continue;
      tsan_release(evs[i]);
      out[kept++] = evs[i];
    }
    return kept;
  }

  rte_mempool* mp_ = nullptr;
  // By reactor index; a plain array and its count, read on every allocation.
  std::unique_ptr<rte_mempool_cache*[]> caches_;
  uint32_t cache_count_ = 0;
  const event* specials_;
  uint32_t special_count_;
  uint32_t size_;
  std::string error_;
};

}  // namespace lockstep::real
