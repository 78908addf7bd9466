// Floods on two lcores: pool exhaustion gives nullptr (never a crash), and app_stop during a
// flood stops every reactor with every event accounted for: executed + dropped = sent.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace {

using real_test::core_counters;
using real_test::two_cores;

struct flood {
  two_cores cores;
  core_counters counters[2];
  lockstep::poller* pollers[2] = {};
  uint64_t stop_after_executed = 0;  // core 1 stops the app once it ran this many
  bool stopped = false;              // written by core 1 only

  static void count(void* self, void*) {
    auto* f = static_cast<flood*>(self);
    const uint32_t here = f->cores.index_of(lockstep::current_core());
    if (here < 2) ++f->counters[here].executed;
  }

  static int flood_poller(void* self) {
    auto* fl = static_cast<flood*>(self);
    const uint32_t me = fl->cores.index_of(lockstep::current_core());
    core_counters& c = fl->counters[me];
    if (me == 1 && !fl->stopped && c.executed >= fl->stop_after_executed) {
      fl->stopped = true;
      lockstep::app_stop(5);
      return 1;
    }
    int work = 0;
    for (uint32_t i = 0; i < 64; ++i) {
      lockstep::event* ev =
          lockstep::event_allocate(fl->cores.id[(me + i) % 2], flood::count, fl, nullptr);
      if (ev == nullptr) {
        ++c.nulls;
        break;
      }
      lockstep::event_call(ev);
      ++c.sent;
      ++work;
    }
    return work;
  }

  static void start_flood(void* self, void*) {
    auto* fl = static_cast<flood*>(self);
    const uint32_t me = fl->cores.index_of(lockstep::current_core());
    fl->pollers[me] = lockstep::poller_register(flood_poller, fl, 0);
  }
};

// Claim: a flood that never lets events run exhausts the pool: event_allocate returns nullptr
// (counted), nothing crashes, and the events still queued at app_stop are dropped and returned:
// executed + dropped = sent, and none leaks.
TEST(RealFlood, ExhaustingThePoolGivesNullptrAndEveryEventIsAccountedFor) {
  constexpr uint32_t pool_size = 1023;
  auto f = std::make_unique<flood>();
  uint64_t extra_nulls = 0;
  auto flood_both_cores = [](void* self, void* extra) {
    // On core 1, inside one event: core 1's own events cannot run before it returns, so the
    // pool must run dry (core 0 may run and free its share meanwhile).
    auto* fl = static_cast<flood*>(self);
    core_counters& c = fl->counters[1];
    for (uint32_t i = 0;; ++i) {
      lockstep::event* ev = lockstep::event_allocate(fl->cores.id[i % 2], flood::count, fl, nullptr);
      if (ev == nullptr) break;
      lockstep::event_call(ev);
      ++c.sent;
    }
    ++c.nulls;
    // Asking again right away is harmless too; each nullptr counts.
    for (int i = 0; i < 3; ++i) {
      lockstep::event* ev = lockstep::event_allocate(fl->cores.id[1], flood::count, fl, nullptr);
      if (ev == nullptr) {
        ++*static_cast<uint64_t*>(extra);
      } else {
        lockstep::event_call(ev);
        ++c.sent;
      }
    }
    lockstep::app_stop(3);
  };
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(pool_size),
      [&] {
        f->cores = two_cores::of_run();
        lockstep::event_call(
            lockstep::event_allocate(f->cores.id[1], flood_both_cores, f.get(), &extra_nulls));
      },
      &stats);
  ASSERT_EQ(rc, 3);
  const uint64_t sent = f->counters[1].sent;
  const uint64_t executed = f->counters[0].executed + f->counters[1].executed;
  EXPECT_GT(sent, 0u);
  EXPECT_EQ(f->counters[1].executed, 0u) << "core 1 was busy flooding until app_stop";
  EXPECT_EQ(stats.alloc_failures, f->counters[1].nulls + extra_nulls);
  EXPECT_GE(stats.alloc_failures, 1u);
  // The flood's events plus the start event and the flooding event itself.
  EXPECT_EQ(stats.events_executed, executed + 2);
  EXPECT_EQ(executed + stats.dropped_events, sent);
  EXPECT_EQ(stats.leaked_events, 0u);
}

// Claim: app_stop called on one lcore while both lcores flood each other (and themselves) stops
// every reactor; events still queued are dropped, returned to the pool and counted, so that
// executed + dropped = sent and no event leaks.
TEST(RealFlood, StopDuringAFloodStopsEveryReactorAndDropsTheRest) {
  constexpr uint32_t pool_size = 4095;
  auto f = std::make_unique<flood>();
  f->stop_after_executed = 100'000;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(pool_size),
      [&] {
        f->cores = two_cores::of_run();
        flood::start_flood(f.get(), nullptr);
        lockstep::event_call(
            lockstep::event_allocate(f->cores.id[1], flood::start_flood, f.get(), nullptr));
      },
      &stats);
  ASSERT_EQ(rc, 5);
  uint64_t sent = 0, executed = 0, nulls = 0;
  for (const core_counters& c : f->counters) {
    sent += c.sent;
    executed += c.executed;
    nulls += c.nulls;
  }
  EXPECT_GE(f->counters[1].executed, f->stop_after_executed);
  EXPECT_EQ(stats.alloc_failures, nulls);
  // The flood's events plus the start event and the one that started core 1's flood.
  EXPECT_EQ(stats.events_executed, executed + 2);
  EXPECT_EQ(executed + stats.dropped_events, sent);
  EXPECT_EQ(stats.leaked_events, 0u);
}

}  // namespace
