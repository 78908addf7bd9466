// A single-producer/single-consumer queue of pointers whose slots say by themselves whether
// they are full: the hand-over between two reactors of the DPDK backend (one queue per ordered
// pair of reactors, pair_transport.hpp) and, alone, the benchmark's `seqslot_roundtrip_ns`.
//
// A slot holds the pointer with one tag bit: the parity of the lap the producer wrote it in
// (inverted, so that the zeroed slots of a new queue read as empty on lap 0). The consumer
// knows the position it reads next, hence the lap, and a slot whose tag is not that lap's was
// not written yet. So neither side reads a shared head or tail index on the way: a hand-over
// moves the slot's line (and the pointed-to object's) from producer to consumer, nothing else.
// The consumer never writes a slot. It publishes how far it has read once every
// seqslot_publish_every pops, in a word only the producer reads, and only when the producer's
// cached copy of it says the queue is full: the producer never overwrites a slot the consumer
// has not read (a slot is rewritten one lap later, after the consumer published past it).
//
// Contract: pointers are aligned to at least 2 (the tag is bit 0); positions are uint32_t and
// wrap (differences are taken modulo 2^32). Memory order: a push's store is a release and a
// pop's load an acquire, so whatever the producer wrote to the object before the push is
// visible to the consumer after the pop (ThreadSanitizer sees these atomics as they are).
#pragma once

#include <atomic>
#include <cstdint>

namespace lockstep::real {

// Slots per queue: a power of two. 128 pointers are 1 KiB, 16 cache lines, per ordered pair of
// reactors; a sender that has more in flight to one target keeps them in its overflow list
// (pair_transport.hpp) until the target makes room.
inline constexpr uint32_t seqslot_slots = 128;
// The consumer publishes its read position once per this many pops (one store to a line the
// producer reads only when it believes the queue full).
inline constexpr uint32_t seqslot_publish_every = 16;

static_assert((seqslot_slots & (seqslot_slots - 1)) == 0, "slots index by mask");
static_assert((seqslot_publish_every & (seqslot_publish_every - 1)) == 0);
// The producer sees at most publish_every - 1 pops unpublished: a queue of twice that many
// slots always has room once the consumer has drained it.
static_assert(seqslot_slots >= 2 * seqslot_publish_every);

using seqslot = std::atomic<uintptr_t>;
static_assert(seqslot::is_always_lock_free);

// The tag a slot written at position `pos` carries.
constexpr uintptr_t seqslot_tag(uint32_t pos) noexcept {
  return ((pos / seqslot_slots) & 1u) ^ 1u;
}

// The producer's side: its write position and its cached copy of the consumer's published read
// position. Touched by the producer's thread only.
struct seqslot_producer {
  seqslot* slots = nullptr;
  const std::atomic<uint32_t>* read_published = nullptr;
  uint32_t write_pos = 0;
  uint32_t read_cached = 0;

  // False when the queue is full (the pointer was not pushed).
  bool try_push(void* p) noexcept {
    if (write_pos - read_cached == seqslot_slots) [[unlikely]] {
      read_cached = read_published->load(std::memory_order_acquire);
      if (write_pos - read_cached == seqslot_slots) return false;
    }
    slots[write_pos & (seqslot_slots - 1)].store(
        reinterpret_cast<uintptr_t>(p) | seqslot_tag(write_pos), std::memory_order_release);
    ++write_pos;
    return true;
  }
};

// The consumer's side: the slots, its read position (consumer-private) and the word it
// publishes that position in.
// Whether the slot at `head` holds a pointer (the next pop would succeed).
inline bool seqslot_ready(const seqslot* slots, uint32_t head) noexcept {
  return (slots[head & (seqslot_slots - 1)].load(std::memory_order_acquire) & 1u) ==
         seqslot_tag(head);
}

// Pops up to `max` pointers into out[], in push order; returns how many. Advances *head and
// publishes it every seqslot_publish_every pops. `Each` is called with each pointer popped (a
// prefetch, say).
template <class T, class Each>
inline uint32_t seqslot_pop(const seqslot* slots, uint32_t* head,
                            std::atomic<uint32_t>* read_published, T** out, uint32_t max,
                            Each&& each) noexcept {
  uint32_t h = *head;
  uint32_t n = 0;
  while (n < max) {
    const uintptr_t v = slots[h & (seqslot_slots - 1)].load(std::memory_order_acquire);
    if ((v & 1u) != seqslot_tag(h)) break;
    T* p = reinterpret_cast<T*>(v & ~uintptr_t{1});
    each(p);
    out[n++] = p;
    ++h;
    if ((h & (seqslot_publish_every - 1)) == 0)
      read_published->store(h, std::memory_order_release);
  }
  *head = h;
  return n;
}

}  // namespace lockstep::real
