// Limits of the DPDK backend, named once with their reasons.
#pragma once

#include "../../core/limits.hpp"

#include <rte_config.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <cstdint>

namespace lockstep::real {

// Events the backend owns outside the pool: the start event and the shutdown request. They
// travel through the rings of non-reactor senders (pair_transport.hpp) as pool events may, so
// a ring must hold them too.
inline constexpr uint32_t backend_events = 2;

// Per-lcore mempool cache, in events. Allocation and release on one lcore then touch only that
// lcore's cache most of the time; 256 is the cache SPDK's event pool is usually given.
inline constexpr uint32_t mempool_cache_max = 256;

// DPDK refuses a cache whose flush threshold (1.5 x size) exceeds the pool: the cache is at most
// this fraction of the pool, so that small pools (tests) still run dry quickly and visibly.
inline constexpr uint32_t mempool_cache_pool_divisor = 8;

// A ring slot for every event that can exist: enqueue can never fail. rte_ring's largest
// exact-size ring holds RTE_RING_SZ_MASK entries.
inline constexpr uint64_t ring_capacity_max =
    uint64_t{core::event_pool_size_max} + backend_events;

static_assert(ring_capacity_max <= RTE_RING_SZ_MASK, "a ring must hold the largest pool");
static_assert(mempool_cache_max <= RTE_MEMPOOL_CACHE_MAX_SIZE);
static_assert(RTE_MAX_LCORE <= core::core_id_count, "core ids are lcore ids");
static_assert(RTE_MAX_LCORE < UINT16_MAX, "event::target and event::sender are 16 bits");

constexpr uint32_t mempool_cache_size(uint32_t pool_size) noexcept {
  const uint32_t fraction = pool_size / mempool_cache_pool_divisor;
  return fraction < mempool_cache_max ? fraction : mempool_cache_max;
}
static_assert(mempool_cache_size(262143) == mempool_cache_max);
// DPDK's own rule: 1.5 x cache <= pool.
static_assert(mempool_cache_size(core::event_pool_size_max) * 3 / 2 <= core::event_pool_size_max);
static_assert(mempool_cache_size(16) * 3 / 2 <= 16);

}  // namespace lockstep::real
