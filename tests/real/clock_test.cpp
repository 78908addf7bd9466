// The TSC clock of the real backend and timed pollers on it.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace {

constexpr int calls_wanted = 6;

struct timed {
  uint64_t period_us = 0;
  uint64_t registered_ns = 0;
  uint64_t call_ns[calls_wanted] = {};
  int calls = 0;
  bool monotonic = true;
  uint64_t last_ns = 0;
  lockstep::poller* p = nullptr;
  std::atomic<int>* finished = nullptr;  // the second core to finish stops the run

  static int tick(void* self) {
    auto* t = static_cast<timed*>(self);
    const uint64_t now = lockstep::now_ns();
    t->monotonic = t->monotonic && now >= t->last_ns;
    t->last_ns = now;
    t->call_ns[t->calls++] = now;
    if (t->calls == calls_wanted) {
      lockstep::poller_unregister(&t->p);
      if (t->finished->fetch_add(1) == 1) lockstep::app_stop(0);
    }
    return 1;
  }

  static void arm(void* self, void*) {
    auto* t = static_cast<timed*>(self);
    t->registered_ns = lockstep::now_ns();
    t->last_ns = t->registered_ns;
    t->p = lockstep::poller_register(tick, t, t->period_us);
  }
};

// Claim: on every lcore, a timed poller's k-th run comes no sooner than k periods after its
// registration by now_ns() (first one period after registration, then every period, as in
// SPDK), and now_ns() never goes back.
TEST(RealClock, TimedPollersKeepTheirPeriodOnTheTscClock) {
  std::atomic<int> finished{0};
  timed on_main, on_worker;
  on_main.period_us = 300;
  on_worker.period_us = 500;
  on_main.finished = on_worker.finished = &finished;
  const int rc = lockstep::real::run(real_test::options(255), [&] {
    const uint32_t worker = lockstep::next_core(lockstep::first_core());
    lockstep::event_call(lockstep::event_allocate(worker, timed::arm, &on_worker, nullptr));
    timed::arm(&on_main, nullptr);
  });
  ASSERT_EQ(rc, 0);
  for (const timed* t : {&on_main, &on_worker}) {
    const uint64_t period_ns = t->period_us * 1000;
    ASSERT_EQ(t->calls, calls_wanted);
    EXPECT_TRUE(t->monotonic);
    // A period counts from the reactor's due check, just before the call: the k-th call comes
    // no sooner than k periods after registration.
    for (int i = 0; i < calls_wanted; ++i)
      EXPECT_GE(t->call_ns[i], t->registered_ns + (i + 1) * period_ns)
          << t->period_us << " us, call " << i + 1;
  }
}

// A reading of now_ns() bracketed by two steady-clock readings: the steady clock's value at the
// TSC reading is within half the bracket of the bracket's midpoint, however long a preemption.
struct bracketed {
  double steady_mid_ns = 0;
  double steady_half_ns = 0;
  uint64_t tsc_ns = 0;

  static bracketed now() {
    using namespace std::chrono;
    bracketed b;
    const auto before = steady_clock::now();
    b.tsc_ns = lockstep::now_ns();
    const auto after = steady_clock::now();
    const auto at = [](steady_clock::time_point t) {
      return static_cast<double>(duration_cast<nanoseconds>(t.time_since_epoch()).count());
    };
    b.steady_mid_ns = (at(before) + at(after)) / 2;
    b.steady_half_ns = (at(after) - at(before)) / 2;
    return b;
  }
};

// Claim: now_ns() counts nanoseconds (the TSC is converted with its real frequency): over 100 ms
// of a run it advances as much as the steady clock, within 5 % plus the reading uncertainty —
// far wider than either clock's error, far narrower than a unit mistake.
TEST(RealClock, NowNsAdvancesInNanoseconds) {
  struct ctx {
    bracketed begin, end;
    lockstep::poller* p = nullptr;
  } c;
  const int rc = lockstep::real::run(real_test::options(255), [&c] {
    c.begin = bracketed::now();
    c.p = lockstep::poller_register(
        [](void* arg) {
          auto* x = static_cast<ctx*>(arg);
          x->end = bracketed::now();
          lockstep::poller_unregister(&x->p);
          lockstep::app_stop(0);
          return 1;
        },
        &c, 100'000);
  });
  ASSERT_EQ(rc, 0);
  const double steady_ns = c.end.steady_mid_ns - c.begin.steady_mid_ns;
  const double tsc_ns = static_cast<double>(c.end.tsc_ns - c.begin.tsc_ns);
  const double uncertainty_ns = c.begin.steady_half_ns + c.end.steady_half_ns;
  EXPECT_GE(tsc_ns, 100e6) << "the poller ran before its period";
  EXPECT_NEAR(tsc_ns, steady_ns, 0.05 * steady_ns + uncertainty_ns);
}

}  // namespace
