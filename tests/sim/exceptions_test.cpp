// A C++ exception that leaves an event handler or a poller ends that run as failed — "uncaught
// exception: what()", naming the function it left — with the run's replay line, and the
// process goes on: the next run, and an exploration over many seeds, are unaffected.
#include "../../trace/format.hpp"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using lockstep::sim::outcome;

bool g_after_throw = false;

void throwing_handler(void*, void*) {
  throw std::runtime_error("the disk is on fire");
  g_after_throw = true;  // never reached: the handler is left by the exception
}

int throwing_poller(void*) { throw std::logic_error("poller broke"); }

void throws_int(void*, void*) { throw 42; }

struct not_a_std_exception {};
void throws_struct(void*, void*) { throw not_a_std_exception{}; }

void expect_failure_starts_with(const lockstep::sim::result& r, const std::string& text) {
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_EQ(r.failure.rfind(text, 0), 0u) << "failure was: " << r.failure;
}

// Claim: a std::exception thrown by an event handler ends the run as failed with its what() and
// the handler's name; the run's replay line reruns it with the same failure and hash.
TEST(SimExceptions, AnEventHandlerThatThrowsFailsTheRunWithWhatAndName) {
  lockstep::sim::options o;
  o.trace = true;
  auto start = [] {
    lockstep::event_call(LOCKSTEP_EVENT_ALLOCATE(2, throwing_handler, nullptr, nullptr));
  };
  const auto r = lockstep::sim::run(o, start);
  expect_failure_starts_with(r, "uncaught exception: the disk is on fire");
  EXPECT_NE(r.failure.find("throwing_handler"), std::string::npos) << r.failure;
  EXPECT_FALSE(g_after_throw);
  EXPECT_EQ(r.steps, 2u);  // the start event, and the step that threw
  EXPECT_EQ(r.leaked_events, 0u);
  // The trace ends with the failure, in the handler that threw, on core 2.
  ASSERT_TRUE(r.trace);
  const auto& last = r.trace->records.back();
  EXPECT_EQ(last.kind, lockstep::trace::kind::check_failed);
  EXPECT_EQ(last.core, 2u);
  EXPECT_EQ(last.in, lockstep::trace::failed_in::event);

  lockstep::sim::options again;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(r.replay, &again, &error)) << error;
  const auto rerun = lockstep::sim::run(again, start);
  EXPECT_EQ(rerun.failure, r.failure);
  EXPECT_EQ(rerun.trace_hash, r.trace_hash);
}

// Claim: the same holds for a poller, named by its function.
TEST(SimExceptions, APollerThatThrowsFailsTheRunNamingThePoller) {
  const auto r = lockstep::sim::run({}, [] {
    (void)lockstep::poller_register(throwing_poller, nullptr, 0);
  });
  expect_failure_starts_with(r, "uncaught exception: poller broke");
  EXPECT_NE(r.failure.find("throwing_poller"), std::string::npos) << r.failure;
}

// Claim: a timed poller too (and, in the sanitizer builds, the poller is freed with its run:
// it is off the timer heap while it runs).
TEST(SimExceptions, ATimedPollerThatThrowsFailsTheRun) {
  const auto r = lockstep::sim::run({}, [] {
    (void)lockstep::poller_register(throwing_poller, nullptr, 5);
  });
  expect_failure_starts_with(r, "uncaught exception: poller broke");
  EXPECT_NE(r.failure.find("throwing_poller"), std::string::npos) << r.failure;
}

// Claim: exceptions of other types fail the run too, with their type named.
TEST(SimExceptions, ANonStdExceptionIsNamedByItsType) {
  auto r = lockstep::sim::run({}, [] {
    lockstep::event_call(lockstep::event_allocate(1, throws_int, nullptr, nullptr));
  });
  expect_failure_starts_with(r, "uncaught exception of type int");
  r = lockstep::sim::run({}, [] {
    lockstep::event_call(lockstep::event_allocate(1, throws_struct, nullptr, nullptr));
  });
  expect_failure_starts_with(r, "uncaught exception of type ");
  EXPECT_NE(r.failure.find("not_a_std_exception"), std::string::npos) << r.failure;
}

// Claim: the start function itself may throw; the run fails, the next run is clean.
TEST(SimExceptions, AThrowingStartFailsOnlyItsRun) {
  const auto r = lockstep::sim::run({}, [] { throw std::runtime_error("no start"); });
  expect_failure_starts_with(r, "uncaught exception: no start");
  const auto next = lockstep::sim::run({}, [] { lockstep::app_stop(7); });
  EXPECT_EQ(next.outcome, outcome::stopped);
  EXPECT_EQ(next.rc, 7);
}

// Claim: an exploration over seeds where some runs throw reports each of them as a failure with
// its replay line, and runs every seed (with --keep-going).
TEST(SimExceptions, AnExplorationGoesOnPastRunsThatThrow) {
  lockstep::explore::options eo;
  eo.seeds = 64;
  eo.jobs = 2;
  eo.progress = false;
  eo.quiet = true;
  eo.stop_at_first_failure = false;
  eo.replay_command = "exceptions_test";
  auto scenario = [](const lockstep::sim::options& o, lockstep::sim::result* r) -> std::string {
    *r = lockstep::sim::run(o, [] {
      // Core 1 and core 2 each send to core 3; whichever arrives first throws when it is core 2's.
      for (uint32_t from : {1u, 2u}) {
        lockstep::event_call(lockstep::event_allocate(from, [](void*, void*) {
          const auto self = reinterpret_cast<void*>(uintptr_t{lockstep::current_core()});
          lockstep::event_call(lockstep::event_allocate(3, [](void*, void* sender) {
            static thread_local uint32_t arrived = 0;
            if (lockstep::current_core() == 3 && reinterpret_cast<uintptr_t>(sender) == 2 &&
                arrived == 0)
              throw std::runtime_error("core 2 came first");
            if (++arrived == 2) {
              arrived = 0;
              lockstep::app_stop(0);
            }
          }, nullptr, self));
        }, nullptr, nullptr));
      }
    });
    return r->outcome == outcome::failed ? r->failure : std::string();
  };
  const auto sum = lockstep::explore::run(eo, {}, scenario);
  EXPECT_EQ(sum.seeds_run, 64u);
  ASSERT_FALSE(sum.failures.empty());
  EXPECT_LT(sum.failures.size(), 64u);
  for (const auto& f : sum.failures) {
    EXPECT_EQ(f.why.rfind("uncaught exception: core 2 came first", 0), 0u) << f.why;
    EXPECT_NE(f.replay_command.find("lockstep-replay/3"), std::string::npos);
  }
}

}  // namespace
