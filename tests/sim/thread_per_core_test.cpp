// options.thread_per_core: thread-local variables of application code have one copy per
// simulated core (fresh in every run), while the schedule, the trace and the trace hash stay
// those of a run without the option; failures, hangs, the step limit and nested or parallel
// runs behave as without it.
#include "cross_core_app.hpp"

#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using lockstep::no_core;
using lockstep::sim::outcome;

constexpr uint32_t cores = 4;
constexpr uint32_t rounds = 50;

// Per thread: the core whose handler first ran on this thread, and how many ran here.
thread_local uint32_t t_owner = no_core;
thread_local uint32_t t_handled = 0;

struct tally {
  uint32_t sent[cores] = {};
  uint32_t seen_max[cores] = {};  // per core: the largest t_handled its handlers saw
  uint32_t foreign = 0;           // handlers that found another core's copy
  uint32_t finished = 0;
};
tally* g_tally = nullptr;  // what start_counting counts into

void count_here(void* a, void*) {
  auto* t = static_cast<tally*>(a);
  const uint32_t self = lockstep::current_core();
  if (t_owner == no_core) t_owner = self;
  if (t_owner != self) ++t->foreign;
  ++t_handled;
  if (t_handled > t->seen_max[self]) t->seen_max[self] = t_handled;
}

void finish(void* a, void*) {
  auto* t = static_cast<tally*>(a);
  if (++t->finished == cores) lockstep::app_stop(0);
}

// Core 0 sends `rounds` counting events to every core (itself included), then one finish each
// (per-pair FIFO: after that core's counting events).
void start_counting() {
  tally* t = g_tally;
  count_here(t, nullptr);  // the start event counts too, on core 0
  ++t->sent[0];
  for (uint32_t r = 0; r < rounds; ++r)
    for (uint32_t c = 0; c < cores; ++c) {
      lockstep::event_call(lockstep::event_allocate(c, count_here, t, nullptr));
      ++t->sent[c];
    }
  for (uint32_t c = 0; c < cores; ++c)
    lockstep::event_call(lockstep::event_allocate(c, finish, t, nullptr));
}

lockstep::sim::options counting_options(uint64_t seed, bool per_core) {
  lockstep::sim::options o;
  o.cores = cores;
  o.seed = seed;
  o.thread_per_core = per_core;
  return o;
}

lockstep::sim::result run_counting(const lockstep::sim::options& o, tally* t) {
  g_tally = t;
  return lockstep::sim::run(o, start_counting);
}

TEST(SimThreadPerCore, EachCoreSeesItsOwnCopyOfAThreadLocal) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    tally t;
    const auto r = run_counting(counting_options(seed, true), &t);
    ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
    EXPECT_EQ(t.foreign, 0u) << "seed " << seed;
    // Each core's copy counted exactly that core's handlers, from zero: fresh in every run.
    for (uint32_t c = 0; c < cores; ++c) EXPECT_EQ(t.seen_max[c], t.sent[c]) << "core " << c;
  }
  // The test's own thread kept its copy: nothing ran here.
  EXPECT_EQ(t_owner, no_core);
  EXPECT_EQ(t_handled, 0u);
}

TEST(SimThreadPerCore, WithoutTheOptionOneCopyIsShared) {
  // What the option is for: without it every core's handlers share the run's thread's copy.
  tally t;
  const auto r = run_counting(counting_options(1, false), &t);
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_GT(t.foreign, 0u);
  EXPECT_EQ(t_handled, rounds * cores + 1);
  t_owner = no_core;
  t_handled = 0;
}

TEST(SimThreadPerCore, TheScheduleAndHashAreThoseOfARunWithoutIt) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (auto s : {lockstep::sim::strategy::random, lockstep::sim::strategy::pct}) {
      lockstep::sim::options o;
      o.seed = seed;
      o.strategy = s;
      o.alloc_fail_ppm = 20'000;
      o.shutdown_ppm = seed % 2 == 0 ? 2'000 : 0;
      o.stall_ppm = seed % 3 == 0 ? 5'000 : 0;
      o.timer_jitter_ns = seed % 4 == 0 ? 3'000 : 0;
      o.trace = seed % 5 == 0;
      lockstep::sim::result runs[3];
      for (int i = 0; i < 3; ++i) {
        o.thread_per_core = i != 0;
        cross_core::app a(cross_core::config{});
        o.shutdown_cb = [] { cross_core::app::shutdown_request(); };
        runs[i] = lockstep::sim::run(o, [&a] { a.start(); });
      }
      for (int i = 1; i < 3; ++i) {
        EXPECT_EQ(runs[i].trace_hash, runs[0].trace_hash) << "seed " << seed;
        EXPECT_EQ(runs[i].outcome, runs[0].outcome);
        EXPECT_EQ(runs[i].steps, runs[0].steps);
        EXPECT_EQ(runs[i].virtual_ns, runs[0].virtual_ns);
        EXPECT_EQ(runs[i].events_executed, runs[0].events_executed);
        EXPECT_EQ(runs[i].failure, runs[0].failure);
      }
      EXPECT_EQ(runs[0].core_thread_switches, 0u);
      EXPECT_GT(runs[1].core_thread_switches, 0u);
      EXPECT_EQ(runs[1].core_thread_switches, runs[2].core_thread_switches);
      EXPECT_LE(runs[1].core_thread_switches, runs[1].steps + 1);
    }
  }
}

