// The life of the real backend in one process: repeated runs reuse EAL, differing EAL arguments
// are reported, reactors are pinned one per lcore, misuse aborts with a message, and bad
// options are refused without starting.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace {

// Claim: run may be called again and again in one process (EAL initialized once), each run
// starting clean and returning its own app_stop rc.
TEST(RealLifecycle, RepeatedRunsInOneProcessEachReturnTheirRc) {
  for (int round = 0; round < 3; ++round) {
    lockstep::real::run_stats stats;
    uint32_t cores = 0;
    const int rc = lockstep::real::run(
        real_test::options(255),
        [&] {
          cores = lockstep::core_count();
          lockstep::app_stop(40 + round);
        },
        &stats);
    EXPECT_EQ(rc, 40 + round);
    EXPECT_EQ(cores, 2u);
    EXPECT_EQ(stats.events_executed, 1u);
    EXPECT_EQ(stats.lcores, 2u);
  }
}

// Claim: once EAL is up, eal_args that differ from the first run's are reported on stderr
// (and have no effect); equal ones are not.
TEST(RealLifecycle, DifferentEalArgsOnALaterRunAreReported) {
  ASSERT_EQ(lockstep::real::run(real_test::options(255), [] { lockstep::app_stop(0); }), 0);
  testing::internal::CaptureStderr();
  const int same = lockstep::real::run(real_test::options(255), [] { lockstep::app_stop(1); });
  const std::string same_err = testing::internal::GetCapturedStderr();
  lockstep::real::options other = real_test::options(255);
  other.eal_args.push_back("--log-level=lib.eal:debug");
  testing::internal::CaptureStderr();
  const int differs = lockstep::real::run(other, [] { lockstep::app_stop(2); });
  const std::string differs_err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(same, 1);
  EXPECT_EQ(differs, 2);
  EXPECT_EQ(same_err.find("differ"), std::string::npos) << same_err;
  EXPECT_NE(differs_err.find("differ from the first run's"), std::string::npos) << differs_err;
  EXPECT_NE(differs_err.find("--log-level=lib.eal:debug"), std::string::npos) << differs_err;
}

struct placement {
  uint32_t cpus_in_affinity[2] = {0, 0};
  int cpu[2] = {-1, -1};
  uint32_t seen_core[2] = {lockstep::no_core, lockstep::no_core};

  static void look(void* self, void* slot_ptr) {
    auto* p = static_cast<placement*>(self);
    const auto slot = reinterpret_cast<uintptr_t>(slot_ptr);
    cpu_set_t set;
    CPU_ZERO(&set);
    pthread_getaffinity_np(pthread_self(), sizeof set, &set);
    p->cpus_in_affinity[slot] = static_cast<uint32_t>(CPU_COUNT(&set));
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) p->cpu[slot] = c;
    p->seen_core[slot] = lockstep::current_core();
    if (slot == 1) lockstep::app_stop(0);
  }
};

// Claim: every lcore's reactor runs on its own thread pinned to one CPU (EAL's pinning), and an
// event runs on the core it was allocated for.
TEST(RealLifecycle, ReactorsArePinnedOnePerLcore) {
  placement p;
  uint32_t cores[2] = {lockstep::no_core, lockstep::no_core};
  const int rc = lockstep::real::run(real_test::options(255), [&] {
    cores[0] = lockstep::first_core();
    cores[1] = lockstep::next_core(cores[0]);
    placement::look(&p, reinterpret_cast<void*>(uintptr_t{0}));
    lockstep::event_call(lockstep::event_allocate(cores[1], placement::look, &p,
                                                  reinterpret_cast<void*>(uintptr_t{1})));
  });
  ASSERT_EQ(rc, 0);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(p.cpus_in_affinity[i], 1u) << "lcore " << cores[i] << " is not pinned";
    EXPECT_EQ(p.seen_core[i], cores[i]);
  }
  EXPECT_NE(p.cpu[0], p.cpu[1]);
}

// Claim: API misuse on a real lcore ends the process with a message that names the misuse
// (LOCKSTEP_CHECK semantics on the real backend: log, then abort).
TEST(RealLifecycleDeathTest, MisuseOnAnLcoreAbortsWithAMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          lockstep::event_call(nullptr);
        });
      },
      "lockstep: check failed on lcore [0-9]+: event_call\\(nullptr\\)");
}

// Claim: a failing LOCKSTEP_CHECK in application code aborts with its message.
TEST(RealLifecycleDeathTest, FailedCheckAbortsWithItsMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        (void)lockstep::real::run(real_test::options(255), [] {
          LOCKSTEP_CHECK(lockstep::core_count() == 3, "three cores expected");
        });
      },
      "three cores expected \\[LOCKSTEP_CHECK\\(lockstep::core_count\\(\\) == 3\\)");
}

// Claim: bad options and calls that cannot be served are refused with run_failed, a message,
// and without calling start.
TEST(RealLifecycle, BadCallsAreRefusedWithoutStarting) {
  bool started = false;
  lockstep::real::options zero_pool = real_test::options(0);
  testing::internal::CaptureStderr();
  EXPECT_EQ(lockstep::real::run(zero_pool, [&] { started = true; }), lockstep::real::run_failed);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("event_pool_size"), std::string::npos);

  testing::internal::CaptureStderr();
  EXPECT_EQ(lockstep::real::run(real_test::options(255), {}), lockstep::real::run_failed);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("start is empty"), std::string::npos);

  // A run from inside a run.
  int inner = 0;
  const int outer = lockstep::real::run(real_test::options(255), [&] {
    inner = lockstep::real::run(real_test::options(255), [&] { started = true; });
    lockstep::app_stop(0);
  });
  EXPECT_EQ(outer, 0);
  EXPECT_EQ(inner, lockstep::real::run_failed);

  // A run from a thread that is not EAL's main lcore.
  int from_thread = 0;
  std::thread([&] {
    from_thread = lockstep::real::run(real_test::options(255), [&] { started = true; });
  }).join();
  EXPECT_EQ(from_thread, lockstep::real::run_failed);
  EXPECT_FALSE(started);
}

}  // namespace
