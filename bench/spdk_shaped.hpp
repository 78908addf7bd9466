// The baselines on raw DPDK that the real backend must beat, built the way SPDK's reactor is:
// events from an rte_mempool (per-lcore cache), one multi-producer/single-consumer rte_ring per
// lcore, and a loop that dequeues a burst of 8, calls each event, and returns the burst with
// rte_mempool_put_bulk. And the physical limit for a cross-core round trip: two pinned threads
// bouncing one cache line. All of them need ensure_eal() to have succeeded, and run on the main
// lcore plus (for the two-core shapes) the first worker lcore through rte_eal_remote_launch,
// so they must not run while a real::run holds the lcores.
#pragma once

#include <cstdint>

namespace lockstep::bench {

// Events posted to self on the main lcore, `in_flight` at a time, until `events` have run.
// Returns nanoseconds per event, or a negative value when a resource could not be created.
double spdk_shaped_local_ns_per_event(uint64_t events, uint32_t in_flight);

// Two lcores, each keeping `in_flight` events in flight to the other, until the main lcore has
// run `events_per_core`. Returns events per second per core, or negative on failure.
double spdk_shaped_cross_events_per_s_per_core(uint64_t events_per_core, uint32_t in_flight);

// One event bouncing between the two lcores of the cross shape (the raw loop on both), until
// the main lcore has run `round_trips` of them. Returns nanoseconds per round trip, or negative
// on failure. Against pingpong_roundtrip_ns it shows what the MP/SC ring's hand-over costs by
// itself (a hop touches the ring's producer and consumer lines, a slot and the event); against
// real_roundtrip_ns, what the framework adds on top.
double spdk_shaped_roundtrip_ns(uint64_t round_trips);

// One event bouncing between the two lcores through the real backend's per-pair queue alone
// (backends/real/seqslot_queue.hpp: one single-producer/single-consumer queue each way, tagged
// slots), each side popping, calling the event and pushing it back, until the main lcore has
// run `round_trips`. No pool, no framework: the hand-over's own cost, the reference for
// real_roundtrip_ns now that the real backend hands events over this way. Nanoseconds per round
// trip, or negative on failure.
double seqslot_roundtrip_ns(uint64_t round_trips);

// Two lcores bouncing one cache line `round_trips` times. Returns nanoseconds per round trip,
// or negative on failure.
double pingpong_roundtrip_ns(uint64_t round_trips);

}  // namespace lockstep::bench
