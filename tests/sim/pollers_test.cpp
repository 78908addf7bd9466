// Pollers in the simulator: every iteration, timed in virtual time, unregistering.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace {

using lockstep::sim::outcome;

struct timed_probe {
  uint64_t registered_ns = 0;
  std::vector<uint64_t> fired_ns;
  lockstep::poller* self = nullptr;
  uint32_t limit = 5;
};

int timed_fire(void* arg) {
  auto* p = static_cast<timed_probe*>(arg);
  p->fired_ns.push_back(lockstep::now_ns());
  if (p->fired_ns.size() == p->limit) {
    lockstep::poller_unregister(&p->self);
    lockstep::app_stop(0);
  }
  return 1;
}

TEST(SimPollers, TimedPollerFiresOncePerPeriodOfVirtualTime) {
  timed_probe p;
  lockstep::sim::options o;
  o.cores = 2;
  auto r = lockstep::sim::run(o, [&p] {
    p.registered_ns = lockstep::now_ns();
    p.self = lockstep::poller_register(timed_fire, &p, 1000);  // 1 ms
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  ASSERT_EQ(p.fired_ns.size(), 5u);
  EXPECT_EQ(p.self, nullptr);  // poller_unregister cleared the pointer
  EXPECT_GE(p.fired_ns[0], p.registered_ns + 1'000'000);
  for (size_t i = 1; i < p.fired_ns.size(); ++i) {
    EXPECT_GE(p.fired_ns[i] - p.fired_ns[i - 1], 1'000'000u);
    EXPECT_LT(p.fired_ns[i] - p.fired_ns[i - 1], 1'001'000u);  // idle time jumps to the timer
  }
  // Time compression: 5 ms of virtual time took a handful of steps, not millions.
  EXPECT_LT(r.steps, 20u);
  EXPECT_GE(r.virtual_ns, 5'000'000u);
}

struct active_probe {
  uint32_t runs = 0;
  uint32_t runs_after_unregister = 0;
  bool unregistered = false;
  lockstep::poller* self = nullptr;
};

int active_fire(void* arg) {
  auto* p = static_cast<active_probe*>(arg);
  if (p->unregistered) ++p->runs_after_unregister;
  if (++p->runs == 100) {
    lockstep::poller_unregister(&p->self);  // from inside the poller itself
    p->unregistered = true;
  }
  return 1;
}

TEST(SimPollers, ActivePollerRunsEveryIterationUntilItUnregistersItself) {
  active_probe p;
  lockstep::sim::options o;
  o.cores = 1;
  auto r = lockstep::sim::run(o, [&p] {
    p.self = lockstep::poller_register(active_fire, &p, 0);
    // Stop well after the poller is gone: a timer 1 ms later.
    (void)lockstep::poller_register([](void*) {
      lockstep::app_stop(7);
      return 1;
    }, nullptr, 1000);
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(r.rc, 7);
  EXPECT_EQ(p.runs, 100u);
  EXPECT_EQ(p.runs_after_unregister, 0u);
  EXPECT_EQ(p.self, nullptr);
}

struct interleave_probe {
  std::vector<char> order;  // 'e' event, 'p' poller
};

TEST(SimPollers, ABurstOfEventsIsFollowedByThePollers) {
  // 20 events queued at once on core 0 and an active poller: an iteration runs at most 8 events
  // (the burst), then the poller, so the poller never waits for more than 8 events.
  interleave_probe p;
  lockstep::sim::options o;
  o.cores = 1;
  auto r = lockstep::sim::run(o, [&] {
    for (int i = 0; i < 20; ++i)
      lockstep::event_call(lockstep::event_allocate(0, [](void* a1, void*) {
        static_cast<interleave_probe*>(a1)->order.push_back('e');
      }, &p, nullptr));
    (void)lockstep::poller_register([](void* arg) {
      auto* pr = static_cast<interleave_probe*>(arg);
      pr->order.push_back('p');
      if (std::count(pr->order.begin(), pr->order.end(), 'e') == 20) lockstep::app_stop(0);
      return 1;
    }, &p, 0);
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  int run = 0;
  for (char c : p.order) {
    run = c == 'e' ? run + 1 : 0;
    EXPECT_LE(run, 8);
  }
  EXPECT_EQ(std::count(p.order.begin(), p.order.end(), 'e'), 20);
}

TEST(SimPollers, PollerRegisterOutsideARunRefuses) {
  testing::internal::CaptureStderr();
  lockstep::poller* p = lockstep::poller_register([](void*) { return 0; }, nullptr, 0);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(p, nullptr);
  EXPECT_NE(err.find("poller_register called outside a run"), std::string::npos) << err;
}


// Timed pollers that together take longer than their period: 64 of them, 1 us each, all due at
// once; one round of them costs at least 64 x 20 ns of virtual time, more than the period.
struct busy_timers {
  uint32_t runs = 0;
  bool sent = false;
  bool stop_ran = false;
  static int fire(void* self) {
    ++static_cast<busy_timers*>(self)->runs;
    return 1;
  }
  static void stop(void* self, void*) {
    static_cast<busy_timers*>(self)->stop_ran = true;
    lockstep::app_stop(0);
  }
  // The last timer registered: sends the stop event to its own core the first time it runs.
  static int send_stop(void* self) {
    auto* b = static_cast<busy_timers*>(self);
    if (!b->sent) {
      b->sent = true;
      lockstep::event* ev = lockstep::event_allocate(0, stop, b, nullptr);
      if (ev != nullptr) lockstep::event_call(ev);
    }
    return 1;
  }
};

// Claim: each timed poller runs at most once per reactor iteration, so timers that are due
// again before their round ends cannot keep a reactor from its events (they did: the round
// never ended and the run hit its step limit).
TEST(SimPollers, TimersDueAgainWithinTheirRoundWaitForTheNextIteration) {
  busy_timers b;
  lockstep::sim::options o;
  o.cores = 1;
  o.max_steps = 100'000;
  auto r = lockstep::sim::run(o, [&b] {
    for (int i = 0; i < 64; ++i) (void)lockstep::poller_register(busy_timers::fire, &b, 1);
    // An event sent once the timers are due: it must run after at most one round of them.
    (void)lockstep::poller_register(busy_timers::send_stop, &b, 1);
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_TRUE(b.stop_ran);
  // The stop event was sent during the first round (65 timers) and ran right after it: no
  // timer ran twice before it.
  EXPECT_LE(b.runs, 64u);
}

}  // namespace
