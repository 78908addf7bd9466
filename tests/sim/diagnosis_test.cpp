// result.diagnosis: a hang or a step_limit says what was pending (queued events, pollers,
// timers, events never called, failed allocations) and, at a step limit, what ran most in the
// last steps; other outcomes say nothing there; the text is deterministic and recording the
// diagnosis window changes no schedule and no trace hash.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using lockstep::sim::outcome;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void never_sent(void*, void*) {}
void noop(void*, void*) {}

// Core 1 allocates a reply for core 0 and forgets to call it: the run hangs.
void forget_reply(void*, void*) {
  (void)lockstep::event_allocate(0, never_sent, nullptr, nullptr);
}

TEST(SimDiagnosis, AHangSaysNothingIsLeftAndNamesTheEventNeverCalled) {
  lockstep::sim::options o;
  o.seed = 5;
  const auto r = lockstep::sim::run(o, [] {
    lockstep::event_call(lockstep::event_allocate(1, forget_reply, nullptr, nullptr));
  });
  ASSERT_EQ(r.outcome, outcome::hang);
  EXPECT_TRUE(r.failure.empty()) << "failure stays the check's message: " << r.failure;
  EXPECT_TRUE(has(r.diagnosis, "nothing left to run")) << r.diagnosis;
  EXPECT_TRUE(has(r.diagnosis, "1 event allocated and never called: never_sent for core 0 x1"))
      << r.diagnosis;
}

TEST(SimDiagnosis, AHangCountsFailedAllocationsPerCore) {
  lockstep::sim::options o;
  o.alloc_fail_nth = 2;  // the reply's allocation fails
  const auto r = lockstep::sim::run(o, [] {
    lockstep::event_call(lockstep::event_allocate(2, [](void*, void*) {
      if (lockstep::event* ev = lockstep::event_allocate(0, noop, nullptr, nullptr))
        lockstep::event_call(ev);
    }, nullptr, nullptr));
  });
  ASSERT_EQ(r.outcome, outcome::hang);
  EXPECT_TRUE(has(r.diagnosis, "event_allocate returned nullptr 1 time (core 2 x1)"))
      << r.diagnosis;
}

// The spinner: an event on core 0 that sends itself again forever. Beside it, an active poller
// on core 1 and a timed poller on core 2 that is never due; core 3 has nothing.
struct busy_program {
  static void spin(void*, void*) {
    lockstep::event_call(lockstep::event_allocate(0, spin, nullptr, nullptr));
  }
  static int idle_poll(void*) { return 0; }
  static int tick(void*) { return 1; }
  static void register_idle(void*, void*) {
    (void)lockstep::poller_register(idle_poll, nullptr, 0);
  }
  static void register_tick(void*, void*) {
    (void)lockstep::poller_register(tick, nullptr, 1'000'000);  // every second: never due
  }
  static void start() {
    lockstep::event_call(lockstep::event_allocate(0, spin, nullptr, nullptr));
    lockstep::event_call(lockstep::event_allocate(1, register_idle, nullptr, nullptr));
    lockstep::event_call(lockstep::event_allocate(2, register_tick, nullptr, nullptr));
  }
};

lockstep::sim::result run_busy(uint64_t seed, bool trace, uint64_t max_steps = 20'000) {
  lockstep::sim::options o;
  o.seed = seed;
  o.max_steps = max_steps;
  o.trace = trace;
  return lockstep::sim::run(o, busy_program::start);
}

TEST(SimDiagnosis, AStepLimitNamesTheSpinnerThePollersAndTheTimers) {
  const auto r = run_busy(3, false);
  ASSERT_EQ(r.outcome, outcome::step_limit);
  EXPECT_TRUE(r.failure.empty()) << r.failure;
  const std::string& d = r.diagnosis;
  EXPECT_TRUE(has(d, "no app_stop within max_steps (20000 steps)")) << d;
  // Cores 0 and 1 are always runnable and share the steps about evenly; the spinner and the
  // idle poller are the two candidates, each on its own core.
  EXPECT_TRUE(has(d, "ran most in the last 1000 steps: ")) << d;
  EXPECT_TRUE(has(d, "event busy_program::spin on core 0") ||
              has(d, "poller busy_program::idle_poll on core 1"))
      << d;
  EXPECT_TRUE(has(d, "core 0 in the last 1000 steps: ")) << d;
  EXPECT_TRUE(has(d, "(event busy_program::spin x")) << d;
  EXPECT_TRUE(has(d, "core 2 in the last 1000 steps: nothing ran")) << d;
  EXPECT_TRUE(has(d, "core 0: 1 event queued (busy_program::spin x1); no poller; no timer")) << d;
  EXPECT_TRUE(has(d, "core 1: nothing queued; pollers: busy_program::idle_poll; no timer")) << d;
  EXPECT_TRUE(has(d, "core 2: nothing queued; no poller; timers: busy_program::tick every "
                     "1000000000 ns, next in "))
      << d;
  EXPECT_TRUE(has(d, "core 3: nothing queued; no poller; no timer")) << d;
  EXPECT_FALSE(has(d, "0x")) << "no addresses: " << d;
}

TEST(SimDiagnosis, TheWindowChangesNoScheduleAndTheTextIsDeterministic) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    // With the trace on, every step is recorded from the start; without it, only the window's
    // steps are: the same schedule either way.
    const auto off = run_busy(seed, false);
    const auto on = run_busy(seed, true);
    ASSERT_EQ(off.outcome, outcome::step_limit);
    EXPECT_EQ(off.trace_hash, on.trace_hash) << "seed " << seed;
    EXPECT_EQ(off.diagnosis, on.diagnosis) << "seed " << seed;
    EXPECT_EQ(off.diagnosis, run_busy(seed, false).diagnosis) << "seed " << seed;
    EXPECT_TRUE(off.trace == nullptr) << "the window's records are not the run's trace";
    EXPECT_TRUE(on.trace != nullptr);
  }
}

TEST(SimDiagnosis, ARunShorterThanTheWindowIsRecordedWhole) {
  const auto r = run_busy(2, false, 300);
  ASSERT_EQ(r.outcome, outcome::step_limit);
  EXPECT_TRUE(has(r.diagnosis, "in the last 300 steps")) << r.diagnosis;
}

TEST(SimDiagnosis, StoppedAndFailedRunsHaveNone) {
  const auto stopped = lockstep::sim::run({}, [] { lockstep::app_stop(0); });
  EXPECT_EQ(stopped.outcome, outcome::stopped);
  EXPECT_TRUE(stopped.diagnosis.empty()) << stopped.diagnosis;
  const auto failed = lockstep::sim::run({}, [] { LOCKSTEP_CHECK(false, "planted"); });
  EXPECT_EQ(failed.outcome, outcome::failed);
  EXPECT_TRUE(failed.diagnosis.empty()) << failed.diagnosis;
}

}  // namespace
