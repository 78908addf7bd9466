// The SPDK compatibility layer through its C headers: events, cores, pollers, checks, the
// application frame, reactor masks. The C side is c_app.c, compiled as strict C11.
#include "c_app.h"

#include "lockstep/spdk_check.h"
#include "spdk/event.h"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lockstep::sim::outcome;

uint32_t sum(const uint32_t (&per_core)[128]) {
  uint32_t n = 0;
  for (uint32_t v : per_core) n += v;
  return n;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SpdkCompat, CApplicationRunsInTheSimulator) {
  lockstep::sim::options o;
  o.cores = 4;
  o.seed = 11;
  o.trace = true;
  const auto r = lockstep::spdk_compat::run_sim(o, c_app_start, nullptr);
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(r.rc, 7);
  EXPECT_EQ(g_c_app.cores_seen, 4u);
  EXPECT_EQ(g_c_app.last_core, 3u);
  EXPECT_EQ(sum(g_c_app.events_run), 12u);
  EXPECT_EQ(g_c_app.events_run[3], 3u);
  EXPECT_EQ(sum(g_c_app.events_wrong_core), 0u);
  EXPECT_EQ(g_c_app.poller_runs, 3u);
  EXPECT_EQ(g_c_app.poller_unregistered, 1);
  EXPECT_EQ(g_c_app.ticks_hz, 1'000'000'000u);
  EXPECT_EQ(r.leaked_events, 0u);

  // Trace labels carry the event function's name as the macro spelled it.
  const std::string path = ::testing::TempDir() + "spdk_compat_trace.txt";
  ASSERT_TRUE(lockstep::sim::write_trace(r, path));
  const std::string trace = read_file(path);
  std::remove(path.c_str());
  EXPECT_NE(trace.find(" on_core\n"), std::string::npos) << trace.substr(0, 400);
  EXPECT_NE(trace.find(" back_on_first\n"), std::string::npos) << trace.substr(0, 400);
}

TEST(SpdkCompat, SameSeedSameTraceHash) {
  lockstep::sim::options o;
  o.cores = 3;
  o.seed = 5;
  const auto a = lockstep::spdk_compat::run_sim(o, c_app_start, nullptr);
  const auto b = lockstep::spdk_compat::run_sim(o, c_app_start, nullptr);
  ASSERT_EQ(a.outcome, outcome::stopped) << a.failure;
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  o.seed = 6;
  const auto c = lockstep::spdk_compat::run_sim(o, c_app_start, nullptr);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(SpdkCompat, EventCallOfNullIsMisuseNamingTheCaller) {
  lockstep::sim::options o;
  o.cores = 2;
  const auto r = lockstep::spdk_compat::run_sim(o, c_app_call_null, nullptr);
  ASSERT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("spdk_event_call(NULL) in c_app_call_null()"), std::string::npos)
      << r.failure;
  EXPECT_NE(r.failure.find("c_app.c:"), std::string::npos) << r.failure;
  EXPECT_EQ(r.rc, 0);  // spdk_app_stop(1) after the call never ran
}

TEST(SpdkCompat, CCheckEndsTheRunWithItsMessage) {
  lockstep::sim::options o;
  o.cores = 1;
  const auto r = lockstep::spdk_compat::run_sim(o, c_app_check_fails, nullptr);
  ASSERT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("one is not two"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("1 == 2"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("c_app.c:"), std::string::npos) << r.failure;
}

TEST(SpdkCompat, PoolsRingsAndSpinlocksFromC) { EXPECT_EQ(c_app_env_pools(), 0); }

TEST(SpdkCompat, RunSimWithoutStartFunctionFails) {
  const auto r = lockstep::spdk_compat::run_sim({}, nullptr, nullptr);
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("start"), std::string::npos) << r.failure;
}

TEST(SpdkCompat, EnvOutsideARunGivesNeutralAnswers) {
  EXPECT_EQ(spdk_env_get_core_count(), 0u);
  EXPECT_EQ(spdk_env_get_current_core(), SPDK_ENV_LCORE_ID_ANY);
  EXPECT_EQ(spdk_env_get_first_core(), UINT32_MAX);
  EXPECT_EQ(spdk_get_ticks(), 0u);
  uint32_t n = 0, core = 0;
  SPDK_ENV_FOREACH_CORE(core) { ++n; }
  EXPECT_EQ(n, 0u);
}

TEST(SpdkCompat, AppOptsInitFillsDefaults) {
  spdk_app_opts opts;
  std::memset(&opts, 0xab, sizeof opts);
  spdk_app_opts_init(&opts, sizeof opts);
  EXPECT_STREQ(opts.reactor_mask, "0x1");
  EXPECT_EQ(opts.main_core, -1);
  EXPECT_EQ(opts.mem_size, 256);
  EXPECT_TRUE(opts.no_pci);
  EXPECT_TRUE(opts.no_huge);
  EXPECT_EQ(opts.env_context, nullptr);
  EXPECT_EQ(opts.shutdown_cb, nullptr);
  EXPECT_EQ(opts.print_level, SPDK_LOG_NOTICE);
  EXPECT_EQ(opts.event_pool_size, 0u);
  EXPECT_EQ(opts.opts_size, sizeof opts);
}

TEST(SpdkCompat, AppOptsInitWritesNoFurtherThanOptsSize) {
  // An application built against a shorter struct: fields past its size stay untouched.
  spdk_app_opts opts;
  std::memset(&opts, 0xab, sizeof opts);
  const size_t short_size = offsetof(spdk_app_opts, mem_size);
  spdk_app_opts_init(&opts, short_size);
  EXPECT_STREQ(opts.reactor_mask, "0x1");
  EXPECT_EQ(opts.main_core, -1);
  unsigned char after[sizeof opts];
  std::memcpy(after, &opts, sizeof opts);
  for (size_t i = short_size; i < sizeof opts; ++i) ASSERT_EQ(after[i], 0xab) << "byte " << i;
}

void never_started(void*) { ADD_FAILURE() << "start function ran"; }

TEST(SpdkCompat, AppStartRejectsBadOptions) {
  EXPECT_EQ(spdk_app_start(nullptr, never_started, nullptr), -EINVAL);
  spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof opts);
  opts.print_level = SPDK_LOG_DISABLED;
  EXPECT_EQ(spdk_app_start(&opts, nullptr, nullptr), -EINVAL);
  spdk_app_opts bad = opts;
  bad.opts_size = 3;
  EXPECT_EQ(spdk_app_start(&bad, never_started, nullptr), -EINVAL);
  bad = opts;
  bad.reactor_mask = "0xZ";
  EXPECT_EQ(spdk_app_start(&bad, never_started, nullptr), -EINVAL);
  bad = opts;
  bad.reactor_mask = "0x3";
  bad.main_core = 5;
  EXPECT_EQ(spdk_app_start(&bad, never_started, nullptr), -EINVAL);
  spdk_log_set_print_level(SPDK_LOG_NOTICE);
}

