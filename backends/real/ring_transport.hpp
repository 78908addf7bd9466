// The per-reactor queues of the DPDK backend.
//
// Each reactor owns a multi-producer/single-consumer rte_ring that holds every event that can
// exist (pool + backend events), so enqueue never fails. Events a reactor sends to itself skip
// the ring: they go to a plain FIFO list that only that reactor touches (no atomic operation),
// the same-core fast path. Bursts alternate which of the two they read first, so neither can
// starve the other.
//
// Events a reactor sends to another reactor are staged: appended, in call order, to a buffer
// of the sender's own, and handed to the target rings by flush(sender) — one
// rte_ring_mp_enqueue_bulk per run of consecutive events for the same target. The reactor loop
// flushes at the end of every burst and of every iteration (core's run_iteration_as), or after
// every step (the traced loop), and a full buffer flushes itself: no event waits past the end
// of its sender's iteration. A burst's worth of events to one core then costs one reservation
// of the ring and one publication instead of one each (the ring's shared lines move between
// the cores once per batch, not once per event).
//
// Per-pair FIFO holds: a self-sent event is one pair in one list; a reactor's events to another
// reactor leave its buffer in call order, runs are enqueued in order, and an MP ring keeps each
// producer's order; a sender that is not a reactor enqueues at once.
//
// Threading: enqueue from any thread (a sender passes its own reactor index, or
// external_sender); flush(sender) only on the sender's lcore; dequeue_burst and pending only
// on the target's lcore — or on the main thread once every lcore has stopped.
#pragma once

#include "../../core/backend.hpp"
#include "../../core/limits.hpp"
#include "real_limits.hpp"

#include <rte_ring.h>

#include <cstdint>
#include <memory>
#include <string>

namespace lockstep::real {

class ring_transport final : public core::transport {
 public:
  ring_transport(uint32_t reactors, uint32_t capacity, uint32_t run_number);
  ~ring_transport() override;
  ring_transport(const ring_transport&) = delete;
  ring_transport& operator=(const ring_transport&) = delete;

  // False when DPDK could not create a ring; error() says why.
  bool ok() const noexcept { return ok_; }
  const std::string& error() const noexcept { return error_; }

  // Inline: core's hot path calls it on the concrete transport (core/hot_path.hpp).
  void enqueue(uint32_t sender, uint32_t target, event* ev) noexcept override {
    if (sender == target) {
      // Only the target's own lcore sends as `target`: the list is single-threaded.
      local& q = locals_[target];
      ev->next = nullptr;
      if (q.local_tail == nullptr) {
        q.local_head = ev;
      } else {
        q.local_tail->next = ev;
      }
      q.local_tail = ev;
      return;
    }
    if (sender >= reactors_) [[unlikely]] return enqueue_now(target, ev);
    local& q = locals_[sender];
    q.staged[q.staged_n++] = ev;
    if (q.staged_n == staged_events_max) [[unlikely]] flush_staged(q);
  }
  // Hands the events `sender` staged to their targets' rings. On the sender's lcore.
  void flush(uint32_t sender) noexcept override {
    local& q = locals_[sender];
    if (q.staged_n != 0) flush_staged(q);
  }
  // Inline as well: once per reactor iteration, the local list and the ring each looked at.
  uint32_t dequeue_burst(uint32_t target, event** out, uint32_t max) noexcept override {
    local& q = locals_[target];
    if (max > core::event_batch_max) max = core::event_batch_max;
    uint32_t n = 0;
    const bool ring_first = q.ring_first;
    q.ring_first = !ring_first;
    if (!ring_first) n = take_local(q, out, max);
    if (n < max) n += take_ring(target, out + n, max - n);
    if (ring_first && n < max) n += take_local(q, out + n, max - n);
    return n;
  }
  bool pending(uint32_t target) const noexcept override;

 private:
  // What only the owning reactor writes, on a cache line of its own: written on every local
  // post and every burst, it must not share a line with anything another lcore reads.
  struct alignas(64) local {
    event* local_head = nullptr;
    event* local_tail = nullptr;
    bool ring_first = true;
    uint32_t staged_n = 0;
    void* staged[staged_events_max];  // events to other reactors, in call order (void*: DPDK's type)
  };

  [[noreturn]] static void ring_full(uint32_t target) noexcept;
  void enqueue_now(uint32_t target, event* ev) noexcept;
  void flush_staged(local& q) noexcept;
  static uint32_t take_local(local& q, event** out, uint32_t max) noexcept {
    uint32_t n = 0;
    while (n < max && q.local_head != nullptr) {
      event* ev = q.local_head;
      q.local_head = ev->next;
      out[n++] = ev;
    }
    if (q.local_head == nullptr) q.local_tail = nullptr;
    return n;
  }
  uint32_t take_ring(uint32_t target, event** out, uint32_t max) noexcept {
    rte_ring* r = rings_[target];
    // The slot the next event will arrive in (the ring's slots follow its header: rte_ring's
    // layout, which its inline functions use). That line and the producers' tail are both
    // written on the sender's lcore: asked for together, their misses overlap instead of the
    // slot's following the tail's. Only this lcore writes cons.head, so reading it is no race.
    __builtin_prefetch(reinterpret_cast<void* const*>(r + 1) + (r->cons.head & r->mask));
    // DPDK's rings hold void*: the events pass through a void* table.
    void* objs[core::event_batch_max];
    const uint32_t got = rte_ring_sc_dequeue_burst(r, objs, max, nullptr);
    for (uint32_t i = 0; i < got; ++i) {
      out[i] = static_cast<event*>(objs[i]);
      // An event from the ring was last written on its sender's lcore: its line is a cache
      // miss here. Asked for all at once, the misses of a burst overlap instead of each event
      // waiting for its own when it runs.
      __builtin_prefetch(objs[i], 1);
    }
    return got;
  }

  uint32_t reactors_;
  // The rings by reactor index: written once here, then only read, by every lcore (a sender
  // reads its target's ring pointer on every post, so it lives apart from the local lists —
  // sharing their line cost a cache miss per cross-core post).
  std::unique_ptr<rte_ring*[]> rings_;
  std::unique_ptr<local[]> locals_;
  bool ok_ = true;
  std::string error_;
};

}  // namespace lockstep::real
