// External threads on the real backend (lockstep::external_thread_start): an OS thread that is
// not an lcore sends events to both lcores (each runs once, in call order per lcore), stops the
// application, and run() returns only after it has returned. After app_stop its allocations
// fail, so that a loop of sends finds its end.
#include "real_test_support.hpp"

#include <lockstep/external_thread.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <thread>
#include <vector>

namespace {

constexpr uint32_t per_core = 5000;

// Written by each lcore for its own index only; read after the run.
struct alignas(64) lane {
  std::vector<uint32_t> ran;
  uint32_t wrong_core = 0;
};

struct external_stream {
  real_test::two_cores cores;
  lane lanes[2];
  std::atomic<uint32_t> executed{0};
  std::atomic<bool> returned{false};
  uint32_t nulls = 0;  // the thread's own
  std::vector<uint64_t> args;  // (index << 1) | target, one per event
};

void on_core(void* a, void* b) {
  auto* s = static_cast<external_stream*>(a);
  const uint64_t arg = *static_cast<const uint64_t*>(b);
  const uint32_t target = static_cast<uint32_t>(arg & 1);
  lane& l = s->lanes[target];
  if (lockstep::current_core() != s->cores.id[target]) ++l.wrong_core;
  l.ran.push_back(static_cast<uint32_t>(arg >> 1));
  s->executed.fetch_add(1, std::memory_order_release);
}

void body(external_stream* s) {
  for (uint32_t i = 0; i < per_core; ++i) {
    for (uint32_t t = 0; t < 2; ++t) {
      const uint64_t* arg = &s->args[2 * i + t];
      lockstep::event* ev = nullptr;
      // The pool may run dry while the lcores catch up: try again.
      while ((ev = lockstep::event_allocate(s->cores.id[t], on_core, s,
                                            const_cast<uint64_t*>(arg))) == nullptr) {
        ++s->nulls;
        lockstep::external_thread_yield();
      }
      lockstep::event_call(ev);
    }
  }
  while (s->executed.load(std::memory_order_acquire) != 2 * per_core)
    lockstep::external_thread_yield();
  lockstep::app_stop(7);
  // run() waits for this thread: what it does after app_stop happens before run returns.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  s->returned.store(true, std::memory_order_release);
}

TEST(RealExternalThread, SendsToBothLcoresInOrderStopsAndIsJoined) {
  external_stream s;
  for (uint32_t i = 0; i < per_core; ++i)
    for (uint32_t t = 0; t < 2; ++t) s.args.push_back((uint64_t{i} << 1) | t);
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(1023),
      [&s] {
        s.cores = real_test::two_cores::of_run();
        lockstep::external_thread_start([&s] { body(&s); });
      },
      &stats);
  EXPECT_EQ(rc, 7);
  EXPECT_TRUE(s.returned.load());
  for (uint32_t t = 0; t < 2; ++t) {
    EXPECT_EQ(s.lanes[t].wrong_core, 0u);
    ASSERT_EQ(s.lanes[t].ran.size(), per_core);
    uint32_t out_of_order = 0;
    for (uint32_t i = 0; i < per_core; ++i) out_of_order += s.lanes[t].ran[i] != i;
    EXPECT_EQ(out_of_order, 0u) << "lcore index " << t;
  }
  EXPECT_EQ(stats.events_executed, 2 * per_core + 1);  // and the start event
  EXPECT_EQ(stats.alloc_failures, s.nulls);
  EXPECT_EQ(stats.dropped_events, 0u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

void nothing(void*, void*) {}

// A core stops the application while the thread sends: the thread's next allocation fails
// (nullptr after app_stop), its loop ends, and every event it sent ran or was dropped.
TEST(RealExternalThread, AfterAStopTheThreadsAllocationsFailAndItsSendsAreDropped) {
  std::atomic<uint64_t> sent{0};
  std::atomic<bool> returned{false};
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(1023),
      [&] {
        // Allocated first: the thread may empty the pool at once.
        lockstep::event* stopper = lockstep::event_allocate(
            lockstep::next_core(lockstep::first_core()),
            [](void* sent_so_far, void*) {
              // Not before the thread has sent: on a loaded machine it may start late, and a
              // stop before its first allocation would leave nothing to drop.
              auto& count = *static_cast<std::atomic<uint64_t>*>(sent_so_far);
              while (count.load(std::memory_order_relaxed) == 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
              std::this_thread::sleep_for(std::chrono::milliseconds(5));
              lockstep::app_stop(3);
            },
            &sent, nullptr);
        lockstep::external_thread_start([&] {
          const uint32_t target = lockstep::first_core();
          // An exhausted pool refills as the lcore runs the events; after the stop every
          // allocation fails.
          for (uint32_t nulls_in_a_row = 0; nulls_in_a_row < 1000;) {
            lockstep::event* ev = lockstep::event_allocate(target, nothing, nullptr, nullptr);
            if (ev == nullptr) {
              ++nulls_in_a_row;
              lockstep::external_thread_yield();
              continue;
            }
            nulls_in_a_row = 0;
            lockstep::event_call(ev);
            sent.fetch_add(1, std::memory_order_relaxed);
          }
          returned.store(true, std::memory_order_release);
        });
        lockstep::event_call(stopper);
      },
      &stats);
  EXPECT_EQ(rc, 3);
  EXPECT_TRUE(returned.load());
  EXPECT_GT(sent.load(), 0u);
  EXPECT_EQ(stats.events_executed + stats.dropped_events, sent.load() + 2);
  EXPECT_GE(stats.alloc_failures, 1000u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

TEST(RealExternalThread, TheCApiStartsAThread) {
  std::atomic<int> ran{0};
  int rc_null = 0, rc_ok = -1;
  const int rc = lockstep::real::run(real_test::options(255), [&] {
    rc_null = lockstep_external_thread_start(nullptr, nullptr);
    rc_ok = lockstep_external_thread_start(
        [](void* a) {
          static_cast<std::atomic<int>*>(a)->fetch_add(1);
          lockstep_external_thread_yield();
          lockstep::app_stop(11);
        },
        &ran);
  });
  EXPECT_EQ(rc, 11);
  EXPECT_EQ(rc_null, -EINVAL);
  EXPECT_EQ(rc_ok, 0);
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
