// The decomposition of the real backend's cross-core cost (lockstep_bench --decompose): the
// per-pair seqslot queue alone, then one ingredient of the framework added at a time, in the
// shapes of the cross and round-trip workloads (two lcores; each event sends the next one to the
// other lcore). Every variant runs a reactor-shaped loop on the main lcore and the first worker
// lcore: pop a burst of up to 8 from the incoming queue, handle each popped object, then (from
// variant b on) return the burst to the pool.
//
//   a  the raw seqslot queue carrying pointers to preallocated objects: a popped pointer is
//      pushed back to the other side as is, never dereferenced (the queue's own cost);
//   b  + an rte_mempool get per event sent and a put of each burst (each side with its own
//      mempool cache, as a reactor with its lcore's): the objects are still never touched;
//   c  + an event body {fn, arg1, arg2} written by the sender into the object it got, read by
//      the receiver, which calls fn (the handler counts and sends the next event); the popped
//      objects are prefetched for writing with PREFETCHW (decompose.cpp, prefetch_for_write);
//   c2 + the event states lockstep's core keeps (allocated, queued; checked queued, then
//      running, free): the writes the framework makes to the event on both sides;
//   c2r c2 with __builtin_prefetch(p, 1) instead, as the real backend's dequeue has it, which
//      GCC compiles to a read prefetch (PREFETCHT0) under DPDK's -march=corei7: the line comes
//      shared, and the receiver's first write to the event upgrades it;
//   s  a different hand-over, for comparison with c: b's pool, the body written into the
//      event as in c, but the "call" copies {fn, arg1, arg2} into a 32-byte slot of the pair's
//      queue (two a line) and returns the event to the sender's pool at once; the receiver
//      copies the bodies of a burst out of their slots and calls them. No event line crosses
//      cores: per event half a slot line does.
//   h  s's slots with the event's pointer beside the body, and the event going back to the pool
//      after it ran, as lockstep's semantics want (shared/DESIGN.md): the receiver calls the
//      copy without touching the event, then sends the pointer home through a pointer queue the
//      other way; the sender puts what came home into its own pool (and marks it free) at the
//      start of its next burst. The sender writes the states (allocated, queued, free); no
//      event line crosses cores: per event half a slot line and an eighth of a return line do.
//
// The step from c2 to the real backend (real_workloads.hpp) is the framework itself: the API's
// checks and indirection, the reactor's loop and the transport's bookkeeping.
// All need ensure_eal() to have succeeded and must not run while a real::run holds the lcores.
#pragma once

#include <cstdint>

namespace lockstep::bench {

enum class decomp_variant { a, b, c, c2, c2r, s, h };

// Two lcores, each keeping `in_flight` events in flight to the other, until the main lcore has
// run `events_per_core`. Events per second per core, or negative on failure.
double decomp_cross_events_per_s_per_core(decomp_variant v, uint64_t events_per_core,
                                          uint32_t in_flight);
// One event bouncing between the two lcores: nanoseconds per round trip, or negative.
double decomp_roundtrip_ns(decomp_variant v, uint64_t round_trips);

// The cross shape with both sides stepped in turn on the calling thread (one burst each, A then
// B): no spinning, so that callgrind counts the instructions of the events alone. Returns the
// events run by side A (`events_per_side` unless something failed).
uint64_t decomp_cross_single_thread(decomp_variant v, uint64_t events_per_side,
                                    uint32_t in_flight);

}  // namespace lockstep::bench
