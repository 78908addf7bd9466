// The replay line reruns exactly the same run, and anything else is rejected loudly.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

namespace {

// Claim: the line is written as docs/exploration.md shows it (the defaults, seed 24), and with
// every optional key, the largest numbers and a run-length encoded vector as the format says.
TEST(SimReplay, TheLineIsWrittenAsTheFormatDocumentsIt) {
  lockstep::sim::options o;
  o.seed = 24;
  EXPECT_EQ(lockstep::sim::format_replay(o),
            "lockstep-replay/3 cores=4 seed=24 strategy=random pct_depth=3 pct_horizon_steps=1000 "
            "event_pool_size=4096 alloc_fail_ppm=0 alloc_fail_nth=0 max_steps=10000000 "
            "shutdown_ppm=0 stall_ppm=0 stall_steps_max=100 timer_jitter_ns=0 swarm=0 trace=0 "
            "decisions=-");
  o.cores = 63;
  o.seed = UINT64_MAX;
  o.strategy = lockstep::sim::strategy::pct;
  o.pct_horizon_steps = UINT64_MAX;
  o.max_steps = UINT64_MAX;
  o.timer_jitter_ns = UINT64_MAX;
  o.alloc_fail_nth = UINT32_MAX;
  o.swarm = true;
  o.trace = true;
  o.thread_per_core = true;
  o.step_cost_span_ns = 1000;
  o.decisions = std::vector<uint64_t>{0, 0, 0, 3, 0, 0, 0, 0, 1};
  EXPECT_EQ(lockstep::sim::format_replay(o),
            "lockstep-replay/3 cores=63 seed=18446744073709551615 strategy=pct pct_depth=3 "
            "pct_horizon_steps=18446744073709551615 event_pool_size=4096 alloc_fail_ppm=0 "
            "alloc_fail_nth=4294967295 max_steps=18446744073709551615 shutdown_ppm=0 "
            "stall_ppm=0 stall_steps_max=100 timer_jitter_ns=18446744073709551615 swarm=1 "
            "trace=1 thread_per_core=1 step_cost_span_ns=1000 decisions=[0*3,3,0*4,1]");
}

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
  o.stall_ppm = 17;
  o.stall_steps_max = 5;
  o.timer_jitter_ns = 999;
  o.swarm = true;
  o.trace = true;
  o.decisions = std::vector<uint64_t>{0, 0, 0, 7, 7, 1, 0, UINT64_MAX};
  lockstep::sim::options back;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(lockstep::sim::format_replay(o), &back, &error)) << error;
  EXPECT_EQ(lockstep::sim::format_replay(back), lockstep::sim::format_replay(o));
  EXPECT_EQ(back.cores, 7u);
  EXPECT_EQ(back.seed, o.seed);
  EXPECT_EQ(back.strategy, lockstep::sim::strategy::pct);
  EXPECT_EQ(back.alloc_fail_nth, 42u);
  EXPECT_TRUE(back.trace);
  EXPECT_EQ(back.stall_ppm, 17u);
  EXPECT_EQ(back.stall_steps_max, 5u);
  EXPECT_EQ(back.timer_jitter_ns, 999u);
  EXPECT_TRUE(back.swarm);
  EXPECT_EQ(back.decisions, o.decisions);
}

// step_cost_span_ns (set by the replay of a recording) is written only when set, and a line
// without it reads as the default spans; a span a run refuses is refused in a line too.
TEST(SimReplay, StepCostSpanIsOptionalInTheLine) {
  lockstep::sim::options o;
  const std::string plain = lockstep::sim::format_replay(o);
  EXPECT_EQ(plain.find("step_cost_span_ns"), std::string::npos);
  o.step_cost_span_ns = 1'000'000;
  const std::string wide = lockstep::sim::format_replay(o);
  EXPECT_NE(wide.find(" step_cost_span_ns=1000000 "), std::string::npos) << wide;
  lockstep::sim::options back;
  back.step_cost_span_ns = 5;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(wide, &back, &error)) << error;
  EXPECT_EQ(back.step_cost_span_ns, 1'000'000u);
  ASSERT_TRUE(lockstep::sim::parse_replay(plain, &back, &error)) << error;
  EXPECT_EQ(back.step_cost_span_ns, 0u);
  o.step_cost_span_ns = 2'000'000'000'000;
  EXPECT_FALSE(lockstep::sim::parse_replay(lockstep::sim::format_replay(o), &back, &error));
  EXPECT_NE(error.find("step_cost_span_ns must be at most 1000 s"), std::string::npos) << error;
  // A wider span changes the run's virtual time, not its schedule of events.
  auto run = [](const lockstep::sim::options& opts) {
    return lockstep::sim::run(opts, [] {
      lockstep::event* ev = lockstep::event_allocate(0, [](void*, void*) { lockstep::app_stop(0); },
                                                     nullptr, nullptr);
      lockstep::event_call(ev);
    });
  };
  lockstep::sim::options narrow, widened;
  narrow.seed = widened.seed = 3;
  widened.step_cost_span_ns = 1'000'000'000;
  const auto a = run(narrow), b = run(widened);
  EXPECT_EQ(a.outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(b.outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_LT(a.virtual_ns, 400u);
  EXPECT_GT(b.virtual_ns, 400u);  // 2 steps: below 400 ns is 1 chance in 1.25 million
}

TEST(SimReplay, DecisionVectorsAreRunLengthEncoded) {
  EXPECT_EQ(lockstep::sim::format_decisions({}), "[]");
  EXPECT_EQ(lockstep::sim::format_decisions({0, 0, 0, 3, 0, 0, 1}), "[0*3,3,0*2,1]");
  std::vector<uint64_t> back;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_decisions("[0*3,3,0*2,1]", &back, &error)) << error;
  EXPECT_EQ(back, (std::vector<uint64_t>{0, 0, 0, 3, 0, 0, 1}));
  ASSERT_TRUE(lockstep::sim::parse_decisions("[]", &back, &error)) << error;
  EXPECT_TRUE(back.empty());
  // A seeded run and a run driven by an (empty) vector are different runs: the line tells them
  // apart.
  lockstep::sim::options seeded, driven;
  driven.decisions = std::vector<uint64_t>{};
  EXPECT_NE(lockstep::sim::format_replay(seeded).find("decisions=-"), std::string::npos);
  EXPECT_NE(lockstep::sim::format_replay(driven).find("decisions=[]"), std::string::npos);
}

