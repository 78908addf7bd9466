// SIGINT/SIGTERM during a run: the shutdown callback runs as an event on the main lcore, the
// default is app_stop(0), and the handlers that were installed before the run come back after.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <thread>

namespace {

std::atomic<uint32_t> g_cb_calls{0};
std::atomic<uint32_t> g_cb_core{lockstep::no_core};
std::atomic<uint32_t> g_main_core{lockstep::no_core};

void shutdown_cb() {
  g_cb_calls.fetch_add(1);
  g_cb_core.store(lockstep::current_core());
  lockstep::app_stop(7);
}

// Claim: SIGINT raised by a thread that is not an lcore reaches options.shutdown_cb, which runs
// once, as an event on the main lcore (so it may call the API), and its app_stop rc is run's.
TEST(RealSignals, SigintFromAnotherThreadCallsShutdownCbOnTheMainLcore) {
  g_cb_calls = 0;
  g_cb_core = lockstep::no_core;
  lockstep::real::options o = real_test::options(1023);
  o.shutdown_cb = shutdown_cb;
  std::thread raiser;
  std::atomic<uint32_t> raiser_core{0};
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      o,
      [&] {
        g_main_core = lockstep::current_core();
        raiser = std::thread([&] {
          raiser_core = lockstep::current_core();  // not an lcore: no_core
          std::raise(SIGINT);  // delivered to this thread; its handler only sets a flag
        });
      },
      &stats);
  raiser.join();
  EXPECT_EQ(rc, 7);
  EXPECT_EQ(g_cb_calls.load(), 1u);
  EXPECT_EQ(g_cb_core.load(), g_main_core.load());
  EXPECT_EQ(raiser_core.load(), lockstep::no_core);
  EXPECT_EQ(stats.events_executed, 2u);  // start and the shutdown request
}

std::atomic<uint32_t> g_old_handler_calls{0};
void old_handler(int) { g_old_handler_calls.fetch_add(1); }

struct raiser_state {  // used by the worker lcore only
  bool done = false;
  lockstep::poller* poller = nullptr;
};

int raise_sigterm_once(void* state_ptr) {
  auto* s = static_cast<raiser_state*>(state_ptr);
  s->done = true;
  lockstep::poller_unregister(&s->poller);
  std::raise(SIGTERM);  // delivered to this lcore's thread; its handler only sets a flag
  return 1;
}

void register_raiser(void* state_ptr, void*) {
  auto* s = static_cast<raiser_state*>(state_ptr);
  s->poller = lockstep::poller_register(raise_sigterm_once, s, 0);
}

// Claim: SIGTERM raised on a worker lcore without a shutdown_cb stops the app with rc 0, and
// after run returns the handlers installed before it are back in place.
TEST(RealSignals, SigtermOnAWorkerLcoreStopsWithRcZeroAndHandlersAreRestored) {
  struct sigaction mine {};
  mine.sa_handler = old_handler;
  sigemptyset(&mine.sa_mask);
  struct sigaction saved_int {}, saved_term {};
  ASSERT_EQ(sigaction(SIGINT, &mine, &saved_int), 0);
  ASSERT_EQ(sigaction(SIGTERM, &mine, &saved_term), 0);
  g_old_handler_calls = 0;

  raiser_state raiser;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(1023),
      [&] {
        const uint32_t worker = lockstep::next_core(lockstep::first_core());
        lockstep::event_call(lockstep::event_allocate(worker, register_raiser, &raiser, nullptr));
      },
      &stats);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(raiser.done);
  EXPECT_EQ(g_old_handler_calls.load(), 0u) << "the run's handler was not the one installed";

  struct sigaction now_int {}, now_term {};
  ASSERT_EQ(sigaction(SIGINT, nullptr, &now_int), 0);
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &now_term), 0);
  EXPECT_EQ(now_int.sa_handler, old_handler);
  EXPECT_EQ(now_term.sa_handler, old_handler);
  std::raise(SIGTERM);  // outside the run: the restored handler gets it
  EXPECT_EQ(g_old_handler_calls.load(), 1u);
  sigaction(SIGINT, &saved_int, nullptr);
  sigaction(SIGTERM, &saved_term, nullptr);
}

}  // namespace
