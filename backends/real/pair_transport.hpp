// The queues between the reactors of the DPDK backend: one single-producer/single-consumer
// queue per ordered (sender, target) pair of reactors.
//
// - Between two reactors: the pair's seqslot queue (seqslot_queue.hpp). event_call pushes the
//   event at once; the target finds it by looking at one slot, so a hand-over moves the slot's
//   line and the event's, and no index shared by several cores.
// - When the pair's queue is full, the sender appends the event to its own overflow list for
//   that target (the event's `next` link) and so does every later event for that target until
//   the list is empty again: per-pair FIFO holds and event_call never fails. The sender moves
//   the list into the queue as the target makes room, in flush(sender), which the reactor loop
//   calls at the end of every burst and iteration.
// - Events a reactor sends to itself go to a plain list only that reactor touches (no atomic
//   operation): the same-core fast path.
// - Senders that are not reactors (other threads, the backend's start event and shutdown
//   request) use one multi-producer/single-consumer rte_ring per target, which holds every event
//   that can exist, so their enqueue never fails either.
//
// Polling only the queues that may hold work. A target polls its "hot" pairs (a private bit
// mask) directly, every iteration; the others are cold. A hot pair that delivered nothing
// during pair_cool_iterations dequeues goes cold: the target sets the pair's `asleep` flag,
// then looks at the slot once more (and keeps the pair hot if an event arrived meanwhile). A
// sender that pushes to a pair whose flag it sees set rings the target's bell (a bit per
// sender in a word the target reads every iteration); the target then makes the pair hot and
// clears the flag. An idle reactor thus reads its bell words and one cold pair per iteration
// (the backstop below), whatever the number of reactors. Non-reactor senders always ring
// (their bit is the target's own index, which no pair uses).
// The sender reads the flag without a fence after its push, so a push racing with the flag
// being set may not ring: the target therefore also looks at one cold pair per dequeue, in
// turn (the backstop), so that such an event waits at most one dequeue per reactor.
//
// Fairness: a burst takes the hot queues in round-robin order, starting after the queue the
// previous burst ended on; the same-core list is read first in every other burst and last in
// the others. No sender can starve another.
//
// Threading: enqueue from any thread (a reactor passes its own index as sender, other threads
// external_sender); flush(sender) only on the sender's lcore; dequeue_burst and pending only on
// the target's lcore. settle() and everything after it on one thread, once every lcore has
// stopped (core's runtime::drop_queued calls it): it moves what senders still hold into the
// targets' rings, so that dequeue_burst drains everything.
#pragma once

#include "../../core/backend.hpp"
#include "../../core/limits.hpp"
#include "seqslot_queue.hpp"

#include <rte_ring.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace lockstep::real {

// A hot pair that delivered no event during this many dequeues goes cold (the sender then rings
// the bell for its next event). Long enough that a pair exchanging events every few hundred
// nanoseconds stays hot (an idle dequeue takes a few ns), short enough that an idle reactor
// stops polling its pairs within a few microseconds.
inline constexpr uint32_t pair_cool_iterations = 256;

class pair_transport final : public core::transport {
 public:
  // `capacity`: slots of each non-reactor ring (every event that can exist).
  pair_transport(uint32_t reactors, uint32_t capacity, uint32_t run_number);
  ~pair_transport() override;
  pair_transport(const pair_transport&) = delete;
  pair_transport& operator=(const pair_transport&) = delete;

  // False when DPDK could not provide the memory; error() says why.
  bool ok() const noexcept { return ok_; }
  const std::string& error() const noexcept { return error_; }