TEST(SimThreadPerCore, ThreadsSwitchOnlyWhenTheSteppingCoreChanges) {
  // One core: the baton goes to core 0's thread and comes back, whatever the run does.
  lockstep::sim::options o = counting_options(3, true);
  o.cores = 1;
  const auto r = lockstep::sim::run(o, [] {
    for (int i = 0; i < 100; ++i)
      lockstep::event_call(lockstep::event_allocate(0, [](void*, void*) {}, nullptr, nullptr));
    lockstep::event_call(
        lockstep::event_allocate(0, [](void*, void*) { lockstep::app_stop(0); }, nullptr,
                                 nullptr));
  });
  ASSERT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(r.steps, 102u);
  EXPECT_EQ(r.core_thread_switches, 2u);
}

void check_on_core_2(void*, void*) {
  LOCKSTEP_CHECK(lockstep::current_core() != 2, "planted: ran on core 2");
}

TEST(SimThreadPerCore, AFailedCheckOnACoreThreadEndsTheRunAsFailed) {
  for (bool per_core : {false, true}) {
    lockstep::sim::options o = counting_options(7, per_core);
    const auto r = lockstep::sim::run(o, [] {
      for (uint32_t c = 0; c < cores; ++c)
        lockstep::event_call(lockstep::event_allocate(c, check_on_core_2, nullptr, nullptr));
    });
    EXPECT_EQ(r.outcome, outcome::failed);
    EXPECT_NE(r.failure.find("planted: ran on core 2"), std::string::npos) << r.failure;
  }
  // And the same run, hash and step count either way, with misuse inside the API too.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    lockstep::sim::result r[2];
    for (int i = 0; i < 2; ++i) {
      lockstep::sim::options o = counting_options(seed, i == 1);
      r[i] = lockstep::sim::run(o, [] {
        for (uint32_t c = 0; c < cores; ++c)
          lockstep::event_call(lockstep::event_allocate(c, check_on_core_2, nullptr, nullptr));
        lockstep::event_call(lockstep::event_allocate(
            3, [](void*, void*) { lockstep::event_call(nullptr); }, nullptr, nullptr));
      });
    }
    EXPECT_EQ(r[1].outcome, outcome::failed);
    EXPECT_EQ(r[1].trace_hash, r[0].trace_hash);
    EXPECT_EQ(r[1].steps, r[0].steps);
    EXPECT_EQ(r[1].failure, r[0].failure);
  }
}

TEST(SimThreadPerCore, HangAndStepLimitEndTheThreads) {
  auto o = counting_options(1, true);
  const auto hang = lockstep::sim::run(o, [] {
    lockstep::event_call(lockstep::event_allocate(1, [](void*, void*) {}, nullptr, nullptr));
  });
  EXPECT_EQ(hang.outcome, outcome::hang);
  o.max_steps = 1000;
  const auto limit = lockstep::sim::run(o, [] {
    for (uint32_t c = 0; c < cores; ++c)
      lockstep::event_call(lockstep::event_allocate(
          c,
          [](void*, void*) {
            (void)lockstep::poller_register([](void*) { return 1; }, nullptr, 0);
          },
          nullptr, nullptr));
  });
  EXPECT_EQ(limit.outcome, outcome::step_limit);
  EXPECT_EQ(limit.steps, 1000u);
}

