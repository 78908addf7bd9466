// EAL failures: a clear message and run_failed, never an abort. Each test runs in a process of
// its own (CTest runs every test separately), because a failed EAL initialization cannot be
// retried in a process — that is part of what is tested.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

// Claim: bad EAL arguments make run return run_failed with a message naming EAL and the
// arguments, without calling start; a later run in the same process is refused with a message
// saying why, instead of crashing in DPDK.
TEST(RealEalFailure, BadArgumentsAreReportedAndNotRetried) {
  lockstep::real::options o = real_test::options(255);
  o.eal_args.push_back("--no-such-eal-option");
  bool started = false;
  lockstep::real::run_stats stats;
  stats.lcores = 99;
  testing::internal::CaptureStderr();
  const int rc = lockstep::real::run(o, [&] { started = true; }, &stats);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, lockstep::real::run_failed);
  EXPECT_FALSE(started);
  EXPECT_EQ(stats.lcores, 0u);
  EXPECT_NE(err.find("lockstep::real::run: DPDK EAL could not start"), std::string::npos) << err;
  EXPECT_NE(err.find("--no-such-eal-option"), std::string::npos) << err;

  testing::internal::CaptureStderr();
  const int again = lockstep::real::run(real_test::options(255), [&] { started = true; });
  const std::string again_err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(again, lockstep::real::run_failed);
  EXPECT_FALSE(started);
  EXPECT_NE(again_err.find("failed earlier in this process"), std::string::npos) << again_err;
}

// Claim: a pool that does not fit EAL's memory is refused with a message that says what to
// change, and EAL stays usable: a smaller pool then runs in the same process.
TEST(RealEalFailure, APoolTooLargeForEalMemoryIsRefusedAndEalStaysUsable) {
  lockstep::real::options o = real_test::options(lockstep::real::options{}.event_pool_size);
  for (size_t i = 0; i + 1 < o.eal_args.size(); ++i)
    if (o.eal_args[i] == "-m") o.eal_args[i + 1] = "24";  // MB: less than the default pool needs
  o.event_pool_size = 1u << 24;                          // the largest pool: ~2 GB of events
  bool started = false;
  testing::internal::CaptureStderr();
  const int rc = lockstep::real::run(o, [&] { started = true; });
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, lockstep::real::run_failed);
  EXPECT_FALSE(started);
  EXPECT_NE(err.find("cannot create the event pool"), std::string::npos) << err;
  EXPECT_NE(err.find("give EAL more memory"), std::string::npos) << err;

  o.event_pool_size = 1023;
  EXPECT_EQ(lockstep::real::run(o, [] { lockstep::app_stop(4); }), 4);
}

}  // namespace
