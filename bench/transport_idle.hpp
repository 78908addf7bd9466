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

}  // namespace lockstep::bench
