// Claim: the cross-core example — the same application code the simulator explores — completes
// correctly on the real backend, also with a pool small enough that its retry paths run.
#include "real_test_support.hpp"

#include "cross_core_app.hpp"

#include <gtest/gtest.h>

namespace {

TEST(RealCrossCore, ExampleCompletesCorrectlyOnTwoLcores) {
  for (uint32_t pool_size : {262143u, 63u}) {
    cross_core::config cfg;
    cfg.tasks = 20'000;
    cfg.window = 64;
    cross_core::app a(cfg);
    lockstep::real::run_stats stats;
    const int rc = lockstep::real::run(real_test::options(pool_size), [&a] { a.start(); }, &stats);
    EXPECT_EQ(rc, 0) << "pool " << pool_size;
    EXPECT_TRUE(a.complete_and_correct()) << "pool " << pool_size << ": " << a.completed();
    EXPECT_EQ(stats.leaked_events, 0u);
    const auto per_core = a.processed_per_core();
    ASSERT_EQ(per_core.size(), 2u);
    EXPECT_EQ(per_core[0] + per_core[1], cfg.tasks);
  }
}

}  // namespace