  // In line: core's hot path calls it on the concrete transport (core/hot_path.hpp), and the
  // same-core and pair paths are a few instructions each (left to itself, the compiler makes a
  // call of it).
  [[gnu::always_inline]] void enqueue(uint32_t sender, uint32_t target,
                                      event* ev) noexcept override {
    if (sender == target) {
      // Only the target's own lcore sends as `target`: the list is single-threaded.
      own& q = owns_[target];
      ev->next = nullptr;
      if (q.local_tail == nullptr) {
        q.local_head = ev;
      } else {
        q.local_tail->next = ev;
      }
      q.local_tail = ev;
      return;
    }
    if (sender >= reactors_) [[unlikely]] return enqueue_external(target, ev);
    outgoing& o = views_[sender].out[target];
    if (o.overflow_head != nullptr || !o.q.try_push(ev)) [[unlikely]]
      return overflow(sender, target, ev);
    if (o.asleep->load(std::memory_order_relaxed) != 0) [[unlikely]] ring(target, sender);
  }
  // Moves what `sender` holds in its overflow lists into the pairs' queues, as far as they have
  // room. On the sender's lcore.
  void flush(uint32_t sender) noexcept override {
    own& q = owns_[sender];
    if ((q.overflowing[0] | q.overflowing[1]) != 0) [[unlikely]] flush_overflow(sender);
  }
  [[gnu::always_inline]] uint32_t dequeue_burst(uint32_t target, event** out,
                                                uint32_t max) noexcept override {
    own& q = owns_[target];
    if (max > core::event_batch_max) max = core::event_batch_max;
    uint32_t n = 0;
    const bool local_first = q.local_first;
    q.local_first = !local_first;
    if (local_first) n = take_local(q, out, max);
    // Both words of the bell are on its line (the second is 0 with 64 reactors or fewer).
    const bell_line& b = *views_[target].bell;
    if ((b.w[0].load(std::memory_order_relaxed) | b.w[1].load(std::memory_order_relaxed)) != 0)
        [[unlikely]]
      answer_bell(target);
    if (n < max && (q.hot[0] | q.hot[1]) != 0) n += take_hot(target, q, out + n, max - n);
    if (!local_first && n < max) n += take_local(q, out + n, max - n);
    if (--q.epoch_left == 0) [[unlikely]] cool(target);
    sweep(target, q);
    return n;
  }
  bool pending(uint32_t target) const noexcept override;

  // Once every lcore has stopped (runtime::drop_queued, on the thread that drains the queues):
  // what senders still hold in overflow lists goes into the targets' rings, and every queue is
  // made hot, so that dequeue_burst returns everything queued.
  void settle() noexcept override;

 private:
  static constexpr uint32_t mask_words_max = (core::core_id_count + 63) / 64;
  static_assert(mask_words_max == 2, "the masks below are two words");

  // Per (sender, target), touched only by the sender.
  struct outgoing {
    seqslot_producer q;
    const std::atomic<uint8_t>* asleep = nullptr;  // the target's flag for this pair
    event* overflow_head = nullptr;
    event* overflow_tail = nullptr;
  };
  // Per reactor, touched only by its own lcore (as the target of its incoming pairs and as the
  // sender of its outgoing ones): one cache line.
  struct alignas(64) own {
    event* local_head = nullptr;
    event* local_tail = nullptr;
    uint64_t hot[mask_words_max] = {};          // pairs polled every dequeue (bit: sender)
    uint64_t delivered[mask_words_max] = {};    // hot pairs that delivered since the last cooling
    uint64_t overflowing[mask_words_max] = {};  // targets with a non-empty overflow list
    uint32_t next_hot = 0;                      // where the next burst starts (a sender index)
    uint32_t next_sweep = 0;                    // the cold pair the next dequeue looks at
    uint32_t epoch_left = pair_cool_iterations;
    bool local_first = true;
  };
  // Written by senders (fetch_or), read and cleared by the target: a line of its own.
  struct alignas(64) bell_line {
    std::atomic<uint64_t> w[mask_words_max];
  };
  // Where everything of one reactor is. Written at construction, then only read, by every lcore.
  struct view {
    bell_line* bell = nullptr;
    seqslot* slots = nullptr;                 // incoming: pair s at slots + s * seqslot_slots
    std::atomic<uint32_t>* published = nullptr;  // incoming: read position published, by sender
    std::atomic<uint8_t>* asleep = nullptr;   // incoming: 1 when the pair is cold, by sender
    uint32_t* head = nullptr;                 // incoming: read position, by sender (private)
    outgoing* out = nullptr;                  // outgoing: by target (private)
    rte_ring* ring = nullptr;                 // incoming from non-reactor senders
    void* block = nullptr;                    // the rte_zmalloc block holding the above
  };

