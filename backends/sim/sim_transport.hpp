// The simulator's queues: one FIFO per (sender, target) pair. Which sender's queue a core
// reads next is a choice from the decision stream, so that events from different senders reach
// a core in every order the hardware allows, while each pair stays FIFO.
#pragma once

#include "../../core/backend.hpp"
#include "decision_source.hpp"
#include "sim_clock.hpp"

#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

namespace lockstep::sim {

// One bit per sender in a 64-bit mask; the last bit is the external sender (start event,
// shutdown requests), so at most 63 simulated cores. The simulation's external threads
// (lockstep::external_thread_start) take the bits between the cores' and that one, one each.
inline constexpr uint32_t transport_cores_max = 63;
inline constexpr uint32_t external_sender_bit = 63;

class sim_transport final : public core::transport {
 public:
  // clock: the per-core virtual clocks (their owner); a delivered event moves its target's clock
  // up to the time it was sent (a message cannot arrive before it left), through the clock.
  sim_transport(uint32_t cores, decision_source& decisions, sim_clock& clock);

  // Inline: core's hot path calls it on the concrete transport (hot_path.hpp).
  void enqueue(uint32_t sender, uint32_t target, event* ev) noexcept override {
    // Laid out for a reactor's send (an external one is rare), not as a jump out and back.
    uint32_t bit = external_bit_;
    if (sender < cores_) [[likely]] bit = sender;
    fifo& q = pair(bit, target);
    ev->next = nullptr;
    *q.tail_link = ev;
    q.tail_link = &ev->next;
    // Without branches: whether the sender is new to the target is as good as random.
    senders_[target] |= uint64_t{1} << bit;
    pending_targets_ |= uint64_t{1} << target;
  }
  // Inline for the common case of one sender (the choice among one draws nothing): the burst
  // is the head of that sender's queue. Several senders take the drawing loop, out of line.
  uint32_t dequeue_burst(uint32_t target, event** out, uint32_t max) noexcept override {
    const uint64_t senders = senders_[target];
    if (senders == 0 || (senders & (senders - 1)) != 0 || max == 0)
      return dequeue_drawn(target, out, max);
    return dequeue_one_sender(target, out, max);
  }
  bool pending(uint32_t target) const noexcept override { return senders_[target] != 0; }
  // The sender bit of what is not a core (an enqueue with a sender >= cores): the external
  // thread running now (its own bit, so that each has its FIFO to each core), else
  // external_sender_bit.
  void set_external_bit(uint32_t bit) noexcept {
    if ((made_bits_ >> bit & 1) == 0) [[unlikely]] make_column(bit);
    external_bit_ = bit;
  }
  // Bit t set iff events wait for core t: the simulator's scheduler reads every core's
  // pending() at once from it.
  uint64_t pending_mask() const noexcept { return pending_targets_; }
  // Calls f(const event*) for every event queued for `target`, sender by sender (cores in
  // increasing order, then external threads, the outside world last), each sender's in FIFO order: for reports at the
  // end of a run, never on the hot path.
  template <class F>
  void for_each_queued(uint32_t target, F&& f) const {
    for (uint64_t rest = senders_[target]; rest != 0; rest &= rest - 1) {
      const auto bit = static_cast<uint32_t>(std::countr_zero(rest));
      for (const event* ev = queues_[static_cast<size_t>(target) * 64 + bit].head; ev != nullptr;
           ev = ev->next)
        f(ev);
    }
  }

 private:
  // A queue whose tail is the link to fill next: &head when empty, so that appending needs no
  // test for emptiness. Queues never move (queues_ is sized once). Made empty by make_column,
  // only for the sender bits in use (a run of 4 cores uses 5 of the 64: its cores and the
  // outside world), so that a short run does not pay for the others.
  struct fifo {
    event* head;
    event** tail_link;
    fifo() = default;
    fifo(const fifo&) = delete;
    fifo& operator=(const fifo&) = delete;
  };
  // Every target's queue from sender bit `bit`, made empty.
  void make_column(uint32_t bit) noexcept {
    for (uint32_t t = 0; t < cores_; ++t) {
      fifo& q = pair(bit, t);
      q.head = nullptr;
      q.tail_link = &q.head;
    }
    made_bits_ |= uint64_t{1} << bit;
  }
  fifo& pair(uint32_t sender_bit, uint32_t target) noexcept {
    return queues_[static_cast<size_t>(target) * 64 + sender_bit];
  }
  // The burst from the one sender with queued events (max > 0); the rest stays queued.
  uint32_t dequeue_one_sender(uint32_t target, event** out, uint32_t max) noexcept {
    fifo& q = pair(static_cast<uint32_t>(std::countr_zero(senders_[target])), target);
    uint64_t clock_ns = clock_.core_ns(target);
    uint32_t n = 0;
    event* ev = q.head;
    do {
      if (clock_ns < ev->sent_ns) clock_ns = ev->sent_ns;
      out[n++] = ev;
      ev = ev->next;
    } while (n < max && ev != nullptr);
    q.head = ev;
    if (ev == nullptr) {
      q.tail_link = &q.head;
      senders_[target] = 0;
      pending_targets_ &= ~(uint64_t{1} << target);
    }
    // A message cannot arrive before it left: the target's clock moves up to the latest send.
    clock_.deliver(target, clock_ns);
    return n;
  }
  uint32_t dequeue_drawn(uint32_t target, event** out, uint32_t max) noexcept;

  uint32_t cores_;
  uint32_t external_bit_ = external_sender_bit;
  decision_source& decisions_;
  sim_clock& clock_;
  std::unique_ptr<fifo[]> queues_;  // [target][sender bit]
  uint64_t made_bits_ = 0;          // the sender bits whose queues make_column made
  // Per target: a bit per sender with queued events. In the object (at most
  // transport_cores_max targets), so that enqueue and dequeue_burst reach it without loading a
  // pointer first.
  uint64_t senders_[transport_cores_max] = {};
  uint64_t pending_targets_ = 0;         // bit t: senders_[t] != 0
};

}  // namespace lockstep::sim
