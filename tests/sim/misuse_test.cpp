// Misuse ends the run as a failed check would, with a message naming the misuse; outside a
// run, calls refuse with a message.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace {

using lockstep::sim::outcome;

void noop(void*, void*) {}

void expect_failed_with(const lockstep::sim::result& r, const std::string& text) {
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find(text), std::string::npos) << "failure was: " << r.failure;
}

TEST(SimMisuse, EventCallWithNullptr) {
  bool after = false;
  auto r = lockstep::sim::run({}, [&after] {
    lockstep::event_call(nullptr);
    after = true;
  });
  expect_failed_with(r, "event_call(nullptr)");
  EXPECT_FALSE(after);
}

TEST(SimMisuse, EventCalledTwice) {
  auto r = lockstep::sim::run({}, [] {
    lockstep::event* ev = lockstep::event_allocate(1, noop, nullptr, nullptr);
    lockstep::event_call(ev);
    lockstep::event_call(ev);
  });
  expect_failed_with(r, "already called");
}

lockstep::event* g_stale = nullptr;

TEST(SimMisuse, EventCalledAgainAfterItRan) {
  auto r = lockstep::sim::run({}, [] {
    g_stale = lockstep::event_allocate(1, [](void*, void*) {
      // Core 1 hands the event that is running right now back to core 0 to call again.
      lockstep::event_call(lockstep::event_allocate(0, [](void*, void*) {
        lockstep::event_call(g_stale);
      }, nullptr, nullptr));
    }, nullptr, nullptr);
    lockstep::event_call(g_stale);
  });
  // By then the event ran and went back to the pool (or is finishing its batch).
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_TRUE(r.failure.find("not allocated") != std::string::npos ||
              r.failure.find("already called") != std::string::npos)
      << r.failure;
}

TEST(SimMisuse, EventAllocateWithoutAFunction) {
  auto r = lockstep::sim::run({}, [] { (void)lockstep::event_allocate(1, nullptr, nullptr, nullptr); });
  expect_failed_with(r, "event_allocate: fn is nullptr");
}

TEST(SimMisuse, PollerUnregisterWithNullptr) {
  auto r = lockstep::sim::run({}, [] { lockstep::poller_unregister(nullptr); });
  expect_failed_with(r, "poller_unregister(nullptr)");
}

TEST(SimMisuse, PollerUnregisterOfAnotherCoresPoller) {
  static lockstep::poller* p = nullptr;
  auto r = lockstep::sim::run({}, [] {
    p = lockstep::poller_register([](void*) { return 0; }, nullptr, 100);
    lockstep::event_call(lockstep::event_allocate(1, [](void*, void*) {
      lockstep::poller_unregister(&p);
    }, nullptr, nullptr));
  });
  expect_failed_with(r, "belongs to another core");
}

TEST(SimMisuse, PollerUnregisterOfAPollerAlreadyGone) {
  auto r = lockstep::sim::run({}, [] {
    lockstep::poller* p = lockstep::poller_register([](void*) { return 0; }, nullptr, 100);
    lockstep::poller* copy = p;
    lockstep::poller_unregister(&p);
    EXPECT_EQ(p, nullptr);
    lockstep::poller_unregister(&p);  // *p == nullptr: a no-op, as in SPDK
    // The timed poller stays allocated until it reaches the top of its heap, so the stale copy
    // is still recognizable here.
    lockstep::poller_unregister(&copy);
  });
  expect_failed_with(r, "already unregistered");
}

TEST(SimMisuse, PollerRegisterWithoutAFunction) {
  auto r = lockstep::sim::run({}, [] { (void)lockstep::poller_register(nullptr, nullptr, 0); });
  expect_failed_with(r, "poller_register: fn is nullptr");
}

TEST(SimMisuse, CallsOutsideARunRefuseWithAMessage) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(lockstep::event_allocate(0, noop, nullptr, nullptr), nullptr);
  lockstep::event_call(nullptr);
  lockstep::app_stop(1);
  lockstep::poller* p = nullptr;
  lockstep::poller_unregister(&p);
  const std::string err = testing::internal::GetCapturedStderr();
  for (const char* call : {"event_allocate", "event_call", "app_stop", "poller_unregister"})
    EXPECT_NE(err.find(std::string(call) + " called outside a run"), std::string::npos) << err;
  EXPECT_EQ(lockstep::current_core(), lockstep::no_core);
  EXPECT_EQ(lockstep::core_count(), 0u);
  EXPECT_EQ(lockstep::first_core(), lockstep::no_core);
  EXPECT_EQ(lockstep::next_core(0), lockstep::no_core);
  EXPECT_EQ(lockstep::now_ns(), 0u);
}

TEST(SimMisuse, AThreadTheProgramStartsIsNotPartOfTheSimulationAndIsToldSo) {
  // The real backend takes events from such threads (external senders); the simulator cannot
  // schedule them (only threads started with lockstep::external_thread_start), so it refuses
  // them and says why, rather than "no run is executing".
  for (bool per_core : {false, true}) {
    lockstep::sim::options o;
    o.thread_per_core = per_core;
    static lockstep::event* from_thread;
    from_thread = reinterpret_cast<lockstep::event*>(1);
    testing::internal::CaptureStderr();
    const auto r = lockstep::sim::run(o, [] {
      std::thread([] { from_thread = lockstep::event_allocate(0, noop, nullptr, nullptr); })
          .join();
      lockstep::app_stop(0);
    });
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(r.outcome, lockstep::sim::outcome::stopped);
    EXPECT_EQ(from_thread, nullptr);
    EXPECT_NE(err.find("event_allocate called outside a run (from a thread that is not one of "
                       "the simulation's cores"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("start it with lockstep::external_thread_start"), std::string::npos) << err;
  }
  // After the run, the plain message again.
  testing::internal::CaptureStderr();
  lockstep::app_stop(0);
  EXPECT_NE(testing::internal::GetCapturedStderr().find(
                "app_stop called outside a run (no backend's run() is executing)"),
            std::string::npos);
}

TEST(SimMisuseDeathTest, ACheckFailingOutsideARunAborts) {
  EXPECT_DEATH(LOCKSTEP_CHECK(false, "outside"), "check failed outside a run: outside");
}

}  // namespace
