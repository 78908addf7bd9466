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

uint32_t ring_transport::take_local(local& q, event** out, uint32_t max) noexcept {
  uint32_t n = 0;
  while (n < max && q.local_head != nullptr) {
    event* ev = q.local_head;
    q.local_head = ev->next;
    out[n++] = ev;
  }
  if (q.local_head == nullptr) q.local_tail = nullptr;
  return n;
}

uint32_t ring_transport::dequeue_burst(uint32_t target, event** out, uint32_t max) noexcept {
  local& q = locals_[target];
  void* objs[core::event_batch_max];
  if (max > core::event_batch_max) max = core::event_batch_max;
  uint32_t n = 0;
  const bool ring_first = q.ring_first;
  q.ring_first = !ring_first;
  if (!ring_first) n = take_local(q, out, max);
  if (n < max) {
    const uint32_t got = rte_ring_sc_dequeue_burst(rings_[target], objs, max - n, nullptr);
    for (uint32_t i = 0; i < got; ++i) out[n++] = static_cast<event*>(objs[i]);
  }
  if (ring_first && n < max) n += take_local(q, out + n, max - n);
  return n;
}

bool ring_transport::pending(uint32_t target) const noexcept {
  return locals_[target].local_head != nullptr || rte_ring_count(rings_[target]) != 0;
}

}  // namespace lockstep::real
