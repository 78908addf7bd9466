// Every limit of the reactor logic, named once, with its reason.
#pragma once

#include <cstdint>

namespace lockstep::core {

// How many core ids there are: a core id is below this (an exclusive bound). Reactor core ids
// are DPDK lcore ids (or 0..n-1 in the simulator); RTE_MAX_LCORE is 128 in Debian's DPDK
// build, and no backend may address more.
inline constexpr uint32_t core_id_count = 128;

// Events one reactor takes from its queue per iteration before it runs its pollers; SPDK uses 8
// (SPDK_EVENT_BATCH_SIZE), so that a flood of events cannot starve pollers.
inline constexpr uint32_t event_batch_max = 8;

// The largest event pool a backend accepts; ids and queue sizes fit 32 bits with room to spare.
inline constexpr uint32_t event_pool_size_max = 1u << 24;

static_assert(event_batch_max >= 1);
static_assert(event_pool_size_max >= event_batch_max);

}  // namespace lockstep::core
