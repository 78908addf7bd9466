#include "spdk_shaped.hpp"

#include "stopwatch.hpp"

#include "../backends/real/seqslot_queue.hpp"

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lockstep::bench {
namespace {

// SPDK's struct spdk_event and its sizes: SPDK_EVENT_BATCH_SIZE 8, a 65536-slot MP/SC ring per
// reactor, a mempool with a 512-object per-lcore cache. The pool is smaller than SPDK's 262143
// (the benchmark never has more than a few events in flight) to fit the no-hugepage memory.
struct raw_event {
  void (*fn)(void* arg1, void* arg2);
  void* arg1;
  void* arg2;
  uint32_t lcore;
};
constexpr uint32_t raw_batch = 8;
constexpr unsigned raw_ring_size = 65536;
constexpr unsigned raw_pool_size = 16383;
constexpr unsigned raw_pool_cache = 512;

struct raw_env {
  rte_mempool* pool = nullptr;
  rte_ring* rings[RTE_MAX_LCORE] = {};
  std::atomic<bool> stop{false};
  std::atomic<bool> go{false};

  bool create(const char* tag) {
    const std::string pool_name = std::string("bench_pool_") + tag;
    pool = rte_mempool_create(pool_name.c_str(), raw_pool_size, sizeof(raw_event), raw_pool_cache,
                              0, nullptr, nullptr, nullptr, nullptr, SOCKET_ID_ANY, 0);
    if (pool == nullptr) return false;
    unsigned lcore = 0;
    RTE_LCORE_FOREACH(lcore) {
      const std::string ring_name = std::string("bench_ring_") + tag + "_" + std::to_string(lcore);
      rings[lcore] = rte_ring_create(ring_name.c_str(), raw_ring_size, SOCKET_ID_ANY, RING_F_SC_DEQ);
      if (rings[lcore] == nullptr) return false;
    }
    return true;
  }
  ~raw_env() {
    for (rte_ring* r : rings)
      if (r != nullptr) rte_ring_free(r);
    if (pool != nullptr) rte_mempool_free(pool);
  }
};

raw_env* g_env = nullptr;  // the baseline running now (one at a time)

// spdk_event_allocate + spdk_event_call.
inline void raw_post(uint32_t lcore, void (*fn)(void*, void*), void* arg1) {
  void* obj = nullptr;
  if (rte_mempool_get(g_env->pool, &obj) != 0) [[unlikely]] {
    std::fprintf(stderr, "lockstep_bench: the raw event pool ran dry\n");
    std::abort();
  }
  auto* ev = static_cast<raw_event*>(obj);
  ev->fn = fn;
  ev->arg1 = arg1;
  ev->arg2 = nullptr;
  ev->lcore = lcore;
  while (rte_ring_enqueue(g_env->rings[lcore], ev) != 0) rte_pause();
}

// SPDK's event_queue_run_batch in a loop, until told to stop. Returns the events it ran.
uint64_t raw_reactor(uint32_t lcore) {
  rte_ring* ring = g_env->rings[lcore];
  rte_mempool* pool = g_env->pool;
  void* evs[raw_batch];
  uint64_t ran = 0;
  while (!g_env->stop.load(std::memory_order_relaxed)) {
    const unsigned n = rte_ring_dequeue_burst(ring, evs, raw_batch, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      auto* ev = static_cast<raw_event*>(evs[i]);
      ev->fn(ev->arg1, ev->arg2);
    }
    if (n > 0) rte_mempool_put_bulk(pool, evs, n);
    ran += n;
  }
  return ran;
}

// Events still queued when the loops stopped go back to the pool before it is freed.
void drain(raw_env& env) {
  void* evs[raw_batch];
  for (rte_ring* r : env.rings) {
    if (r == nullptr) continue;
    unsigned n;
    while ((n = rte_ring_dequeue_burst(r, evs, raw_batch, nullptr)) > 0)
      rte_mempool_put_bulk(env.pool, evs, n);
  }
}

// One cache line per core, written by that core only (two contexts in one line would add a
// cache-line transfer per event to the baseline's figures).
struct alignas(64) core_ctx {
  uint64_t executed = 0;
  uint64_t target = 0;  // only the measuring core stops the run
  uint32_t next_lcore = 0;
  core_ctx* next = nullptr;
};

void self_event(void* arg1, void*) {
  auto* c = static_cast<core_ctx*>(arg1);
  if (++c->executed == c->target) g_env->stop.store(true, std::memory_order_relaxed);
  raw_post(c->next_lcore, self_event, c);
}

void next_event(void* arg1, void*) {
  auto* c = static_cast<core_ctx*>(arg1);  // the context of the core running this event
  if (++c->executed == c->target) g_env->stop.store(true, std::memory_order_relaxed);
  raw_post(c->next_lcore, next_event, c->next);
}

struct worker_args {
  core_ctx* ctx;
  uint32_t lcore;
  uint32_t to_main;  // events the worker posts to the main lcore before its loop starts
};

int cross_worker(void* p) {
  auto* a = static_cast<worker_args*>(p);
  while (!g_env->go.load(std::memory_order_acquire)) rte_pause();
  for (uint32_t k = 0; k < a->to_main; ++k) raw_post(a->ctx->next_lcore, next_event, a->ctx->next);
  raw_reactor(a->lcore);
  return 0;
}

}  // namespace

double spdk_shaped_local_ns_per_event(uint64_t events, uint32_t in_flight) {
  raw_env env;
  if (!env.create("local")) return -1;
  g_env = &env;
  const uint32_t self = rte_lcore_id();
  core_ctx c;
  c.target = events;
  c.next_lcore = self;
  stopwatch sw;
  for (uint32_t k = 0; k < in_flight; ++k) raw_post(self, self_event, &c);
  raw_reactor(self);
  const double ns = sw.elapsed_ns();
  drain(env);
  g_env = nullptr;
  return ns / static_cast<double>(c.executed);
}

namespace {

// The two-core shape shared by the cross and round-trip baselines: the main lcore and the first
// worker lcore, each event sending the next one to the other lcore. The main lcore posts
// `to_worker` events and the worker `to_main` before their loops start; the run ends when the
// main lcore has run `main_events`. Returns the main lcore's elapsed nanoseconds, or negative
// when it could not run.
double raw_pair_ns(uint64_t main_events, uint32_t to_worker, uint32_t to_main,
                   uint64_t* main_executed) {
  raw_env env;
  if (!env.create("pair")) return -1;
  g_env = &env;
  const uint32_t main_lcore = rte_lcore_id();
  const uint32_t worker = rte_get_next_lcore(main_lcore, 1, 1);
  if (worker >= RTE_MAX_LCORE) {
    g_env = nullptr;
    return -1;
  }
  core_ctx ctx[2];
  ctx[0].target = main_events;
  ctx[0].next_lcore = worker;
  ctx[0].next = &ctx[1];
  ctx[1].next_lcore = main_lcore;
  ctx[1].next = &ctx[0];
  worker_args wa{&ctx[1], worker, to_main};
  if (rte_eal_remote_launch(cross_worker, &wa, worker) != 0) {
    g_env = nullptr;
    return -1;
  }
  stopwatch sw;
  env.go.store(true, std::memory_order_release);
  for (uint32_t k = 0; k < to_worker; ++k) raw_post(worker, next_event, &ctx[1]);
  raw_reactor(main_lcore);
  const double ns = sw.elapsed_ns();
  rte_eal_wait_lcore(worker);
  drain(env);
  g_env = nullptr;
  *main_executed = ctx[0].executed;
  return ns;
}

}  // namespace

double spdk_shaped_cross_events_per_s_per_core(uint64_t events_per_core, uint32_t in_flight) {
  uint64_t executed = 0;
  const double ns = raw_pair_ns(events_per_core, in_flight, in_flight, &executed);
  if (ns < 0) return -1;
  // Per core: what the measuring core ran per second (the shape is symmetric).
  return static_cast<double>(executed) / (ns * 1e-9);
}

double spdk_shaped_roundtrip_ns(uint64_t round_trips) {
  // One event: main -> worker -> main is one round trip, counted on the main lcore.
  uint64_t executed = 0;
  const double ns = raw_pair_ns(round_trips, 1, 0, &executed);
  if (ns < 0 || executed == 0) return -1;
  return ns / static_cast<double>(executed);
}

namespace {

// One direction of the seqslot bounce: the queue's slots and published read position (the
// consumer's), on lines of their own; the producer's and consumer's private positions stay with
// the thread that owns them.
struct alignas(64) seqslot_lane {
  lockstep::real::seqslot slots[lockstep::real::seqslot_slots];
  alignas(64) std::atomic<uint32_t> read_published{0};
};

struct seqslot_event {
  void (*fn)(void* arg1);
  void* arg1;
};

struct alignas(64) seqslot_side {
  seqslot_lane* in = nullptr;        // this side consumes it
  lockstep::real::seqslot_producer out;
  uint32_t head = 0;
  uint64_t executed = 0;
  uint64_t target = 0;  // the main side stops the run
  std::atomic<bool>* stop = nullptr;
};

void seqslot_hop(void* arg1) {
  auto* side = static_cast<seqslot_side*>(arg1);
  if (++side->executed == side->target) side->stop->store(true, std::memory_order_relaxed);
}

// The raw loop: pop one, call it, push it to the other side.
void seqslot_loop(seqslot_side* side) {
  seqslot_event* batch[8];
  while (!side->stop->load(std::memory_order_relaxed)) {
    const uint32_t n = lockstep::real::seqslot_pop(side->in->slots, &side->head,
                                                   &side->in->read_published, batch, 8,
                                                   [](seqslot_event*) {});
    for (uint32_t i = 0; i < n; ++i) {
      batch[i]->fn(side);
      while (!side->out.try_push(batch[i])) {
      }
    }
  }
}

int seqslot_worker(void* p) {
  seqslot_loop(static_cast<seqslot_side*>(p));
  return 0;
}

}  // namespace

double seqslot_roundtrip_ns(uint64_t round_trips) {
  const uint32_t worker = rte_get_next_lcore(rte_lcore_id(), 1, 1);
  if (worker >= RTE_MAX_LCORE) return -1;
  auto* lanes = new seqslot_lane[2]();  // [0]: to the main lcore, [1]: to the worker
  std::atomic<bool> stop{false};
  seqslot_side main_side, worker_side;
  main_side.in = &lanes[0];
  main_side.out.slots = lanes[1].slots;
  main_side.out.read_published = &lanes[1].read_published;
  main_side.target = round_trips;
  main_side.stop = &stop;
  worker_side.in = &lanes[1];
  worker_side.out.slots = lanes[0].slots;
  worker_side.out.read_published = &lanes[0].read_published;
  worker_side.stop = &stop;
  seqslot_event ev{seqslot_hop, nullptr};
  if (rte_eal_remote_launch(seqslot_worker, &worker_side, worker) != 0) {
    delete[] lanes;
    return -1;
  }
  stopwatch sw;
  (void)main_side.out.try_push(&ev);  // the event starts on the worker
  seqslot_loop(&main_side);
  const double ns = sw.elapsed_ns();
  rte_eal_wait_lcore(worker);
  delete[] lanes;
  return ns / static_cast<double>(main_side.executed);
}

namespace {

// One cache line, written in turn by the two threads: odd values by the main lcore, even ones
// by the worker.
struct alignas(64) ball {
  std::atomic<uint64_t> value{0};
};

struct pong_args {
  ball* b;
  uint64_t round_trips;
};

int pong(void* p) {
  auto* a = static_cast<pong_args*>(p);
  for (uint64_t i = 0; i < a->round_trips; ++i) {
    const uint64_t serve = 2 * i + 1;
    while (a->b->value.load(std::memory_order_acquire) != serve) {
    }
    a->b->value.store(serve + 1, std::memory_order_release);
  }
  return 0;
}

}  // namespace

double pingpong_roundtrip_ns(uint64_t round_trips) {
  const uint32_t worker = rte_get_next_lcore(rte_lcore_id(), 1, 1);
  if (worker >= RTE_MAX_LCORE) return -1;
  ball b;
  pong_args a{&b, round_trips};
  if (rte_eal_remote_launch(pong, &a, worker) != 0) return -1;
  stopwatch sw;
  for (uint64_t i = 0; i < round_trips; ++i) {
    const uint64_t serve = 2 * i + 1;
    b.value.store(serve, std::memory_order_release);
    while (b.value.load(std::memory_order_acquire) != serve + 1) {
    }
  }
  const double ns = sw.elapsed_ns();
  rte_eal_wait_lcore(worker);
  return ns / static_cast<double>(round_trips);
}

}  // namespace lockstep::bench
