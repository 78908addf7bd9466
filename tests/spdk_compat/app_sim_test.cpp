// spdk_app_start in the simulator (this test links lockstep::spdk_app_sim): the options from
// LOCKSTEP_SPDK_SIM, the cores of the reactor mask as simulated cores 0..n-1, core enumeration
// after spdk_app_start returns, the main core and spdk_app_start_shutdown.
#include "c_app.h"

#include "spdk/event.h"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using lockstep::spdk_compat::app_sim_options;

spdk_app_opts quiet_opts(const char* mask) {
  spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof opts);
  opts.reactor_mask = mask;
  opts.print_level = SPDK_LOG_DISABLED;
  return opts;
}

std::vector<uint32_t> enumerated_cores() {
  std::vector<uint32_t> cores;
  uint32_t core = 0;
  SPDK_ENV_FOREACH_CORE(core) { cores.push_back(core); }
  return cores;
}

TEST(SpdkAppSim, LinkingTheSelectorChoosesTheSimulator) {
  EXPECT_EQ(lockstep::spdk_compat::get_app_backend(), lockstep::spdk_compat::app_backend::sim);
}

TEST(SpdkAppSim, AppStartRunsInTheSimulatorAndCoresOutliveIt) {
  unsetenv("LOCKSTEP_SPDK_SIM");
  EXPECT_EQ(spdk_env_get_core_count(), 0u);  // before the first application
  EXPECT_EQ(spdk_env_get_main_core(), UINT32_MAX);
  spdk_app_opts opts = quiet_opts("0xc");  // lcores 2 and 3: simulated as cores 0 and 1
  testing::internal::CaptureStderr();
  const int rc = spdk_app_start(&opts, c_app_start, nullptr);
  const std::string err = testing::internal::GetCapturedStderr();
  spdk_app_fini();
  ASSERT_EQ(rc, 7) << err;
  EXPECT_EQ(g_c_app.cores_seen, 2u);
  EXPECT_EQ(g_c_app.last_core, 1u);
  EXPECT_NE(err.find("simulated on 2 core(s): outcome stopped rc 7"), std::string::npos) << err;
  EXPECT_NE(err.find("rerun: LOCKSTEP_SPDK_SIM='lockstep-replay/"), std::string::npos) << err;
  // After spdk_app_start (and spdk_app_fini), as in SPDK: the application's cores.
  EXPECT_EQ(spdk_env_get_core_count(), 2u);
  EXPECT_EQ(enumerated_cores(), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(spdk_env_get_last_core(), 1u);
  EXPECT_EQ(spdk_env_get_main_core(), 0u);
  EXPECT_EQ(spdk_env_get_current_core(), SPDK_ENV_LCORE_ID_ANY);
}

TEST(SpdkAppSim, TheEnvironmentChoosesTheRun) {
  spdk_app_opts opts = quiet_opts("0xf");
  setenv("LOCKSTEP_SPDK_SIM", "seed=9 strategy=pct", 1);
  testing::internal::CaptureStderr();
  ASSERT_EQ(spdk_app_start(&opts, c_app_start, nullptr), 7);
  const std::string first = testing::internal::GetCapturedStderr();
  EXPECT_NE(first.find(" cores=4 seed=9 strategy=pct "), std::string::npos) << first;
  // The printed line reruns exactly that run: the same summary, the same trace hash.
  const size_t from = first.find("LOCKSTEP_SPDK_SIM='") + 19;
  const std::string line = first.substr(from, first.find('\'', from) - from);
  setenv("LOCKSTEP_SPDK_SIM", line.c_str(), 1);
  testing::internal::CaptureStderr();
  ASSERT_EQ(spdk_app_start(&opts, c_app_start, nullptr), 7);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), first);
  unsetenv("LOCKSTEP_SPDK_SIM");
}

TEST(SpdkAppSim, BadEnvironmentIsRefusedBeforeAnythingRuns) {
  spdk_app_opts opts = quiet_opts("0x3");
  opts.print_level = SPDK_LOG_ERROR;
  for (const char* bad : {"seed=x", "nonsense=1", "cores=2", "seed", "max_steps=0",
                          "lockstep-replay/0 cores=2"}) {
    setenv("LOCKSTEP_SPDK_SIM", bad, 1);
    testing::internal::CaptureStderr();
    EXPECT_EQ(spdk_app_start(&opts, [](void*) { ADD_FAILURE() << "ran"; }, nullptr), -EINVAL)
        << bad;
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("LOCKSTEP_SPDK_SIM: "), std::string::npos) << bad << ": " << err;
  }
  unsetenv("LOCKSTEP_SPDK_SIM");
}

