// spdk/log.h: levels, per-flag enablement, the time-and-core prefix, quiet simulations.
#include "c_app.h"

#include "spdk/log.h"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <syslog.h>

namespace {

void capture(const char* line, void* ctx) {
  static_cast<std::vector<std::string>*>(ctx)->push_back(line);
}

// Every test starts and ends with the logger's defaults and no flag enabled.
class SpdkLog : public ::testing::Test {
 protected:
  void SetUp() override {
    reset();
    spdk_log_set_sink(capture, &lines_);
  }
  void TearDown() override {
    spdk_log_set_sink(nullptr, nullptr);
    reset();
  }
  static void reset() {
    spdk_log_set_print_level(SPDK_LOG_NOTICE);
    for (const char* f : {"c_app_ident", "c_app_literal", "x"}) spdk_log_clear_flag(f);
  }
  size_t count(const std::string& needle) const {
    size_t n = 0;
    for (const auto& l : lines_) n += l.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  lockstep::sim::result run(spdk_log_level level) {
    lockstep::sim::options o;
    o.cores = 3;
    o.seed = 3;
    lockstep::spdk_compat::sim_log log;
    log.print_level = level;
    return lockstep::spdk_compat::run_sim(o, c_app_start, nullptr, log);
  }
  std::vector<std::string> lines_;
};

TEST_F(SpdkLog, FlagsByIdentifierOrLiteralAreTheSameFlag) {
  EXPECT_FALSE(spdk_log_get_flag("x"));
  EXPECT_EQ(spdk_log_set_flag("\"x\""), 0);
  EXPECT_TRUE(spdk_log_get_flag("x"));
  EXPECT_TRUE(spdk_log_get_flag("\"x\""));
  EXPECT_EQ(spdk_log_clear_flag("x"), 0);
  EXPECT_FALSE(spdk_log_get_flag("\"x\""));
  EXPECT_EQ(spdk_log_set_flag(nullptr), -EINVAL);
  EXPECT_EQ(spdk_log_set_flag(""), -EINVAL);
  EXPECT_EQ(spdk_log_set_flag("\"\""), -EINVAL);
  EXPECT_EQ(spdk_log_set_flag(std::string(64, 'a').c_str()), -EINVAL);
  EXPECT_EQ(spdk_log_set_flag(std::string(63, 'a').c_str()), 0);
  EXPECT_FALSE(spdk_log_get_flag(nullptr));
}

TEST_F(SpdkLog, InfoLogPrintsOnlyForEnabledFlags) {
  ASSERT_EQ(run(SPDK_LOG_NOTICE).outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(count("*INFO*"), 0u);
  EXPECT_EQ(count("*ERROR*: error 1"), 1u);
  EXPECT_EQ(count("*WARNING*: warning 2"), 1u);
  EXPECT_EQ(count("*NOTICE*: notice 3"), 1u);

  lines_.clear();
  ASSERT_EQ(spdk_log_set_flag("c_app_literal"), 0);  // SPDK_INFOLOG("c_app_literal", ...)
  ASSERT_EQ(run(SPDK_LOG_NOTICE).outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(count("(literal flag)"), 9u);  // on_core runs 3 times on each of 3 cores
  EXPECT_EQ(count("(identifier flag)"), 0u);
  EXPECT_EQ(count("*DEBUG*"), 0u);

  lines_.clear();
  ASSERT_EQ(spdk_log_set_flag("c_app_ident"), 0);  // SPDK_INFOLOG(c_app_ident, ...)
  ASSERT_EQ(run(SPDK_LOG_NOTICE).outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(count("(identifier flag)"), 9u);
  EXPECT_EQ(count("*DEBUG*: debug on core"), 9u);
}

TEST_F(SpdkLog, LinesCarryBackendTimeAndCore) {
  ASSERT_EQ(spdk_log_set_flag("c_app_literal"), 0);
  ASSERT_EQ(run(SPDK_LOG_NOTICE).outcome, lockstep::sim::outcome::stopped);
  ASSERT_FALSE(lines_.empty());
  // [<ns> ns core <c>] c_app.c:<line>:on_core: *INFO*: on_core <target> (literal flag)\n
  size_t matched = 0;
  bool some_time_after_zero = false;
  for (const auto& l : lines_) {
    unsigned long long ns = 0;
    unsigned core = 0, line = 0, target = 0;
    int end = 0;
    if (std::sscanf(l.c_str(), "[%llu ns core %u] c_app.c:%u:on_core: *INFO*: on_core %u (literal flag)%n",
                    &ns, &core, &line, &target, &end) != 4)
      continue;
    ASSERT_EQ(l.substr(static_cast<size_t>(end)), "\n") << l;
    ++matched;
    EXPECT_EQ(core, target) << l;  // the core in the prefix is the core that logs
    some_time_after_zero = some_time_after_zero || ns > 0;
  }
  EXPECT_EQ(matched, 9u);
  EXPECT_TRUE(some_time_after_zero);  // virtual time advances in the simulator
  // A format without a final newline gets one; with one, it is not doubled.
  EXPECT_EQ(count("*NOTICE*: notice 3\n"), 1u);
  EXPECT_EQ(count("\n\n"), 0u);
}

TEST_F(SpdkLog, SimulationsAreQuietByDefault) {
  ASSERT_EQ(spdk_log_set_flag("c_app_literal"), 0);
  lockstep::sim::options o;
  o.cores = 2;
  ASSERT_EQ(lockstep::spdk_compat::run_sim(o, c_app_start, nullptr).outcome,
            lockstep::sim::outcome::stopped);
  EXPECT_TRUE(lines_.empty()) << lines_.front();
  // The process's level is untouched by a run, and applies again afterwards.
  EXPECT_EQ(spdk_log_get_print_level(), SPDK_LOG_NOTICE);
}

TEST_F(SpdkLog, PrintLevelFiltersOutsideARun) {
  spdk_log_set_print_level(SPDK_LOG_WARN);
  SPDK_NOTICELOG("not shown\n");
  SPDK_WARNLOG("shown %s\n", "warning");
  SPDK_ERRLOG("shown %s\n", "error");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0].rfind("[           0 ns core -] log_test.cpp:", 0), 0u) << lines_[0];
  EXPECT_NE(lines_[0].find(": *WARNING*: shown warning\n"), std::string::npos) << lines_[0];
  spdk_log_set_print_level(SPDK_LOG_DISABLED);
  SPDK_ERRLOG("not shown\n");
  EXPECT_EQ(lines_.size(), 2u);
}

TEST_F(SpdkLog, LongLinesAreCutAndSaySo) {
  const std::string big(5000, 'z');
  SPDK_ERRLOG("%s\n", big.c_str());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_LT(lines_[0].size(), 1100u);
  EXPECT_EQ(lines_[0].substr(lines_[0].size() - 6), "zz...\n");
}

}  // namespace

namespace {

struct opened_call {
  int level;
  std::string func, text;
};
std::vector<opened_call> g_opened;

void opened_log(int level, const char*, const int, const char* func, const char* format,
                va_list args) {
  char text[128];
  std::vsnprintf(text, sizeof text, format, args);
  g_opened.push_back({level, func, text});
}

void vlog_through(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  spdk_vlog(SPDK_LOG_ERROR, "f.c", 7, "vlog_through", format, ap);
  va_end(ap);
}

TEST_F(SpdkLog, VlogWritesALineAsSpdkLogDoes) {
  vlog_through("v %d", 42);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("f.c:7:vlog_through: *ERROR*: v 42"), std::string::npos) << lines_[0];
}

TEST_F(SpdkLog, AnOpenedLogFunctionTakesEveryMessageUntilClosed) {
  g_opened.clear();
  spdk_log_open(opened_log);
  spdk_log_set_flag("x");
  SPDK_ERRLOG("e %d\n", 1);
  SPDK_DEBUGLOG(x, "d %d\n", 2);  // below the print level: the function still gets it
  SPDK_INFOLOG(c_app_ident, "not enabled\n");
  spdk_log_close();
  SPDK_ERRLOG("after\n");
  ASSERT_EQ(g_opened.size(), 2u);
  EXPECT_EQ(g_opened[0].level, SPDK_LOG_ERROR);
  EXPECT_EQ(g_opened[0].text, "e 1\n");
  EXPECT_EQ(g_opened[1].level, SPDK_LOG_DEBUG);
  EXPECT_EQ(g_opened[1].text, "d 2\n");
  EXPECT_EQ(g_opened[1].func, "TestBody");
  ASSERT_EQ(lines_.size(), 1u) << "only the message after spdk_log_close is a line";
  EXPECT_NE(lines_[0].find("after"), std::string::npos);
  spdk_log_open(nullptr);  // syslog in SPDK: nothing changes here
  SPDK_ERRLOG("still a line\n");
  EXPECT_EQ(lines_.size(), 2u);
}

TEST_F(SpdkLog, TimestampsCanBeLeftOut) {
  spdk_log_enable_timestamps(false);
  SPDK_ERRLOG("plain\n");
  spdk_log_enable_timestamps(true);
  SPDK_ERRLOG("timed\n");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0].rfind("[core -] ", 0), 0u) << lines_[0];
  EXPECT_NE(lines_[1].find(" ns core -] "), std::string::npos) << lines_[1];
}

TEST(SpdkLogLevels, SyslogLevelsAreSpdks) {
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_ERROR), LOG_ERR);
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_WARN), LOG_WARNING);
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_NOTICE), LOG_NOTICE);
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_INFO), LOG_INFO);
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_DEBUG), LOG_INFO);
  EXPECT_EQ(spdk_log_to_syslog_level(SPDK_LOG_DISABLED), -1);
}

TEST(SpdkLogDump, SixteenBytesALineWithOffsetHexAndText) {
  char* out = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&out, &size);
  ASSERT_NE(f, nullptr);
  const char data[] = "ABCDEFGHIJKLMNOP\x01Z";  // 18 bytes without the final NUL
  spdk_log_dump(f, "label", data, 18);
  std::fclose(f);
  const std::string text(out, size);
  std::free(out);
  EXPECT_EQ(text.rfind("label\n00000000  41 42 43 44 45 46 47 48  49 ", 0), 0u) << text;
  EXPECT_NE(text.find(" ABCDEFGHIJKLMNOP\n00000010  01 5a "), std::string::npos) << text;
  EXPECT_NE(text.find(" .Z\n"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

}  // namespace
