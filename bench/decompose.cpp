#include "decompose.hpp"

#include "stopwatch.hpp"

#include "../backends/real/seqslot_queue.hpp"

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace lockstep::bench {
namespace {

using real::seqslot;
using real::seqslot_slots;

constexpr uint32_t burst_max = 8;      // core::event_batch_max, SPDK_EVENT_BATCH_SIZE
constexpr unsigned pool_size = 16383;  // the benchmark has a few events in flight
constexpr unsigned cache_size = 256;   // the real backend's per-lcore cache (real_limits.hpp)

// The states lockstep's core gives an event (event_state's values).
enum : uint16_t { st_free = 0, st_allocated = 1, st_queued = 2, st_running = 3 };

// One cache line, as lockstep's event.
struct alignas(64) dobj {
  void (*fn)(void* arg1, void* arg2);
  void* arg1;
  void* arg2;
  uint16_t state;
};

// One direction: the slots and the consumer's published read position, on lines of their own.
template <class Slot>
struct alignas(64) slot_lane {
  Slot slots[seqslot_slots];
  alignas(64) std::atomic<uint32_t> read_published{0};
};
using lane = slot_lane<seqslot>;

// Variants s and h: the body travels in the slot, 32 bytes, two slots a line. `word` is stored
// last, with release: for s the position written plus one (0: never written); for h the
// event's pointer with seqslot's lap tag (the receiver calls the body, never touching the
// event, and sends the pointer home through a pointer queue the other way, on which the sender
// puts it back into its own pool).
struct body_slot {
  std::atomic<uint64_t> word;
  void (*fn)(void* arg1, void* arg2);
  void* arg1;
  void* arg2;
};
static_assert(sizeof(body_slot) == 32);
using body_lane = slot_lane<body_slot>;

struct body_producer {
  body_lane* lane = nullptr;
  uint32_t write_pos = 0;
  uint32_t read_cached = 0;

  // ev == nullptr: variant s's word; otherwise h's.
  void push(void (*fn)(void*, void*), void* arg1, void* arg2, const void* ev = nullptr) {
    while (write_pos - read_cached == seqslot_slots)
      read_cached = lane->read_published.load(std::memory_order_acquire);
    body_slot& b = lane->slots[write_pos & (seqslot_slots - 1)];
    b.fn = fn;
    b.arg1 = arg1;
    b.arg2 = arg2;
    b.word.store(ev == nullptr ? uint64_t{write_pos} + 1
                               : reinterpret_cast<uintptr_t>(ev) | real::seqslot_tag(write_pos),
                 std::memory_order_release);
    ++write_pos;
  }
};

// Everything one side touches, written by that side only.
struct alignas(64) side {
  lane* in = nullptr;
  real::seqslot_producer out;
  body_lane* body_in = nullptr;  // variant s
  body_producer body_out;
  body_lane* home_in = nullptr;  // variant h: events to run
  body_producer home_out;
  lane* ret_in = nullptr;        // variant h: this side's events coming home
  real::seqslot_producer ret_out;
  uint32_t ret_head = 0;
  uint32_t head = 0;
  uint64_t executed = 0;
  uint64_t target = 0;  // the main side's stops the run
  side* peer = nullptr;
  std::atomic<bool>* stop = nullptr;
  rte_mempool* mp = nullptr;
  rte_mempool_cache* cache = nullptr;
};

// A prefetch for writing that is one. GCC compiles __builtin_prefetch(p, 1) to PREFETCHW only
// for a target that has it (-mprfchw, or a -march that includes it); for the -march=corei7 that
// DPDK's pkg-config flags give it emits PREFETCHT0, a read prefetch: the line then comes shared
// and the receiver's first write to the event upgrades it (a second coherence transaction with
// the sender's core). PREFETCHW is a hint on every x86-64 processor (a no-op where absent).
inline void prefetch_for_write(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 1);
#endif
}

[[noreturn]] void dry() {
  std::fprintf(stderr, "lockstep_bench: the decomposition's event pool ran dry\n");
  std::abort();
}

template <decomp_variant V>
void handler(void* arg1, void* arg2);

// Sends one event to s's peer: `reuse` itself (variant a), or one from the pool.
template <decomp_variant V>
inline void send(side* s, dobj* reuse) {
  constexpr bool states =
      V == decomp_variant::c2 || V == decomp_variant::c2r || V == decomp_variant::h;
  dobj* ev = reuse;
  if constexpr (V != decomp_variant::a) {
    void* obj = nullptr;
    if (rte_mempool_generic_get(s->mp, &obj, 1, s->cache) != 0) [[unlikely]] dry();
    ev = static_cast<dobj*>(obj);
  }
  if constexpr (states) {
    if (ev->state != st_free) [[unlikely]] std::abort();
    ev->state = st_allocated;
  }
  if constexpr (V != decomp_variant::a && V != decomp_variant::b) {
    ev->fn = handler<V>;
    ev->arg1 = s->peer;  // the context of the side that runs it
    ev->arg2 = nullptr;
  }
  if constexpr (states) {
    if (ev->state != st_allocated) [[unlikely]] std::abort();
    ev->state = st_queued;
  }
  if constexpr (V == decomp_variant::s) {
    // The call copies the body into the slot; the event goes back to the sender's pool at once.
    s->body_out.push(ev->fn, ev->arg1, ev->arg2);
    void* obj = ev;
    rte_mempool_generic_put(s->mp, &obj, 1, s->cache);
  } else if constexpr (V == decomp_variant::h) {
    s->home_out.push(ev->fn, ev->arg1, ev->arg2, ev);  // (the states: the sender's own line)
  } else {
    while (!s->out.try_push(ev)) {
    }
  }
}

inline void count(side* s) {
  if (++s->executed == s->target) s->stop->store(true, std::memory_order_relaxed);
}

template <decomp_variant V>
void handler(void* arg1, void*) {
  auto* s = static_cast<side*>(arg1);
  count(s);
  send<V>(s, nullptr);
}

// Variants s and h: a burst copies the ready slots' bodies out, publishes, and calls each.
// h (home) first puts the events that came home back into this side's pool (their lines never
// left it), and sends the pointers of the events it ran home after the calls.
template <bool home>
inline uint32_t iterate_bodies(side* s) {
  uint32_t back = 0;
  if constexpr (home) {
    dobj* returned[4 * burst_max];
    back = real::seqslot_pop(s->ret_in->slots, &s->ret_head, &s->ret_in->read_published,
                             returned, 4 * burst_max, [](dobj*) {});
    if (back > 0) {
      void* objs[4 * burst_max];
      for (uint32_t i = 0; i < back; ++i) {
        returned[i]->state = st_free;
        objs[i] = returned[i];
      }
      rte_mempool_generic_put(s->mp, objs, back, s->cache);
    }
  }
  struct {
    void (*fn)(void*, void*);
    void* arg1;
    void* arg2;
  } got[burst_max];
  [[maybe_unused]] dobj* evs[burst_max];
  body_lane* in = home ? s->home_in : s->body_in;
  uint32_t h = s->head;
  uint32_t n = 0;
  while (n < burst_max) {
    const body_slot& b = in->slots[h & (seqslot_slots - 1)];
    const uint64_t w = b.word.load(std::memory_order_acquire);
    if constexpr (home) {
      if ((w & 1u) != real::seqslot_tag(h)) break;
      evs[n] = reinterpret_cast<dobj*>(w & ~uint64_t{1});
    } else if (w != uint64_t{h} + 1) {
      break;
    }
    got[n++] = {b.fn, b.arg1, b.arg2};
    ++h;
    if ((h & (real::seqslot_publish_every - 1)) == 0)
      in->read_published.store(h, std::memory_order_release);
  }
  s->head = h;
  for (uint32_t i = 0; i < n; ++i) got[i].fn(got[i].arg1, got[i].arg2);
  if constexpr (home)
    for (uint32_t i = 0; i < n; ++i)
      while (!s->ret_out.try_push(evs[i])) {
      }
  return n + back;
}

// One burst: pop, handle each, return the burst to the pool. Returns how many.
template <decomp_variant V>
inline uint32_t iterate(side* s) {
  if constexpr (V == decomp_variant::s) return iterate_bodies<false>(s);
  if constexpr (V == decomp_variant::h) return iterate_bodies<true>(s);
  constexpr bool states = V == decomp_variant::c2 || V == decomp_variant::c2r;
  constexpr bool touches = V == decomp_variant::c || states;
  dobj* batch[burst_max];
  const uint32_t n = real::seqslot_pop(s->in->slots, &s->head, &s->in->read_published, batch,
                                       burst_max, [](dobj* p) {
                                         if constexpr (V == decomp_variant::c2r) {
                                           __builtin_prefetch(p, 1);
                                         } else if constexpr (touches) {
                                           prefetch_for_write(p);
                                         }
                                       });
  for (uint32_t i = 0; i < n; ++i) {
    dobj* ev = batch[i];
    if constexpr (touches) {
      if constexpr (states) {
        if (ev->state != st_queued) [[unlikely]] std::abort();
        ev->state = st_running;
      }
      ev->fn(ev->arg1, ev->arg2);
      if constexpr (states) ev->state = st_free;
    } else {
      count(s);
      send<V>(s, ev);
    }
  }
  if constexpr (V != decomp_variant::a) {
    if (n > 0) {
      void* objs[burst_max];
      for (uint32_t i = 0; i < n; ++i) objs[i] = batch[i];
      rte_mempool_generic_put(s->mp, objs, n, s->cache);
    }
  }
  return n;
}

template <decomp_variant V>
void loop(side* s) {
  while (!s->stop->load(std::memory_order_relaxed)) iterate<V>(s);
}

template <decomp_variant V>
int worker_main(void* p) {
  loop<V>(static_cast<side*>(p));
  return 0;
}

// The two sides, their lanes and (from b on) the pool and its two caches.
struct pair_env {
  std::unique_ptr<lane[]> lanes{new lane[2]()};  // [0]: to side 0 (main), [1]: to side 1
  std::unique_ptr<body_lane[]> body_lanes{new body_lane[2]()};  // variant s's
  std::unique_ptr<body_lane[]> home_lanes{new body_lane[2]()};  // variant h's, and its returns:
  std::unique_ptr<lane[]> ret_lanes{new lane[2]()};             // [i]: side i's events home
  std::unique_ptr<dobj[]> preallocated;          // variant a's objects
  std::atomic<bool> stop{false};
  side sides[2];
  rte_mempool* mp = nullptr;

  ~pair_env() {
    for (side& s : sides)
      if (s.cache != nullptr) rte_mempool_cache_free(s.cache);
    if (mp != nullptr) rte_mempool_free(mp);
  }

  bool create(decomp_variant v, uint32_t to_side1, uint32_t to_side0) {
    static uint32_t run_number = 0;  // mempool names are process-global
    for (int i = 0; i < 2; ++i) {
      side& s = sides[i];
      s.in = &lanes[i];
      s.out.slots = lanes[1 - i].slots;
      s.out.read_published = &lanes[1 - i].read_published;
      s.body_in = &body_lanes[i];
      s.body_out.lane = &body_lanes[1 - i];
      s.home_in = &home_lanes[i];
      s.home_out.lane = &home_lanes[1 - i];
      s.ret_in = &ret_lanes[i];
      s.ret_out.slots = ret_lanes[1 - i].slots;
      s.ret_out.read_published = &ret_lanes[1 - i].read_published;
      s.peer = &sides[1 - i];
      s.stop = &stop;
    }
    if (v == decomp_variant::a) {
      preallocated.reset(new dobj[to_side1 + to_side0]());
    } else {
      const std::string name = "bench_decomp_" + std::to_string(run_number++);
      mp = rte_mempool_create(name.c_str(), pool_size, sizeof(dobj), 0, 0, nullptr, nullptr,
                              nullptr, nullptr, SOCKET_ID_ANY, 0);
      if (mp == nullptr) return false;
      for (side& s : sides) {
        s.mp = mp;
        s.cache = rte_mempool_cache_create(cache_size, SOCKET_ID_ANY);
        if (s.cache == nullptr) return false;
      }
      // Every object starts free (variant c2 checks it).
      rte_mempool_obj_iter(
          mp, [](rte_mempool*, void*, void* obj, unsigned) { static_cast<dobj*>(obj)->state = 0; },
          nullptr);
    }
    return true;
  }

  // The events each side starts with, sent to the other side (on the calling thread, before
  // the worker starts: each side's producer and cache are then the worker's alone).
  template <decomp_variant V>
  void post(uint32_t to_side1, uint32_t to_side0) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < to_side1; ++i) send<V>(&sides[0], preallocated ? &preallocated[k++] : nullptr);
    for (uint32_t i = 0; i < to_side0; ++i) send<V>(&sides[1], preallocated ? &preallocated[k++] : nullptr);
  }
};