TEST(SimReplay, ADecisionLogReplaysTheRunAndAVectorDrivesIt) {
  auto program = [] {
    for (uint32_t c = 0; c < 4; ++c) {
      for (int k = 0; k < 3; ++k) {
        lockstep::event* ev = lockstep::event_allocate(c, [](void*, void*) {}, nullptr, nullptr);
        if (ev != nullptr) lockstep::event_call(ev);
      }
    }
  };
  lockstep::sim::options o;
  o.seed = 77;
  o.record_decisions = true;
  o.stall_ppm = 100'000;
  o.alloc_fail_ppm = 100'000;
  const auto first = lockstep::sim::run(o, program);
  ASSERT_EQ(first.decision_log.size(), first.decisions);
  ASSERT_GT(first.decisions, 0u);
  lockstep::sim::options driven = o;
  driven.seed = 1;  // unused when a vector drives the run
  driven.decisions = first.decision_log;
  const auto second = lockstep::sim::run(driven, program);
  EXPECT_EQ(second.trace_hash, first.trace_hash);
  EXPECT_EQ(second.decision_log, first.decision_log);
  // Past the end of a vector every choice is 0: an empty vector and a vector of zeros agree,
  // and both differ from the seeded run.
  lockstep::sim::options zeros = o;
  zeros.decisions = std::vector<uint64_t>{};
  const auto canonical = lockstep::sim::run(zeros, program);
  zeros.decisions = std::vector<uint64_t>(first.decisions, 0);
  EXPECT_EQ(lockstep::sim::run(zeros, program).trace_hash, canonical.trace_hash);
  for (uint64_t v : canonical.decision_log) EXPECT_EQ(v, 0u);
  // Any vector is a schedule (each value is taken modulo its choice's range), and the same
  // vector is the same run.
  lockstep::sim::options any = o;
  any.decisions = std::vector<uint64_t>{UINT64_MAX, 12345, 7, 0, 999'999'999};
  const auto x = lockstep::sim::run(any, program);
  EXPECT_EQ(lockstep::sim::run(any, program).trace_hash, x.trace_hash);
  ASSERT_GT(x.decision_log.size(), any.decisions->size());
  EXPECT_EQ(x.decision_log[3], 0u);  // 0 % n
  for (size_t i = any.decisions->size(); i < x.decision_log.size(); ++i)
    EXPECT_EQ(x.decision_log[i], 0u) << "past the vector's end, choice " << i;
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
      {"lockstep-replay/1" + good.substr(good.find(' ')), "format lockstep-replay/1"},
      {"lockstep-replay/2" + good.substr(good.find(' ')), "format lockstep-replay/2"},
      {"lockstep-replay/4" + good.substr(good.find(' ')), "format lockstep-replay/4"},
      {"seed=3 cores=4", "not a replay line"},
      {good + " colour=blue", "unknown option 'colour'"},
      {good + " seed=4", "repeats option 'seed'"},
      {"lockstep-replay/3 cores=4", "lacks option"},
      {[&] {
         std::string s = good;
         s.erase(s.find(" decisions=-"));
         return s;
       }(),
       "lacks option 'decisions'"},
      {[&] {
         std::string s = good;
         s.replace(s.find("decisions=-"), 11, "decisions=[1,,2]");
         return s;
       }(),
       "bad decision vector item"},
      {[&] {
         std::string s = good;
         s.replace(s.find("decisions=-"), 11, "decisions=[1*0]");
         return s;
       }(),
       "bad decision vector item"},
      {[&] {
         std::string s = good;
         s.replace(s.find("decisions=-"), 11, "decisions=1,2");
         return s;
       }(),
       "decision vector is written"},
      {[&] {
         std::string s = good;
         s.replace(s.find("swarm=0"), 7, "swarm=2");
         return s;
       }(),
       "bad value '2'"},
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
      // Values that parse but that no run accepts: rejected with run()'s reason, not run.
      {[&] {
         std::string s = good;
         s.replace(s.find("cores=4"), 7, "cores=0");
         return s;
       }(),
       "no run accepts: options.cores"},
      {[&] {
         std::string s = good;
         s.replace(s.find("alloc_fail_ppm=0"), 16, "alloc_fail_ppm=99999999");
         return s;
       }(),
       "no run accepts: options.alloc_fail_ppm"},
      {[&] {
         std::string s = good;
         s.replace(s.find("event_pool_size=4096"), 20, "event_pool_size=0");
         return s;
       }(),
       "no run accepts: options.event_pool_size"},
      {[&] {
         std::string s = good;
         s.replace(s.find("max_steps=10000000"), 18, "max_steps=0");
         return s;
       }(),
       "no run accepts: options.max_steps"},
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
