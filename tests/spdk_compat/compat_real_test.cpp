// spdk_app_start on the real (DPDK) backend: the C test application (c_app.c) on the lcores of a
// reactor mask.
#include "c_app.h"

#include "spdk/event.h"

#include <gtest/gtest.h>

namespace {

uint32_t sum(const uint32_t (&per_core)[128]) {
  uint32_t n = 0;
  for (uint32_t v : per_core) n += v;
  return n;
}

// DPDK initializes EAL once per process, with the first run's lcores: each of these tests needs
// a process of its own, as CTest runs them (gtest_discover_tests, one process per test).
TEST(SpdkCompatReal, AppStartRunsOnTheLcoresOfTheReactorMask) {
  spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof opts);
  opts.name = "spdk_compat_test";
  opts.reactor_mask = "0x3";
  opts.print_level = SPDK_LOG_WARN;
  const int rc = spdk_app_start(&opts, c_app_start, nullptr);
  spdk_app_fini();
  spdk_log_set_print_level(SPDK_LOG_NOTICE);
  ASSERT_EQ(rc, 7);
  EXPECT_EQ(g_c_app.cores_seen, 2u);
  EXPECT_EQ(g_c_app.last_core, 1u);
  EXPECT_EQ(g_c_app.events_run[0], 3u);
  EXPECT_EQ(g_c_app.events_run[1], 3u);
  EXPECT_EQ(sum(g_c_app.events_wrong_core), 0u);
  EXPECT_EQ(g_c_app.poller_runs, 3u);
  EXPECT_EQ(g_c_app.ticks_hz, 1'000'000'000u);
}

TEST(SpdkCompatReal, AppStartOnOneLcoreOfAList) {
  spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof opts);
  opts.reactor_mask = "[1]";
  opts.print_level = SPDK_LOG_WARN;
  const int rc = spdk_app_start(&opts, c_app_start, nullptr);
  spdk_app_fini();
  spdk_log_set_print_level(SPDK_LOG_NOTICE);
  ASSERT_EQ(rc, 7);
  EXPECT_EQ(g_c_app.cores_seen, 1u);
  EXPECT_EQ(g_c_app.events_run[1], 3u);
  EXPECT_EQ(g_c_app.events_run[0], 0u);
}

}  // namespace
