#include "mempool_event_pool.hpp"

#include "real_limits.hpp"
#include "tsan_annotations.hpp"

#include <rte_errno.h>
#include <rte_mempool.h>

#include <algorithm>
#include <cstdio>
#include <new>

namespace lockstep::real {
namespace {

// Every event starts zeroed and free: the reactor checks states on every transition.
void init_event(rte_mempool*, void*, void* obj, unsigned) {
  auto* ev = new (obj) event{};
  ev->state = event_state::idle;
}

}  // namespace

mempool_event_pool::mempool_event_pool(uint32_t size, const std::vector<uint32_t>& lcore_of_reactor,
                                       const event* specials, uint32_t special_count,
                                       uint32_t run_number)
    : specials_(specials), special_count_(special_count), size_(size) {
  char name[RTE_MEMPOOL_NAMESIZE];
  std::snprintf(name, sizeof name, "lockstep_ev%u", run_number);
  mp_ = rte_mempool_create(name, size, sizeof(event), mempool_cache_size(size), 0, nullptr,
                           nullptr, init_event, nullptr, SOCKET_ID_ANY, 0);
  if (mp_ == nullptr) {
    error_ = "cannot create the event pool of " + std::to_string(size) +
             " events (rte_mempool_create: " + rte_strerror(rte_errno) +
             "); give EAL more memory (-m or --socket-mem) or use a smaller event_pool_size";
    return;
  }
  caches_ = std::make_unique<rte_mempool_cache*[]>(lcore_of_reactor.size());
  for (uint32_t lcore : lcore_of_reactor)
    caches_[cache_count_++] = rte_mempool_default_cache(mp_, lcore);
}

mempool_event_pool::~mempool_event_pool() {
  // Events still lent to the application are invalid from here on (documented in real.hpp).
  if (mp_ != nullptr) rte_mempool_free(mp_);
}

event* mempool_event_pool::get_slow(rte_mempool_cache* cache) noexcept {
  void* obj = nullptr;
  if (rte_mempool_generic_get(mp_, &obj, 1, cache) != 0) return nullptr;
  tsan_acquire(obj);
  return static_cast<event*>(obj);
}

// Out of line: DPDK's inline copy routine trips GCC's array-bounds warning when inlined into
// the reactor, and this path is rare (a cache at its flush threshold, a non-lcore thread).
void mempool_event_pool::put_bulk_slow(uint32_t reactor, event* const* evs, uint32_t n) noexcept {
  // Copied into a void* table (the type DPDK reads) while the backend's own events are left
  // out, a batch at a time (more than one batch never comes from the reactor).
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = std::min(n - done, core::event_batch_max);
    void* objs[core::event_batch_max];
    const uint32_t kept = keep_pool_events(evs + done, m, objs);
    if (kept > 0) rte_mempool_generic_put(mp_, objs, kept, cache_of(reactor));
    done += m;
  }
}

uint64_t mempool_event_pool::in_use() const noexcept {
  return size_ - rte_mempool_avail_count(mp_);
}

}  // namespace lockstep::real
