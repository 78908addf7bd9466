// spdk_app_parse_args: SPDK's common options into spdk_app_opts, the application's own options
// through its callback, and SPDK's three results.
#include "spdk/event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::pair<int, std::string>> g_seen;  // what the application's callback got

int record(int ch, char* arg) {
  g_seen.emplace_back(ch, arg != nullptr ? arg : "");
  return ch == 'x' ? -EINVAL : 0;
}

bool g_usage_called = false;
void app_usage() { g_usage_called = true; }

// Parses `args` (argv[0] added) and returns the result; opts starts from spdk_app_opts_init.
spdk_app_parse_args_rvals_t parse(std::vector<std::string> args, spdk_app_opts* opts,
                                  const char* getopt_str = "t:yx",
                                  const struct option* long_opts = nullptr) {
  static std::vector<std::string> storage;
  storage = std::move(args);
  storage.insert(storage.begin(), "prog");
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  spdk_app_opts_init(opts, sizeof *opts);
  g_seen.clear();
  g_usage_called = false;
  optind = 0;  // a fresh getopt scan for each case
  testing::internal::CaptureStdout();
  const auto rc = spdk_app_parse_args(static_cast<int>(storage.size()), argv.data(), opts,
                                      getopt_str, long_opts, record, app_usage);
  testing::internal::GetCapturedStdout();
  return rc;
}

TEST(SpdkParseArgs, CommonOptionsFillTheOptions) {
  spdk_app_opts opts;
  ASSERT_EQ(parse({"-m", "0x3", "-p", "1", "-s", "1G", "-n", "4", "-r", "/tmp/sock", "-i", "-5",
                   "-u", "--silence-noticelog", "--env-context", "--foo bar"},
                  &opts),
            SPDK_APP_PARSE_ARGS_SUCCESS);
  EXPECT_STREQ(opts.reactor_mask, "0x3");
  EXPECT_EQ(opts.main_core, 1);
  EXPECT_EQ(opts.mem_size, 1024);  // 1G in MB
  EXPECT_EQ(opts.mem_channel, 4);
  EXPECT_STREQ(opts.rpc_addr, "/tmp/sock");
  EXPECT_EQ(opts.shm_id, -5);
  EXPECT_TRUE(opts.no_pci);
  EXPECT_EQ(opts.print_level, SPDK_LOG_WARN);
  EXPECT_STREQ(static_cast<const char*>(opts.env_context), "--foo bar");
  EXPECT_TRUE(g_seen.empty());

  ASSERT_EQ(parse({"--cpumask", "[0-1]", "--mem-size", "512", "--main-core", "0"}, &opts),
            SPDK_APP_PARSE_ARGS_SUCCESS);
  EXPECT_STREQ(opts.reactor_mask, "[0-1]");
  EXPECT_EQ(opts.mem_size, 512);
  EXPECT_EQ(opts.main_core, 0);
}

TEST(SpdkParseArgs, LogFlagIsEnabled) {
  spdk_app_opts opts;
  spdk_log_clear_flag("parse_args_flag");
  ASSERT_EQ(parse({"-L", "parse_args_flag"}, &opts), SPDK_APP_PARSE_ARGS_SUCCESS);
  EXPECT_TRUE(spdk_log_get_flag("parse_args_flag"));
  spdk_log_clear_flag("parse_args_flag");
}

TEST(SpdkParseArgs, ApplicationOptionsReachTheCallbackInOrder) {
  spdk_app_opts opts;
  const struct option long_opts[] = {{"depth", required_argument, nullptr, 300},
                                     {nullptr, 0, nullptr, 0}};
  ASSERT_EQ(parse({"-t", "5", "-m", "0x1", "-y", "--depth", "9"}, &opts, "t:y", long_opts),
            SPDK_APP_PARSE_ARGS_SUCCESS);
  ASSERT_EQ(g_seen.size(), 3u);
  EXPECT_EQ(g_seen[0], std::make_pair(int{'t'}, std::string("5")));
  EXPECT_EQ(g_seen[1], std::make_pair(int{'y'}, std::string()));
  EXPECT_EQ(g_seen[2], std::make_pair(300, std::string("9")));
  EXPECT_STREQ(opts.reactor_mask, "0x1");
}

TEST(SpdkParseArgs, HelpAndVersion) {
  spdk_app_opts opts;
  EXPECT_EQ(parse({"-h"}, &opts), SPDK_APP_PARSE_ARGS_HELP);
  EXPECT_TRUE(g_usage_called);
  EXPECT_EQ(parse({"--help"}, &opts), SPDK_APP_PARSE_ARGS_HELP);
  EXPECT_EQ(parse({"-v"}, &opts), SPDK_APP_PARSE_ARGS_HELP);
}

TEST(SpdkParseArgs, Failures) {
  spdk_app_opts opts;
  spdk_log_set_print_level(SPDK_LOG_DISABLED);
  EXPECT_EQ(parse({"-x"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);          // the callback refuses
  EXPECT_EQ(g_seen.size(), 1u);
  EXPECT_EQ(parse({"-q"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);          // unknown option
  EXPECT_TRUE(g_usage_called);
  EXPECT_EQ(parse({"-t"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);          // missing argument
  EXPECT_EQ(parse({"-p", "two"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);   // bad number
  EXPECT_EQ(parse({"-s", "lots"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);
  EXPECT_EQ(parse({"-A", "0000:01:00.0"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);  // no PCI lists
  EXPECT_EQ(parse({"--num-trace-entries", "3"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);
  EXPECT_EQ(parse({"-c", "x.json", "--wait-for-rpc"}, &opts), SPDK_APP_PARSE_ARGS_FAIL);
  // The application may not reuse a common letter.
  EXPECT_EQ(parse({}, &opts, "m:"), SPDK_APP_PARSE_ARGS_FAIL);
  EXPECT_TRUE(g_seen.empty());
  spdk_log_set_print_level(SPDK_LOG_NOTICE);
}

TEST(SpdkParseArgs, TheEnumHasSpdksValues) {
  static_assert(SPDK_APP_PARSE_ARGS_HELP == 0);
  static_assert(SPDK_APP_PARSE_ARGS_SUCCESS == 1);
  static_assert(SPDK_APP_PARSE_ARGS_FAIL == 2);
  EXPECT_STREQ(SPDK_APP_GETOPT_STRING, "c:de:ghi:m:n:p:r:s:uvA:B:L:RW:");
}

}  // namespace
