#include "sim_transport.hpp"

#include "bits.hpp"

#include <bit>

namespace lockstep::sim {

sim_transport::sim_transport(uint32_t cores, decision_source& decisions,
                             std::vector<uint64_t>& core_time_ns)
    : cores_(cores),
      decisions_(decisions),
      core_time_ns_(core_time_ns),
      queues_(static_cast<size_t>(cores) * 64),
      senders_(cores, 0),
      sender_count_(cores, 0) {}

uint32_t sim_transport::dequeue_burst(uint32_t target, event** out, uint32_t max) noexcept {
  uint32_t n = 0;
  uint64_t& senders = senders_[target];
  uint32_t& count = sender_count_[target];
  uint64_t clock_ns = core_time_ns_[target];
  while (n < max && senders != 0) {
    uint32_t bit;
    if (count == 1) {
      // One sender: the choice among one draws nothing (choose(1)), so the rest of the burst
      // comes from its queue alone; it ends when the burst is full or the queue is empty.
      bit = static_cast<uint32_t>(std::countr_zero(senders));
      fifo& q = pair(bit, target);
      event* ev = q.head;
      do {
        if (clock_ns < ev->sent_ns) clock_ns = ev->sent_ns;
        out[n++] = ev;
        ev = ev->next;
      } while (n < max && ev != nullptr);
      q.head = ev;
      if (ev == nullptr) {
        q.tail = nullptr;
        senders = 0;
        count = 0;
        pending_targets_ &= ~(uint64_t{1} << target);
      }
      break;
    }
    // The k-th sender with queued events, k drawn from the decision stream.
    bit = nth_set_bit(senders, decisions_.choose(count));
    fifo& q = pair(bit, target);
    event* ev = q.head;
    q.head = ev->next;
    if (q.head == nullptr) {
      q.tail = nullptr;
      senders &= ~(uint64_t{1} << bit);
      --count;
      if (senders == 0) pending_targets_ &= ~(uint64_t{1} << target);
    }
    if (clock_ns < ev->sent_ns) clock_ns = ev->sent_ns;
    out[n++] = ev;
  }
  // A message cannot arrive before it left: the target's clock moves up to the latest send.
  core_time_ns_[target] = clock_ns;
  return n;
}

}  // namespace lockstep::sim
