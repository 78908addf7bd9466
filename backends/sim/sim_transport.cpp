#include "sim_transport.hpp"

#include "bits.hpp"

#include <bit>
#include <type_traits>

namespace lockstep::sim {

sim_transport::sim_transport(uint32_t cores, decision_source& decisions,
                             sim_clock& clock)
    : cores_(cores),
      decisions_(decisions),
      clock_(clock),
      queues_(std::make_unique_for_overwrite<fifo[]>(static_cast<size_t>(cores) * 64)) {
  static_assert(std::is_trivially_default_constructible_v<fifo>);
  for (uint32_t bit = 0; bit < cores; ++bit) make_column(bit);
  make_column(external_sender_bit);
}

uint32_t sim_transport::dequeue_drawn(uint32_t target, event** out, uint32_t max) noexcept {
  uint32_t n = 0;
  uint64_t& senders = senders_[target];
  uint32_t count = bits_set(senders);
  while (n < max && senders != 0) {
    if (count == 1) return n + dequeue_one_sender(target, out + n, max - n);
    // The k-th sender with queued events, k drawn from the decision stream.
    const uint32_t bit = nth_set_bit(senders, decisions_.choose(count, choice::sender, senders));
    fifo& q = pair(bit, target);
    event* ev = q.head;
    q.head = ev->next;
    if (q.head == nullptr) {
      q.tail_link = &q.head;
      senders &= ~(uint64_t{1} << bit);
      --count;
      if (senders == 0) pending_targets_ &= ~(uint64_t{1} << target);
    }
    // A message cannot arrive before it left.
    if (clock_.core_ns(target) < ev->sent_ns) clock_.deliver(target, ev->sent_ns);
    out[n++] = ev;
  }
  return n;
}

}  // namespace lockstep::sim