#ifndef LOCKSTEP_HAS_REAL
TEST(SpdkCompat, AppStartWithoutRealBackendSaysSo) {
  spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof opts);
  opts.print_level = SPDK_LOG_DISABLED;
  EXPECT_EQ(spdk_app_start(&opts, never_started, nullptr), -ENOTSUP);
  spdk_log_set_print_level(SPDK_LOG_NOTICE);
}
#endif

TEST(SpdkCompat, ReactorMasks) {
  using lockstep::spdk_compat::parse_reactor_mask;
  using v = std::vector<uint32_t>;
  std::string error;
  EXPECT_EQ(parse_reactor_mask("0x1", &error), v({0}));
  EXPECT_EQ(parse_reactor_mask("0x3", &error), v({0, 1}));
  EXPECT_EQ(parse_reactor_mask("0XA", &error), v({1, 3}));
  EXPECT_EQ(parse_reactor_mask("f0", &error), v({4, 5, 6, 7}));
  EXPECT_EQ(parse_reactor_mask("0x100", &error), v({8}));
  EXPECT_EQ(parse_reactor_mask("[0-1]", &error), v({0, 1}));
  EXPECT_EQ(parse_reactor_mask("[0,2-3,7]", &error), v({0, 2, 3, 7}));
  EXPECT_EQ(parse_reactor_mask("1-2", &error), v({1, 2}));
  EXPECT_EQ(parse_reactor_mask("[127]", &error), v({127}));
  for (const char* bad : {"", "0x", "0x0", "[", "[1-]", "[2-1]", "[128]", "0xg", "1,,2", "[a]",
                          "0x100000000000000000000000000000000"}) {
    error.clear();
    EXPECT_TRUE(parse_reactor_mask(bad, &error).empty()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_TRUE(parse_reactor_mask(nullptr, &error).empty());
}

}  // namespace

namespace {

std::vector<uint32_t> cores_of(const spdk_cpuset* set) {
  std::vector<uint32_t> out;
  for (uint32_t c = 0; c < 64; ++c)
    if (spdk_cpuset_get_cpu(set, c)) out.push_back(c);
  return out;
}

std::vector<uint32_t> g_mask_in_run;
void note_core_mask(void*) {
  g_mask_in_run = cores_of(spdk_app_get_core_mask());
  spdk_app_stop(0);
}

TEST(SpdkCompatApp, CoreMasksParseAsDashMAndTheRunsMaskIsItsCores) {
  spdk_cpuset set;
  spdk_cpuset_zero(&set);
  ASSERT_EQ(spdk_app_parse_core_mask("0x5", &set), 0);
  EXPECT_EQ(cores_of(&set), (std::vector<uint32_t>{0, 2}));
  ASSERT_EQ(spdk_app_parse_core_mask("[1-3]", &set), 0);
  EXPECT_EQ(cores_of(&set), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(spdk_app_parse_core_mask("0xZ", &set), -1);
  EXPECT_EQ(spdk_app_parse_core_mask("0x0", &set), -1);
  EXPECT_EQ(cores_of(&set), (std::vector<uint32_t>{1, 2, 3})) << "left as it was";
  lockstep::sim::options o;
  o.cores = 3;
  const auto r = lockstep::spdk_compat::run_sim(o, note_core_mask, nullptr);
  EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(g_mask_in_run, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(SpdkCompatApp, ContextSwitchMonitorIsStoredAndInterruptModeIsOff) {
  EXPECT_TRUE(spdk_framework_context_switch_monitor_enabled()) << "SPDK's default";
  spdk_framework_enable_context_switch_monitor(false);
  EXPECT_FALSE(spdk_framework_context_switch_monitor_enabled());
  spdk_framework_enable_context_switch_monitor(true);
  EXPECT_FALSE(spdk_interrupt_mode_is_enabled());
}

}  // namespace