TEST(SpdkAppSim, OptionsFromText) {
  lockstep::sim::options o;
  std::string error;
  ASSERT_TRUE(app_sim_options("alloc_fail_ppm=5 seed=4", 3, &o, &error)) << error;
  EXPECT_EQ(o.cores, 3u);
  EXPECT_EQ(o.seed, 4u);
  EXPECT_EQ(o.alloc_fail_ppm, 5u);
  ASSERT_TRUE(app_sim_options(nullptr, 2, &o, &error)) << error;
  EXPECT_EQ(o.cores, 2u);
  lockstep::sim::options line_opts;
  line_opts.cores = 5;
  line_opts.seed = 77;
  const std::string line = lockstep::sim::format_replay(line_opts);
  ASSERT_TRUE(app_sim_options(line.c_str(), 5, &o, &error)) << error;
  EXPECT_EQ(o.seed, 77u);
  EXPECT_FALSE(app_sim_options(line.c_str(), 4, &o, &error));  // the mask has 4 cores
  EXPECT_NE(error.find("cores=5"), std::string::npos) << error;
}

TEST(SpdkAppSim, KeyValueWordsKeepRunSimsThreadPerCoreDefault) {
  // Words that do not name thread_per_core leave it unset, so run_sim gives each core its own
  // thread (SPDK's __thread state per core); a whole replay line without the key means off.
  lockstep::sim::options o;
  std::string error;
  ASSERT_TRUE(app_sim_options("seed=4", 2, &o, &error)) << error;
  EXPECT_FALSE(o.thread_per_core.has_value());
  ASSERT_TRUE(app_sim_options("seed=4 thread_per_core=0", 2, &o, &error)) << error;
  ASSERT_TRUE(o.thread_per_core.has_value());
  EXPECT_FALSE(*o.thread_per_core);
  ASSERT_TRUE(app_sim_options("thread_per_core=1", 2, &o, &error)) << error;
  EXPECT_TRUE(o.thread_per_core.value_or(false));
  lockstep::sim::options line_opts;
  line_opts.cores = 2;
  ASSERT_TRUE(app_sim_options(lockstep::sim::format_replay(line_opts).c_str(), 2, &o, &error))
      << error;
  ASSERT_TRUE(o.thread_per_core.has_value());
  EXPECT_FALSE(*o.thread_per_core);
}

// spdk_app_start_shutdown: the shutdown callback on the main core, as a signal would.
uint32_t g_shutdown_core = UINT32_MAX;
uint32_t g_main_core_seen = UINT32_MAX;
void on_shutdown() {
  g_shutdown_core = spdk_env_get_current_core();
  spdk_app_stop(5);
}
void ask_for_shutdown(void*, void*) { spdk_app_start_shutdown(); }
void start_then_shutdown_from_core_1(void*) {
  g_main_core_seen = spdk_env_get_main_core();
  spdk_event_call(spdk_event_allocate(1, ask_for_shutdown, nullptr, nullptr));
}

TEST(SpdkAppSim, StartShutdownCallsTheShutdownCallbackOnTheMainCore) {
  unsetenv("LOCKSTEP_SPDK_SIM");
  spdk_app_opts opts = quiet_opts("0x3");
  opts.shutdown_cb = on_shutdown;
  testing::internal::CaptureStderr();
  const int rc = spdk_app_start(&opts, start_then_shutdown_from_core_1, nullptr);
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 5);
  EXPECT_EQ(g_shutdown_core, 0u);
  EXPECT_EQ(g_main_core_seen, 0u);
}

void wait_forever(void*) {}

TEST(SpdkAppSim, AnApplicationThatNeverStopsIsAHang) {
  unsetenv("LOCKSTEP_SPDK_SIM");
  spdk_app_opts opts = quiet_opts("0x1");
  testing::internal::CaptureStderr();
  EXPECT_EQ(spdk_app_start(&opts, wait_forever, nullptr), -1);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("outcome hang"), std::string::npos) << err;
}

}  // namespace

namespace {

void delay_then_stop(void*) {
  spdk_delay_us(1000);  // the simulator's clock does not move within an event: returns
  spdk_app_stop(3);
}

TEST(SpdkAppSim, DelayInTheSimulatorReturns) {
  unsetenv("LOCKSTEP_SPDK_SIM");
  spdk_app_opts opts = quiet_opts("0x1");
  testing::internal::CaptureStderr();
  EXPECT_EQ(spdk_app_start(&opts, delay_then_stop, nullptr), 3);
  testing::internal::GetCapturedStderr();
}

}  // namespace
