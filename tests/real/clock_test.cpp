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

// Claim: now_ns() counts nanoseconds (the TSC is converted with its real frequency): over one
// stretch of a run it advances as much as the steady clock read at the same two points, within
// a margin far wider than the error of either clock and far narrower than a unit mistake.
TEST(RealClock, NowNsAdvancesInNanoseconds) {
  uint64_t begin_ns = 0, end_ns = 0;
  std::chrono::steady_clock::time_point begin, end;
  lockstep::poller* p = nullptr;
  struct ctx {
    uint64_t* end_ns;
    std::chrono::steady_clock::time_point* end;
    lockstep::poller** p;
  } c{&end_ns, &end, &p};
  const int rc = lockstep::real::run(real_test::options(255), [&] {
    begin = std::chrono::steady_clock::now();
    begin_ns = lockstep::now_ns();
    p = lockstep::poller_register(
        [](void* arg) {
          auto* x = static_cast<ctx*>(arg);
          *x->end_ns = lockstep::now_ns();
          *x->end = std::chrono::steady_clock::now();
          lockstep::poller_unregister(x->p);
          lockstep::app_stop(0);
          return 1;
        },
        &c, 20'000);  // 20 ms
  });
  ASSERT_EQ(rc, 0);
  const auto steady_ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(end - begin).count());
  const auto tsc_ns = static_cast<double>(end_ns - begin_ns);
  ASSERT_GT(steady_ns, 0);
  EXPECT_GT(tsc_ns / steady_ns, 0.8);
  EXPECT_LT(tsc_ns / steady_ns, 1.25);
}

}  // namespace