TEST(SimThreadPerCore, ARunInsideARunIsRefusedOnACoreThread) {
  static lockstep::sim::result inner;
  auto o = counting_options(1, true);
  const auto r = lockstep::sim::run(o, [] {
    inner = lockstep::sim::run({}, [] {});
    lockstep::app_stop(0);
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(inner.outcome, outcome::failed);
  EXPECT_NE(inner.failure.find("runs do not nest"), std::string::npos) << inner.failure;
}

thread_local int t_setup_calls = 0;

TEST(SimThreadPerCore, CoreThreadSetupRunsOnceOnEachCoresThreadBeforeItsUnits) {
  static std::atomic<int> setups{0};
  static std::atomic<int> bad{0};
  setups = 0;
  bad = 0;
  auto o = counting_options(2, true);
  o.core_thread_setup = [] {
    ++t_setup_calls;
    ++setups;
  };
  const auto r = lockstep::sim::run(o, [] {
    for (uint32_t c = 0; c < cores; ++c)
      lockstep::event_call(lockstep::event_allocate(
          c,
          [](void*, void*) {
            if (t_setup_calls != 1) ++bad;
            if (lockstep::current_core() == cores - 1) lockstep::app_stop(0);
          },
          nullptr, nullptr));
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GE(setups.load(), 1);
  EXPECT_LE(setups.load(), static_cast<int>(cores));
  EXPECT_EQ(t_setup_calls, 0);  // not on the test's thread
}

thread_local int t_started_here = 0;

TEST(SimThreadPerCore, TheShutdownCallbackRunsOnCoreZerosThreadLikeTheStart) {
  static int seen = -1;
  seen = -1;
  auto o = counting_options(1, true);
  o.shutdown_ppm = 1'000'000;  // the request arrives at the first step
  o.shutdown_cb = [] {
    seen = t_started_here;
    lockstep::app_stop(0);
  };
  const auto r = lockstep::sim::run(o, [] {
    t_started_here = 1;
    lockstep::event_call(lockstep::event_allocate(1, [](void*, void*) {}, nullptr, nullptr));
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(seen, 1);
}

TEST(SimThreadPerCore, RunsFromSeveralThreadsAtOnceGiveTheSequentialHashes) {
  constexpr uint64_t seeds = 12;
  auto run_one = [](uint64_t seed) {
    lockstep::sim::options o;
    o.seed = seed;
    o.alloc_fail_ppm = 20'000;
    o.thread_per_core = true;
    cross_core::app a(cross_core::config{});
    return lockstep::sim::run(o, [&a] { a.start(); }).trace_hash;
  };
  std::vector<uint64_t> expected;
  for (uint64_t s = 1; s <= seeds; ++s) expected.push_back(run_one(s));
  std::vector<uint64_t> got[2];
  std::thread workers[2];
  for (int w = 0; w < 2; ++w)
    workers[w] = std::thread([&, w] {
      for (uint64_t s = 1; s <= seeds; ++s) got[w].push_back(run_one(s));
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(got[0], expected);
  EXPECT_EQ(got[1], expected);
}

TEST(SimThreadPerCore, TheReplayLineCarriesTheOptionWhenOn) {
  auto o = counting_options(9, true);
  tally t;
  const auto on = run_counting(o, &t);
  EXPECT_NE(on.replay.find(" thread_per_core=1"), std::string::npos) << on.replay;
  lockstep::sim::options back;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(on.replay, &back, &error)) << error;
  ASSERT_TRUE(back.thread_per_core.has_value());
  EXPECT_TRUE(*back.thread_per_core);
  tally t2;
  EXPECT_EQ(run_counting(back, &t2).trace_hash, on.trace_hash);
  EXPECT_EQ(t2.foreign, 0u);

  // Off (the default): the line is the one written before the option existed, and reads as off
  // explicitly (so that a runner whose default is on, such as run_sim, replays it without).
  tally t3;
  const auto off = run_counting(counting_options(9, false), &t3);
  EXPECT_EQ(off.replay.find("thread_per_core"), std::string::npos) << off.replay;
  back.thread_per_core.reset();
  ASSERT_TRUE(lockstep::sim::parse_replay(off.replay, &back, &error)) << error;
  ASSERT_TRUE(back.thread_per_core.has_value());
  EXPECT_FALSE(*back.thread_per_core);
  t_owner = no_core;
  t_handled = 0;

  EXPECT_FALSE(lockstep::sim::parse_replay(on.replay + " thread_per_core=1", &back, &error));
  EXPECT_NE(error.find("repeats"), std::string::npos) << error;
  std::string bad = on.replay;
  bad.replace(bad.find("thread_per_core=1"), 17, "thread_per_core=2");
  EXPECT_FALSE(lockstep::sim::parse_replay(bad, &back, &error));
  EXPECT_NE(error.find("bad value"), std::string::npos) << error;
}

}  // namespace
