#include "ring_transport.hpp"

#include "../../core/limits.hpp"

#include <rte_errno.h>
#include <rte_ring.h>

#include <cstdio>
#include <cstdlib>

namespace lockstep::real {

ring_transport::ring_transport(uint32_t reactors, uint32_t capacity, uint32_t run_number)
    : reactors_(reactors), rings_(new rte_ring*[reactors]()), locals_(new local[reactors]) {
  for (uint32_t i = 0; i < reactors_; ++i) {
    char name[RTE_RING_NAMESIZE];
    std::snprintf(name, sizeof name, "lockstep_q%u_%u", run_number, i);
    // Exact size: `capacity` usable slots (not rounded down to a power of two minus one).
    rings_[i] = rte_ring_create(name, capacity, SOCKET_ID_ANY, RING_F_SC_DEQ | RING_F_EXACT_SZ);
    if (rings_[i] == nullptr) {
      ok_ = false;
      error_ = "cannot create the event ring of reactor " + std::to_string(i) + " (" +
               std::to_string(capacity) + " slots; rte_ring_create: " + rte_strerror(rte_errno) +
               "); give EAL more memory (-m or --socket-mem) or use a smaller event_pool_size";
      return;
    }
  }
}

ring_transport::~ring_transport() {
  for (uint32_t i = 0; i < reactors_; ++i) rte_ring_free(rings_[i]);
}

void ring_transport::ring_full(uint32_t target) noexcept {
  // The ring holds every event that exists: a full ring is a framework bug.
  std::fprintf(stderr, "lockstep: framework invariant: the ring of reactor %u is full\n", target);
  std::abort();
}

void ring_transport::enqueue_now(uint32_t target, event* ev) noexcept {
  if (rte_ring_mp_enqueue(rings_[target], ev) != 0) [[unlikely]] ring_full(target);
}

void ring_transport::flush_staged(local& q) noexcept {
  const uint32_t n = q.staged_n;
  for (uint32_t begin = 0; begin < n;) {
    // A run of consecutive events for one target goes in one enqueue: the order inside the run
    // is the ring's, the order between runs is this loop's, so call order is kept per target.
    const uint16_t target = static_cast<event*>(q.staged[begin])->target;
    uint32_t end = begin + 1;
    while (end < n && static_cast<event*>(q.staged[end])->target == target) ++end;
    rte_ring* r = rings_[target];
    // The enqueue reads the consumer's tail and then reserves on the producers' head, each
    // line last written on another lcore: asked for together, the two misses overlap.
    __builtin_prefetch(&r->prod, 1);
    __builtin_prefetch(&r->cons, 0);
    if (rte_ring_mp_enqueue_bulk(r, &q.staged[begin], end - begin, nullptr) == 0)
        [[unlikely]]
      ring_full(target);
    begin = end;
  }
  q.staged_n = 0;
}

// Staged events are not counted: they are the sender's until its next flush (at the latest at
// the end of its iteration).
bool ring_transport::pending(uint32_t target) const noexcept {
  return locals_[target].local_head != nullptr || rte_ring_count(rings_[target]) != 0;
}

}  // namespace lockstep::real