// Main lcore's elapsed nanoseconds until it ran `main_events` (it finishes its burst: *executed
// says how many it ran), or negative.
template <decomp_variant V>
double pair_ns(uint64_t main_events, uint32_t to_worker, uint32_t to_main, uint64_t* executed) {
  const uint32_t worker = rte_get_next_lcore(rte_lcore_id(), 1, 1);
  if (worker >= RTE_MAX_LCORE) return -1;
  pair_env env;
  if (!env.create(V, to_worker, to_main)) return -1;
  env.sides[0].target = main_events;
  env.post<V>(to_worker, to_main);
  if (rte_eal_remote_launch(worker_main<V>, &env.sides[1], worker) != 0) return -1;
  stopwatch sw;
  loop<V>(&env.sides[0]);
  const double ns = sw.elapsed_ns();
  rte_eal_wait_lcore(worker);
  *executed = env.sides[0].executed;
  if (*executed < main_events) return -1;
  return ns;
}

template <decomp_variant V>
uint64_t single_thread(uint64_t events, uint32_t in_flight) {
  pair_env env;
  if (!env.create(V, in_flight, in_flight)) return 0;
  env.post<V>(in_flight, in_flight);
  while (env.sides[0].executed < events) {
    if (iterate<V>(&env.sides[0]) + iterate<V>(&env.sides[1]) == 0) break;
  }
  return env.sides[0].executed;
}

