// Outcomes of a simulation: stopped (with dropped events counted), hang, step_limit, failed;
// bad options; clean state from run to run.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

namespace {

using lockstep::sim::outcome;

void noop(void*, void*) {}

TEST(SimOutcomes, StopDropsQueuedEventsAndReturnsThemToThePool) {
  lockstep::sim::options o;
  o.cores = 2;
  o.event_pool_size = 64;
  auto r = lockstep::sim::run(o, [] {
    for (int i = 0; i < 10; ++i) lockstep::event_call(lockstep::event_allocate(1, noop, nullptr, nullptr));
    for (int i = 0; i < 5; ++i) lockstep::event_call(lockstep::event_allocate(0, noop, nullptr, nullptr));
    lockstep::app_stop(3);
    lockstep::app_stop(4);  // later calls are ignored
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(r.rc, 3);
  EXPECT_EQ(r.events_executed, 1u);  // the start event only: reactors stop right after it
  EXPECT_EQ(r.dropped_events, 15u);
  EXPECT_EQ(r.leaked_events, 0u);
}

TEST(SimOutcomes, EventsAllocatedButNeverCalledAreCountedAsLeaked) {
  auto r = lockstep::sim::run({}, [] {
    (void)lockstep::event_allocate(1, noop, nullptr, nullptr);
    (void)lockstep::event_allocate(2, noop, nullptr, nullptr);
    lockstep::app_stop(0);
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(r.leaked_events, 2u);
  EXPECT_EQ(r.dropped_events, 0u);
}

TEST(SimOutcomes, NothingRunnableAndNotStoppedIsAHang) {
  // A request whose completion is never sent: the classic lost event.
  auto r = lockstep::sim::run({}, [] {
    lockstep::event_call(lockstep::event_allocate(1, noop, nullptr, nullptr));
  });
  EXPECT_EQ(r.outcome, outcome::hang);
  EXPECT_EQ(r.events_executed, 2u);
  EXPECT_EQ(r.steps, 2u);
}

void spin(void*, void*) {
  lockstep::event_call(lockstep::event_allocate(lockstep::current_core(), spin, nullptr, nullptr));
}

TEST(SimOutcomes, ARunawayProgramHitsTheStepLimit) {
  lockstep::sim::options o;
  o.max_steps = 5000;
  auto r = lockstep::sim::run(o, [] { spin(nullptr, nullptr); });
  EXPECT_EQ(r.outcome, outcome::step_limit);
  EXPECT_EQ(r.steps, 5000u);
  EXPECT_EQ(r.dropped_events, 1u);  // the next spin was queued
  EXPECT_EQ(r.leaked_events, 0u);
}

TEST(SimOutcomes, AnIdlePollerForeverHitsTheStepLimitNotAHang) {
  lockstep::sim::options o;
  o.max_steps = 1000;
  auto r = lockstep::sim::run(o, [] {
    (void)lockstep::poller_register([](void*) { return 0; }, nullptr, 0);
  });
  EXPECT_EQ(r.outcome, outcome::step_limit);
  EXPECT_EQ(r.pollers_run, 999u);  // every step but the start event
}

bool g_after_check = false;

TEST(SimOutcomes, AFailedCheckEndsTheRunAtOnceWithItsMessage) {
  g_after_check = false;
  auto r = lockstep::sim::run({}, [] {
    lockstep::event_call(lockstep::event_allocate(2, [](void*, void*) {
      LOCKSTEP_CHECK(1 + 1 == 3, "arithmetic broke");
      g_after_check = true;
    }, nullptr, nullptr));
    lockstep::event_call(lockstep::event_allocate(1, noop, nullptr, nullptr));
  });
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("arithmetic broke"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("1 + 1 == 3"), std::string::npos) << r.failure;
  EXPECT_FALSE(g_after_check);
  EXPECT_EQ(r.leaked_events, 0u);
}

TEST(SimOutcomes, BadOptionsFailWithAMessageNamingThem) {
  struct bad_case {
    lockstep::sim::options o;
    const char* expected;
  };
  std::vector<bad_case> cases(8);
  cases[0].o.cores = 0;
  cases[0].expected = "options.cores";
  cases[1].o.cores = lockstep::sim::cores_max + 1;
  cases[1].expected = "options.cores";
  cases[2].o.event_pool_size = 0;
  cases[2].expected = "options.event_pool_size";
  cases[3].o.alloc_fail_ppm = 1'000'001;
  cases[3].expected = "options.alloc_fail_ppm";
  cases[4].o.shutdown_ppm = 2'000'000;
  cases[4].expected = "options.shutdown_ppm";
  cases[5].o.strategy = lockstep::sim::strategy::pct;
  cases[5].o.pct_depth = 0;
  cases[5].expected = "options.pct_depth";
  cases[6].o.max_steps = 0;
  cases[6].expected = "options.max_steps";
  cases[7].o.event_pool_size = lockstep::sim::event_pool_size_max + 1;
  cases[7].expected = "options.event_pool_size";
  for (const auto& c : cases) {
    bool ran = false;
    auto r = lockstep::sim::run(c.o, [&ran] { ran = true; });
    EXPECT_EQ(r.outcome, outcome::failed);
    EXPECT_NE(r.failure.find(c.expected), std::string::npos) << r.failure;
    EXPECT_FALSE(ran);
    // options_error is the check run() makes: the same reason, before anything runs.
    EXPECT_EQ(lockstep::sim::options_error(c.o), r.failure);
  }
  EXPECT_EQ(lockstep::sim::options_error({}), "");
  lockstep::sim::options largest;
  largest.cores = lockstep::sim::cores_max;
  largest.event_pool_size = lockstep::sim::event_pool_size_max;
  largest.max_steps = 1;
  EXPECT_EQ(lockstep::sim::options_error(largest), "");
  auto r = lockstep::sim::run({}, nullptr);
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("start is empty"), std::string::npos) << r.failure;
}

TEST(SimOutcomes, RunsDoNotNest) {
  lockstep::sim::result inner;
  auto outer = lockstep::sim::run({}, [&inner] {
    inner = lockstep::sim::run({}, [] {});
    lockstep::app_stop(0);
  });
  EXPECT_EQ(outer.outcome, outcome::stopped);
  EXPECT_EQ(inner.outcome, outcome::failed);
  EXPECT_NE(inner.failure.find("do not nest"), std::string::npos) << inner.failure;
}

TEST(SimOutcomes, ThousandsOfRunsEachStartFromACleanWorld) {
  // Each run takes the whole pool: a leftover event, poller or stop flag from an earlier run
  // would show as a short count, a wrong outcome or a changed hash.
  lockstep::sim::options o;
  o.event_pool_size = 16;
  uint64_t first_hash = 0;
  for (int i = 0; i < 3000; ++i) {
    uint32_t got = 0;
    auto r = lockstep::sim::run(o, [&got] {
      while (lockstep::event* ev = lockstep::event_allocate(1, noop, nullptr, nullptr)) {
        lockstep::event_call(ev);
        ++got;
      }
      (void)lockstep::poller_register([](void*) {
        lockstep::app_stop(0);
        return 1;
      }, nullptr, 10);
    });
    ASSERT_EQ(r.outcome, outcome::stopped) << "run " << i << ": " << r.failure;
    ASSERT_EQ(got, 16u) << "run " << i;
    ASSERT_EQ(r.events_executed, 17u) << "run " << i;
    if (i == 0) first_hash = r.trace_hash;
    ASSERT_EQ(r.trace_hash, first_hash) << "run " << i;
  }
  EXPECT_EQ(lockstep::current_core(), lockstep::no_core);  // nothing active after the runs
  EXPECT_EQ(lockstep::core_count(), 0u);
}

}  // namespace