  static uint64_t bit(uint32_t i) noexcept { return uint64_t{1} << (i % 64); }
  // The mask word of index i (i < core_id_count; the modulo tells the compiler so).
  static uint32_t word(uint32_t i) noexcept { return i / 64 % mask_words_max; }

  [[noreturn]] static void ring_full(uint32_t target) noexcept;
  void enqueue_external(uint32_t target, event* ev) noexcept;
  void overflow(uint32_t sender, uint32_t target, event* ev) noexcept;
  void flush_overflow(uint32_t sender) noexcept;
  void ring(uint32_t target, uint32_t sender) noexcept {
    views_[target].bell->w[word(sender)].fetch_or(bit(sender), std::memory_order_release);
  }
  void answer_bell(uint32_t target) noexcept;
  void cool(uint32_t target) noexcept;
  static uint32_t take_local(own& q, event** out, uint32_t max) noexcept {
    uint32_t n = 0;
    while (n < max && q.local_head != nullptr) {
      event* ev = q.local_head;
      q.local_head = ev->next;
      out[n++] = ev;
    }
    if (q.local_head == nullptr) q.local_tail = nullptr;
    return n;
  }
  // From sender s's queue (or, for s == target, the ring of non-reactor senders).
  uint32_t take_from(uint32_t target, uint32_t s, event** out, uint32_t max) noexcept {
    const view& v = views_[target];
    if (s == target) [[unlikely]] return take_ring(target, out, max);
    // An event from a queue was last written on its sender's lcore: its line is a cache miss
    // here. Asked for at once, the misses of a burst overlap instead of each event waiting for
    // its own when it runs.
    return seqslot_pop(v.slots + size_t{s} * seqslot_slots, &v.head[s], &v.published[s], out,
                       max, [](event* ev) { __builtin_prefetch(ev, 1); });
  }
  uint32_t take_ring(uint32_t target, event** out, uint32_t max) noexcept;
  // The hot queues in round-robin order from own::next_hot, until the burst is full.
  uint32_t take_hot(uint32_t target, own& q, event** out, uint32_t max) noexcept {
    const uint32_t from = q.next_hot;
    const uint64_t below_from = ~(~uint64_t{0} << (from % 64));
    uint32_t w = word(from);
    // words_ + 1 visits: the first word from `from` on, the other words, then the first word's
    // bits below `from`.
    uint64_t bits = q.hot[w] & ~below_from;
    uint32_t n = 0;
    for (uint32_t visit = 0;;) {
      while (bits != 0) {
        const uint32_t s = w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
        const uint32_t got = take_from(target, s, out + n, max - n);
        if (got != 0) q.delivered[w] |= bit(s);
        n += got;
        if (n == max) {
          q.next_hot = s + 1 == reactors_ ? 0 : s + 1;
          return n;
        }
      }
      if (++visit > words_) return n;
      w = w + 1 == words_ ? 0 : w + 1;
      bits = q.hot[w];
      if (visit == words_) bits &= below_from;
    }
  }
  // The backstop: one cold pair per dequeue, in turn.
  void sweep(uint32_t target, own& q) noexcept {
    const uint32_t s = q.next_sweep;
    q.next_sweep = s + 1 == reactors_ ? 0 : s + 1;
    if (s == target || (q.hot[word(s)] & bit(s)) != 0) return;
    const view& v = views_[target];
    if (seqslot_ready(v.slots + size_t{s} * seqslot_slots, v.head[s])) [[unlikely]] {
      q.hot[word(s)] |= bit(s);
      v.asleep[s].store(0, std::memory_order_relaxed);
    }
  }

  uint32_t reactors_;
  uint32_t words_;  // mask words in use: (reactors_ + 63) / 64
  std::unique_ptr<view[]> views_;
  std::unique_ptr<own[]> owns_;  // by reactor index
  bool ok_ = true;
  std::string error_;
};

}  // namespace lockstep::real