template <class F>
auto dispatch(decomp_variant v, F&& f) {
  switch (v) {
    case decomp_variant::a:
      return f.template operator()<decomp_variant::a>();
    case decomp_variant::b:
      return f.template operator()<decomp_variant::b>();
    case decomp_variant::c:
      return f.template operator()<decomp_variant::c>();
    case decomp_variant::c2:
      return f.template operator()<decomp_variant::c2>();
    case decomp_variant::c2r:
      return f.template operator()<decomp_variant::c2r>();
    case decomp_variant::h:
      return f.template operator()<decomp_variant::h>();
    case decomp_variant::s:
      break;
  }
  return f.template operator()<decomp_variant::s>();
}

}  // namespace

double decomp_cross_events_per_s_per_core(decomp_variant v, uint64_t events_per_core,
                                          uint32_t in_flight) {
  uint64_t executed = 0;
  const double ns = dispatch(v, [&]<decomp_variant V>() {
    return pair_ns<V>(events_per_core, in_flight, in_flight, &executed);
  });
  if (ns <= 0) return -1;
  return static_cast<double>(executed) / (ns * 1e-9);
}

double decomp_roundtrip_ns(decomp_variant v, uint64_t round_trips) {
  uint64_t executed = 0;
  const double ns =
      dispatch(v, [&]<decomp_variant V>() { return pair_ns<V>(round_trips, 1, 0, &executed); });
  if (ns <= 0) return -1;
  return ns / static_cast<double>(executed);
}

uint64_t decomp_cross_single_thread(decomp_variant v, uint64_t events_per_side,
                                    uint32_t in_flight) {
  return dispatch(v, [&]<decomp_variant V>() { return single_thread<V>(events_per_side, in_flight); });
}

}  // namespace lockstep::bench
