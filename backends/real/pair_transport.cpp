#include "pair_transport.hpp"

#include "tsan_annotations.hpp"

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include <cstdio>
#include <cstdlib>
#include <new>

namespace lockstep::real {
namespace {

constexpr size_t line = 64;
constexpr size_t round_up(size_t n) noexcept { return (n + line - 1) / line * line; }

// The layout of one reactor's block: its bell, then the arrays by peer.
struct block_layout {
  size_t bell, published, asleep, head, out, slots, total;
  template <class Bell, class Out>
  static block_layout of(uint32_t reactors) noexcept {
    block_layout l{};
    size_t at = 0;
    l.bell = at;
    at += round_up(sizeof(Bell));
    // published and asleep are written by this reactor and read by its senders (published only
    // when a sender believes the queue full, asleep on every push but written only when a pair
    // goes cold or hot): lines of their own, apart from the private arrays below.
    l.published = at;
    at += round_up(sizeof(std::atomic<uint32_t>) * reactors);
    l.asleep = at;
    at += round_up(sizeof(std::atomic<uint8_t>) * reactors);
    l.head = at;
    at += round_up(sizeof(uint32_t) * reactors);
    l.out = at;
    at += round_up(sizeof(Out) * reactors);
    l.slots = at;
    at += sizeof(seqslot) * seqslot_slots * reactors;
    l.total = at;
    return l;
  }
};

}  // namespace

pair_transport::pair_transport(uint32_t reactors, uint32_t capacity, uint32_t run_number)
    : reactors_(reactors),
      words_((reactors + 63) / 64),
      views_(new view[reactors]),
      owns_(new own[reactors]) {
  // docs/real_backend.md states the memory per pair from these sizes.
  static_assert(sizeof(own) == 128 && sizeof(bell_line) == 64 && sizeof(outgoing) == 48);
  static_assert(alignof(own) == 64, "a reactor's own lines are not shared");
  const block_layout l = block_layout::of<bell_line, outgoing>(reactors);
  for (uint32_t t = 0; t < reactors_; ++t) {
    view& v = views_[t];
    v.block = rte_zmalloc("lockstep_pairs", l.total, line);
    if (v.block == nullptr) {
      ok_ = false;
      error_ = "cannot allocate the event queues of reactor " + std::to_string(t) + " (" +
               std::to_string(l.total) + " bytes; rte_zmalloc failed); give EAL more memory (-m "
               "or --socket-mem)";
      return;
    }
    auto* base = static_cast<char*>(v.block);
    v.bell = new (base + l.bell) bell_line();
    for (auto& w : v.bell->w) w.store(0, std::memory_order_relaxed);
    v.published = new (base + l.published) std::atomic<uint32_t>[reactors]();
    v.asleep = new (base + l.asleep) std::atomic<uint8_t>[reactors]();
    v.head = new (base + l.head) uint32_t[reactors]();
    v.out = new (base + l.out) outgoing[reactors]();
    v.slots = new (base + l.slots) seqslot[size_t{seqslot_slots} * reactors]();
    // Every pair starts cold: its sender rings for its first event.
    for (uint32_t s = 0; s < reactors; ++s) {
      v.published[s].store(0, std::memory_order_relaxed);
      v.asleep[s].store(1, std::memory_order_relaxed);
    }
    for (size_t i = 0; i < size_t{seqslot_slots} * reactors; ++i)
      v.slots[i].store(0, std::memory_order_relaxed);

    char name[RTE_RING_NAMESIZE];
    std::snprintf(name, sizeof name, "lockstep_q%u_%u", run_number, t);
    // Exact size: `capacity` usable slots (not rounded down to a power of two minus one).
    v.ring = rte_ring_create(name, capacity, SOCKET_ID_ANY, RING_F_SC_DEQ | RING_F_EXACT_SZ);
    if (v.ring == nullptr) {
      ok_ = false;
      error_ = "cannot create the event ring of reactor " + std::to_string(t) + " (" +
               std::to_string(capacity) + " slots; rte_ring_create: " + rte_strerror(rte_errno) +
               "); give EAL more memory (-m or --socket-mem) or use a smaller event_pool_size";
      return;
    }
  }
  // The sender's side of each pair points into the target's block.
  for (uint32_t s = 0; s < reactors_; ++s) {
    for (uint32_t t = 0; t < reactors_; ++t) {
      outgoing& o = views_[s].out[t];
      o.q.slots = views_[t].slots + size_t{s} * seqslot_slots;
      o.q.read_published = &views_[t].published[s];
      o.asleep = &views_[t].asleep[s];
    }
  }
}

pair_transport::~pair_transport() {
  // Everything in the blocks is trivially destructible (atomics of integers, pointers).
  for (uint32_t t = 0; t < reactors_; ++t) {
    rte_ring_free(views_[t].ring);
    rte_free(views_[t].block);
  }
}

void pair_transport::ring_full(uint32_t target) noexcept {
  // The ring holds every event that exists: a full ring is a framework bug.
  std::fprintf(stderr, "lockstep: framework invariant: the ring of reactor %u is full\n", target);
  std::abort();
}

void pair_transport::enqueue_external(uint32_t target, event* ev) noexcept {
  // DPDK's ring is not instrumented: the hand-over to the target, marked for TSan (external
  // threads write the event on a thread of their own).
  tsan_release(ev);
  if (rte_ring_mp_enqueue(views_[target].ring, ev) != 0) [[unlikely]] ring_full(target);
  // Bit `target`: the target's own index, which no pair uses, stands for its ring.
  ring(target, target);
}

void pair_transport::overflow(uint32_t sender, uint32_t target, event* ev) noexcept {
  outgoing& o = views_[sender].out[target];
  ev->next = nullptr;
  if (o.overflow_tail == nullptr) {
    o.overflow_head = ev;
    owns_[sender].overflowing[word(target)] |= bit(target);
  } else {
    o.overflow_tail->next = ev;
  }
  o.overflow_tail = ev;
}

void pair_transport::flush_overflow(uint32_t sender) noexcept {
  own& q = owns_[sender];
  for (uint32_t w = 0; w < words_; ++w) {
    uint64_t bits = q.overflowing[w];
    while (bits != 0) {
      const uint32_t t = w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
      bits &= bits - 1;
      outgoing& o = views_[sender].out[t];
      bool moved = false;
      while (o.overflow_head != nullptr) {
        event* ev = o.overflow_head;
        event* next = ev->next;  // read before the push: the target may run ev at once
        if (!o.q.try_push(ev)) break;
        moved = true;
        o.overflow_head = next;
      }
      if (o.overflow_head == nullptr) {
        o.overflow_tail = nullptr;
        q.overflowing[w] &= ~bit(t);
      }
      if (moved && o.asleep->load(std::memory_order_relaxed) != 0) ring(t, sender);
    }
  }
}

void pair_transport::answer_bell(uint32_t target) noexcept {
  const view& v = views_[target];
  own& q = owns_[target];
  for (uint32_t w = 0; w < words_; ++w) {
    if (v.bell->w[w].load(std::memory_order_relaxed) == 0) continue;
    const uint64_t bits = v.bell->w[w].exchange(0, std::memory_order_acquire);
    q.hot[w] |= bits;
    for (uint64_t b = bits; b != 0; b &= b - 1) {
      const uint32_t s = w * 64 + static_cast<uint32_t>(__builtin_ctzll(b));
      if (s != target) v.asleep[s].store(0, std::memory_order_relaxed);
    }
  }
}

void pair_transport::cool(uint32_t target) noexcept {
  const view& v = views_[target];
  own& q = owns_[target];
  q.epoch_left = pair_cool_iterations;
  for (uint32_t w = 0; w < words_; ++w) {
    uint64_t idle = q.hot[w] & ~q.delivered[w];
    if (word(target) == w) idle &= ~bit(target);  // the ring goes cold when drained
    q.delivered[w] = 0;
    for (; idle != 0; idle &= idle - 1) {
      const uint32_t s = w * 64 + static_cast<uint32_t>(__builtin_ctzll(idle));
      // The flag first, then one more look at the slot: an event pushed before the flag was
      // visible is found here; one pushed after it rings (or, in the race the sender's missing
      // fence allows, is found by the sweep).
      v.asleep[s].exchange(1, std::memory_order_seq_cst);
      if (seqslot_ready(v.slots + size_t{s} * seqslot_slots, v.head[s])) {
        v.asleep[s].store(0, std::memory_order_relaxed);
        continue;
      }
      q.hot[w] &= ~bit(s);
    }
  }
}

uint32_t pair_transport::take_ring(uint32_t target, event** out, uint32_t max) noexcept {
  const view& v = views_[target];
  // DPDK's rings hold void*: the events pass through a void* table.
  void* objs[core::event_batch_max];
  const uint32_t got = rte_ring_sc_dequeue_burst(v.ring, objs, max, nullptr);
  for (uint32_t i = 0; i < got; ++i) {
    out[i] = static_cast<event*>(objs[i]);
    tsan_acquire(out[i]);
  }
  // Drained: cold until the next non-reactor sender rings (it always does, after its enqueue).
  if (got < max) owns_[target].hot[word(target)] &= ~bit(target);
  return got;
}

// Exact on the target's lcore, or once every lcore has stopped. Overflow lists are not counted:
// they are the senders' until the target has room.
bool pair_transport::pending(uint32_t target) const noexcept {
  const view& v = views_[target];
  if (owns_[target].local_head != nullptr || rte_ring_count(v.ring) != 0) return true;
  for (uint32_t s = 0; s < reactors_; ++s)
    if (s != target && seqslot_ready(v.slots + size_t{s} * seqslot_slots, v.head[s])) return true;
  return false;
}

void pair_transport::settle() noexcept {
  for (uint32_t s = 0; s < reactors_; ++s) {
    for (uint32_t t = 0; t < reactors_; ++t) {
      outgoing& o = views_[s].out[t];
      for (event* ev = o.overflow_head; ev != nullptr;) {
        event* next = ev->next;
        if (rte_ring_mp_enqueue(views_[t].ring, ev) != 0) ring_full(t);
        ev = next;
      }
      o.overflow_head = o.overflow_tail = nullptr;
    }
    own& q = owns_[s];
    q.overflowing[0] = q.overflowing[1] = 0;
  }
  for (uint32_t t = 0; t < reactors_; ++t) {
    own& q = owns_[t];
    for (uint32_t i = 0; i < reactors_; ++i) q.hot[word(i)] |= bit(i);
  }
}

}  // namespace lockstep::real
