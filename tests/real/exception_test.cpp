// An exception that leaves an event handler or a poller on a real lcore aborts the process with
// a message naming the lcore, the function and the exception (not std::terminate's bare
// "terminate called after throwing").
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

void throw_on_worker(void*, void*) { throw std::runtime_error("boom on a worker"); }

int throwing_poller(void*) { throw 7; }

// Claim: an event handler's exception names the lcore that ran it and the handler.
TEST(RealExceptionDeathTest, AnEventHandlerThatThrowsAbortsNamingLcoreAndFunction) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          const uint32_t worker = lockstep::next_core(lockstep::first_core());
          lockstep::event_call(lockstep::event_allocate(worker, throw_on_worker, nullptr, nullptr));
        });
      },
      "lockstep: lcore [0-9]+: uncaught exception: boom on a worker \\[thrown by the event "
      "function throw_on_worker\\]; aborting");
}

// Claim: so does a poller's, with the exception's type when it is not a std::exception.
TEST(RealExceptionDeathTest, APollerThatThrowsAbortsNamingLcoreAndFunction) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          (void)lockstep::poller_register(throwing_poller, nullptr, 0);
        });
      },
      "lockstep: lcore [0-9]+: uncaught exception of type int \\[thrown by the poller function "
      "throwing_poller\\]; aborting");
}

}  // namespace
