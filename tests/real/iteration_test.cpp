// The reactor iteration on real lcores (whole iterations without a trace, core's
// run_iteration_as): a burst of at most event_batch_max events, then the pollers; app_stop
// inside a burst stops after the running event and drops the rest of the burst. Each claim is
// checked on one core with events it sends to itself, so the order is fixed by the framework
// alone (no cross-core timing).
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

// The events of one core, in the order they ran, each with the poller calls seen before it.
struct local_run {
  uint32_t events = 0;             // events posted by the start event
  uint32_t stop_at = 0;            // the event (1-based) that calls app_stop; 0: none
  uint64_t poller_calls = 0;
  std::vector<uint64_t> order;     // event number, in run order
  std::vector<uint64_t> polls_before;  // poller calls when each event ran
  lockstep::poller* poller = nullptr;

  static int count_poll(void* self) {
    ++static_cast<local_run*>(self)->poller_calls;
    return 0;
  }
  static void note(void* self, void* number_ptr) {
    auto* r = static_cast<local_run*>(self);
    const auto number = reinterpret_cast<uintptr_t>(number_ptr);
    r->order.push_back(number);
    r->polls_before.push_back(r->poller_calls);
    if (number == r->stop_at) lockstep::app_stop(0);
    if (number == r->events && r->stop_at == 0) lockstep::app_stop(0);
  }
  void start() {
    poller = lockstep::poller_register(count_poll, this, 0);
    const uint32_t self = lockstep::current_core();
    for (uintptr_t n = 1; n <= events; ++n) {
      lockstep::event* ev = lockstep::event_allocate(self, note, this, reinterpret_cast<void*>(n));
      ASSERT_NE(ev, nullptr);
      lockstep::event_call(ev);
    }
  }
};

// Claim: events a core sends to itself run in call order, at most event_batch_max (8) per
// iteration, with the core's pollers called once between bursts.
TEST(RealIteration, BurstsOfEightThenThePollers) {
  local_run r;
  r.events = 20;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(real_test::options(255), [&] { r.start(); }, &stats), 0);
  ASSERT_EQ(r.order.size(), 20u);
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(r.order[i], i + 1);
  // The start event's iteration calls the poller once; then bursts of 8, 8 and 4, each
  // followed by one poller call.
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(r.polls_before[i], 1 + i / 8) << "event " << i + 1;
  EXPECT_EQ(stats.events_executed, 21u);
  EXPECT_EQ(stats.dropped_events, 0u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

// Claim: app_stop called by the third event of a burst of eight stops the core after that
// event: the burst's five later events do not run; they and the twelve events still queued
// are dropped, counted and returned to the pool.
TEST(RealIteration, StopInTheMiddleOfABurstDropsTheRestOfIt) {
  local_run r;
  r.events = 20;
  r.stop_at = 3;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(real_test::options(255), [&] { r.start(); }, &stats), 0);
  ASSERT_EQ(r.order.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) EXPECT_EQ(r.order[i], i + 1);
  EXPECT_EQ(stats.events_executed, 4u);  // the start event and three
  EXPECT_EQ(stats.dropped_events, 17u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

// Claim: app_stop from a poller stops the core before the next burst: no queued event runs
// after it, and every one of them is dropped.
TEST(RealIteration, StopFromAPollerRunsNoFurtherEvent) {
  struct stopper {
    uint64_t ran = 0;
    static int stop(void*) {
      lockstep::app_stop(7);
      return 1;
    }
    static void count(void* self, void*) { ++static_cast<stopper*>(self)->ran; }
  } s;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(255),
      [&] {
        ASSERT_NE(lockstep::poller_register(stopper::stop, &s, 0), nullptr);
        for (int i = 0; i < 5; ++i) {
          lockstep::event* ev =
              lockstep::event_allocate(lockstep::current_core(), stopper::count, &s, nullptr);
          ASSERT_NE(ev, nullptr);
          lockstep::event_call(ev);
        }
      },
      &stats);
  EXPECT_EQ(rc, 7);
  EXPECT_EQ(s.ran, 0u);
  EXPECT_EQ(stats.events_executed, 1u);
  EXPECT_EQ(stats.dropped_events, 5u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

// Claim: a timed poller whose run takes longer than its period runs at most once per
// iteration, so the events queued meanwhile still run (it used to be due again as soon as it
// returned, and the reactor never left its timers). The timer spins past its 1 us period, then
// sends its core an event that stops the run; that event must run right after the first round.
struct slow_timer {
  uint32_t runs = 0;
  uint32_t runs_when_stopped = 0;
  static int run(void* self) {
    auto* t = static_cast<slow_timer*>(self);
    const uint64_t until = lockstep::now_ns() + 20'000;  // 20 periods
    while (lockstep::now_ns() < until) {
    }
    if (++t->runs == 1) {
      lockstep::event* ev = lockstep::event_allocate(lockstep::current_core(), stop, t, nullptr);
      if (ev != nullptr) lockstep::event_call(ev);
    }
    if (t->runs == 1000) lockstep::app_stop(1);  // the event never got its turn
    return 1;
  }
  static void stop(void* self, void*) {
    auto* t = static_cast<slow_timer*>(self);
    t->runs_when_stopped = t->runs;
    lockstep::app_stop(0);
  }
};

TEST(RealIteration, ATimerSlowerThanItsPeriodLetsTheEventsRun) {
  slow_timer t;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(255),
      [&] { ASSERT_NE(lockstep::poller_register(slow_timer::run, &t, 1), nullptr); }, &stats);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(t.runs_when_stopped, 1u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

// Claim: an event called a second time is misuse caught with a message, whether it still waits
// in its queue or already ran earlier in the burst that is running (the whole-iteration loop
// frees an event as soon as it ran; it reaches the pool only with its burst).
lockstep::event* g_first = nullptr;  // written by start, read by the next event (one lcore)

void nothing(void*, void*) {}
void call_the_first_again(void*, void*) { lockstep::event_call(g_first); }

TEST(RealIterationDeathTest, AnEventCalledAgainBeforeItRunsIsMisuse) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          lockstep::event* ev = lockstep::event_allocate(lockstep::current_core(), nothing,
                                                         nullptr, nullptr);
          lockstep::event_call(ev);
          lockstep::event_call(ev);
        });
      },
      "event_call: the event was already called");
}

TEST(RealIterationDeathTest, AnEventCalledAgainAfterItRanInTheSameBurstIsMisuse) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          const uint32_t self = lockstep::current_core();
          g_first = lockstep::event_allocate(self, nothing, nullptr, nullptr);
          lockstep::event* second =
              lockstep::event_allocate(self, call_the_first_again, nullptr, nullptr);
          lockstep::event_call(g_first);
          lockstep::event_call(second);  // the same burst: both are the core's own, queued now
        });
      },
      "event_call: the event is not allocated \\(called again after it ran");
}

}  // namespace
