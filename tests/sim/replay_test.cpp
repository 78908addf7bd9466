// The replay line reruns exactly the same run, and anything else is rejected loudly.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

namespace {

TEST(SimReplay, FormatThenParseGivesBackEveryOption) {
  lockstep::sim::options o;
  o.cores = 7;
  o.seed = 0xFFFFFFFFFFFFFFFFull;
  o.strategy = lockstep::sim::strategy::pct;
  o.pct_depth = 5;
  o.pct_horizon_steps = 123;
  o.event_pool_size = 99;
  o.alloc_fail_ppm = 1'000'000;
  o.alloc_fail_nth = 42;
  o.max_steps = 77;
  o.shutdown_ppm = 3;
  o.trace = true;
  lockstep::sim::options back;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(lockstep::sim::format_replay(o), &back, &error)) << error;
  EXPECT_EQ(lockstep::sim::format_replay(back), lockstep::sim::format_replay(o));
  EXPECT_EQ(back.cores, 7u);
  EXPECT_EQ(back.seed, o.seed);
  EXPECT_EQ(back.strategy, lockstep::sim::strategy::pct);
  EXPECT_EQ(back.alloc_fail_nth, 42u);
  EXPECT_TRUE(back.trace);
}

TEST(SimReplay, TheResultsReplayLineRerunsTheSameRun) {
  lockstep::sim::options o;
  o.seed = 1234;
  o.alloc_fail_ppm = 100'000;
  auto program = [] {
    for (uint32_t c = 0; c < 4; ++c) {
      lockstep::event* ev = lockstep::event_allocate(c, [](void*, void*) {}, nullptr, nullptr);
      if (ev != nullptr) lockstep::event_call(ev);
    }
  };
  const auto first = lockstep::sim::run(o, program);
  lockstep::sim::options again;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(first.replay, &again, &error)) << error;
  const auto second = lockstep::sim::run(again, program);
  EXPECT_EQ(second.trace_hash, first.trace_hash);
  EXPECT_EQ(second.alloc_failures, first.alloc_failures);
  EXPECT_EQ(second.replay, first.replay);
}

TEST(SimReplay, RejectsOtherVersionsUnknownAndMissingOptionsAndBadValues) {
  const std::string good = lockstep::sim::format_replay({});
  struct bad_case {
    std::string line;
    const char* expected;
  };
  const std::vector<bad_case> cases = {
      {"lockstep-replay/2" + good.substr(good.find(' ')), "format lockstep-replay/2"},
      {"seed=3 cores=4", "not a replay line"},
      {good + " colour=blue", "unknown option 'colour'"},
      {good + " seed=4", "repeats option 'seed'"},
      {"lockstep-replay/1 cores=4", "lacks option"},
      {[&] {
         std::string s = good;
         s.replace(s.find("cores=4"), 7, "cores=x4");
         return s;
       }(),
       "bad value 'x4'"},
      {[&] {
         std::string s = good;
         s.replace(s.find("strategy=random"), 15, "strategy=dfs");
         return s;
       }(),
       "bad value 'dfs'"},
      {good + " seed", "not key=value"},
  };
  for (const auto& c : cases) {
    lockstep::sim::options o;
    o.seed = 99;
    std::string error;
    EXPECT_FALSE(lockstep::sim::parse_replay(c.line, &o, &error)) << c.line;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.line << " -> " << error;
    EXPECT_EQ(o.seed, 99u) << "a rejected line must not change the options";
  }
}

}  // namespace
