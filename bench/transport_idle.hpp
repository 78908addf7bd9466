// The part of an idle reactor iteration that grows with the number of reactors: the real
// backend's transport looking for work (dequeue_burst, then flush) when nothing is queued. A
// unit benchmark of pair_transport, on the calling thread, with `reactors` reactors' queues (no
// lcores are started: the transport is only memory), measured after `warmup` dequeues (the
// pairs of an idle reactor have gone cold by then). The rest of an idle iteration — the loop,
// the poller and timer phases, the stop and signal checks — does not depend on the reactor
// count.
#pragma once

#include <cstdint>

namespace lockstep::bench {

// Nanoseconds per idle dequeue_burst + flush of reactor 0, or negative when the transport
// could not be created (EAL must be up) or the real backend is not built.
double idle_poll_ns(uint32_t reactors, uint64_t polls);

// The transport's share of a hand-over, for callgrind (lockstep_bench --decompose-insns
// transport_local|transport_pair): a pair_transport of two reactors on the calling thread,
// `in_flight` events per reactor; each step dequeues a burst of reactor 0, then of reactor 1,
// re-enqueues each event (to the other reactor with `pair`, to the same one without) and
// flushes, as the reactor loop does. Returns the events reactor 0 dequeued (`events` unless
// something failed).
uint64_t transport_handover_single_thread(bool pair, uint64_t events, uint32_t in_flight);

}  // namespace lockstep::bench
