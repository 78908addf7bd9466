// Faults and strategies of the simulator as exploration uses them: stalls, timer jitter, swarm
// mode, PCT's priorities and its fallback, and the shared command-line flags.
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace {

using lockstep::sim::options;
using lockstep::sim::outcome;

// Cores 1 and 2 each run a chain of `length` events (each sends the next to its own core) and
// log which core ran each link; the run stops when both chains are done.
struct chains {
  uint32_t length = 10;
  uint32_t left[3] = {};
  uint32_t done = 0;
  std::vector<uint32_t> order;
  static void link(void* a, void*) {
    auto* c = static_cast<chains*>(a);
    const uint32_t self = lockstep::current_core();
    c->order.push_back(self);
    if (c->left[self]-- > 0) {
      lockstep::event_call(lockstep::event_allocate(self, link, c, nullptr));
    } else if (++c->done == 2) {
      lockstep::app_stop(0);
    }
  }
  lockstep::sim::result run(const options& o) {
    left[1] = left[2] = length;
    return lockstep::sim::run(o, [this] {
      lockstep::event_call(lockstep::event_allocate(1, link, this, nullptr));
      lockstep::event_call(lockstep::event_allocate(2, link, this, nullptr));
    });
  }
  uint32_t switches() const {
    uint32_t n = 0;
    for (size_t i = 1; i < order.size(); ++i) n += order[i] != order[i - 1] ? 1 : 0;
    return n;
  }
};

TEST(ExplorePct, DepthOneRunsTheHigherPriorityCoreToTheEnd) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    options o;
    o.cores = 3;
    o.seed = seed;
    o.strategy = lockstep::sim::strategy::pct;
    o.pct_depth = 1;
    chains c;
    ASSERT_EQ(c.run(o).outcome, outcome::stopped);
    EXPECT_EQ(c.switches(), 1u) << "seed " << seed << ": strict priorities never interleave";
  }
}

TEST(ExplorePct, TheRandomWalkInterleaves) {
  uint32_t most = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    options o;
    o.cores = 3;
    o.seed = seed;
    chains c;
    ASSERT_EQ(c.run(o).outcome, outcome::stopped);
    most = std::max(most, c.switches());
  }
  EXPECT_GE(most, 5u);
}

TEST(ExplorePct, AChangePointLetsTheOtherCoreRunBeforeTheFirstIsDone) {
  // Depth 2: one change point among the first 20 steps; for some seed it falls inside the
  // first chain, so that the lower-priority core runs in the middle of it.
  bool interrupted = false;
  for (uint64_t seed = 1; seed <= 100 && !interrupted; ++seed) {
    options o;
    o.cores = 3;
    o.seed = seed;
    o.strategy = lockstep::sim::strategy::pct;
    o.pct_depth = 2;
    o.pct_horizon_steps = 20;
    chains c;
    c.length = 30;  // longer than the horizon: the chains outlive the priorities
    c.run(o);
    interrupted = c.switches() >= 2;
  }
  EXPECT_TRUE(interrupted);
}

// Two cores that always have work: each event sends itself again, forever. The run can only
// end at max_steps; the question is whether both cores got to run.
struct forever {
  uint64_t runs[2] = {};
  static void spin(void* a, void*) {
    auto* f = static_cast<forever*>(a);
    ++f->runs[lockstep::current_core()];
    lockstep::event_call(lockstep::event_allocate(lockstep::current_core(), spin, f, nullptr));
  }
};

TEST(ExplorePct, AfterTheHorizonNoCoreStarves) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    options o;
    o.cores = 2;
    o.seed = seed;
    o.strategy = lockstep::sim::strategy::pct;
    o.pct_depth = 1;
    o.pct_horizon_steps = 100;
    o.max_steps = 1000;
    forever f;
    const auto r = lockstep::sim::run(o, [&f] {
      lockstep::event_call(lockstep::event_allocate(0, forever::spin, &f, nullptr));
      lockstep::event_call(lockstep::event_allocate(1, forever::spin, &f, nullptr));
    });
    EXPECT_EQ(r.outcome, outcome::step_limit);
    EXPECT_GT(f.runs[0], 100u) << "seed " << seed;
    EXPECT_GT(f.runs[1], 100u) << "seed " << seed;
  }
}

TEST(ExploreStalls, StallsChangeTheScheduleButNeverTheOutcome) {
  std::set<uint64_t> with, without;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    options o;
    o.cores = 3;
    o.seed = seed;
    chains plain;
    const auto a = plain.run(o);
    o.stall_ppm = 200'000;
    o.stall_steps_max = 8;
    chains stalled;
    const auto b = stalled.run(o);
    ASSERT_EQ(b.outcome, outcome::stopped);
    EXPECT_GT(b.stalls, 0u);
    EXPECT_EQ(a.stalls, 0u);
    with.insert(b.trace_hash);
    without.insert(a.trace_hash);
    EXPECT_EQ(stalled.order.size(), plain.order.size());
  }
  EXPECT_NE(with, without);
}

TEST(ExploreStalls, EveryCoreStalledStillRuns) {
  options o;
  o.cores = 3;
  o.stall_ppm = 1'000'000;  // a stall at every step
  o.stall_steps_max = 1'000;
  chains c;
  const auto r = c.run(o);
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_GT(r.stalls, 10u);
}

// A timed poller on core 1 that records when it first ran, then stops the run.
struct first_fire {
  uint64_t at_ns = 0;
  lockstep::poller* p = nullptr;
  static int fire(void* a) {
    auto* f = static_cast<first_fire*>(a);
    f->at_ns = lockstep::now_ns();
    lockstep::poller_unregister(&f->p);
    lockstep::app_stop(0);
    return 1;
  }
  static void arm(void* a, void*) {
    auto* f = static_cast<first_fire*>(a);
    f->p = lockstep::poller_register(fire, f, 10);  // due 10 us after registration
  }
};

TEST(ExploreJitter, AnIdleCoreWakesUpToTheJitterLate) {
  uint64_t latest_plain = 0, latest_jitter = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    options o;
    o.cores = 2;
    o.seed = seed;
    first_fire a;
    lockstep::sim::run(o, [&a] {
      lockstep::event_call(lockstep::event_allocate(1, first_fire::arm, &a, nullptr));
    });
    o.timer_jitter_ns = 50'000;
    first_fire b;
    lockstep::sim::run(o, [&b] {
      lockstep::event_call(lockstep::event_allocate(1, first_fire::arm, &b, nullptr));
    });
    latest_plain = std::max(latest_plain, a.at_ns);
    latest_jitter = std::max(latest_jitter, b.at_ns);
    EXPECT_LE(b.at_ns, 10'000u + 50'000u + 1'000u);
  }
  EXPECT_LT(latest_plain, 10'000u + 1'000u);  // on time, give or take a few steps
  EXPECT_GT(latest_jitter, 10'000u + 20'000u);
}

TEST(ExploreSwarm, EachRunDrawsItsFaultsBelowTheCeilings) {
  std::set<uint32_t> alloc_rates;
  uint32_t runs_without_stalls = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    options o;
    o.seed = seed;
    o.swarm = true;
    o.alloc_fail_ppm = 80'000;
    o.stall_ppm = 1'000;
    chains c;
    const auto r = c.run(o);
    EXPECT_LE(r.faults.alloc_fail_ppm, 80'000u);
    EXPECT_LE(r.faults.stall_ppm, 1'000u);
    EXPECT_EQ(r.faults.shutdown_ppm, 0u);  // a ceiling of 0 stays off
    EXPECT_EQ(r.faults.timer_jitter_ns, 0u);
    alloc_rates.insert(r.faults.alloc_fail_ppm);
    runs_without_stalls += r.faults.stall_ppm == 0 ? 1 : 0;
  }
  EXPECT_EQ(alloc_rates, (std::set<uint32_t>{0, 10'000, 20'000, 40'000, 80'000}));
  EXPECT_GT(runs_without_stalls, 10u);
  EXPECT_LT(runs_without_stalls, 190u);
  // Without swarm the settings are the options'.
  options o;
  o.alloc_fail_ppm = 123;
  chains c;
  EXPECT_EQ(c.run(o).faults.alloc_fail_ppm, 123u);
}

TEST(ExploreFaults, TheCanonicalChoiceInjectsNoFault) {
  // A shrunk decision vector falls back to 0 past its end: 0 must mean "no fault", or every
  // shrunk schedule would drown in injected failures.
  options o;
  o.cores = 3;
  o.alloc_fail_ppm = 999'999;
  o.stall_ppm = 999'999;
  o.shutdown_ppm = 999'999;  // no callback: a request would app_stop(0) at once
  o.decisions = std::vector<uint64_t>{};
  chains c;
  const auto r = c.run(o);
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(r.alloc_failures, 0u);
  EXPECT_EQ(r.stalls, 0u);
  EXPECT_EQ(c.done, 2u) << "a shutdown request stopped the run early";
  // And the same rates under a seed do inject.
  o.decisions.reset();
  chains seeded;
  const auto s = seeded.run(o);
  EXPECT_GT(s.alloc_failures + s.stalls, 0u);
}

TEST(ExploreFlags, ParsesTheSharedFlagsAndRejectsBadValues) {
  const char* argv[] = {"prog",        "--seeds",  "50",      "--strategy", "pct",
                        "--stall-ppm", "300",      "--swarm", "--shard",    "1/4",
                        "--mine",      "--cores",  "0"};
  const int argc = 13;
  lockstep::explore::options eo;
  lockstep::sim::options so;
  std::string error;
  auto parse = [&](int i) {
    return lockstep::explore::parse_flag(argc, const_cast<char**>(argv), i, &eo, &so, &error);
  };
  EXPECT_EQ(parse(1), 2);
  EXPECT_EQ(eo.seeds, 50u);
  EXPECT_EQ(parse(3), 2);
  EXPECT_EQ(so.strategy, lockstep::sim::strategy::pct);
  EXPECT_EQ(parse(5), 2);
  EXPECT_EQ(so.stall_ppm, 300u);
  EXPECT_EQ(parse(7), 1);
  EXPECT_TRUE(so.swarm);
  EXPECT_EQ(parse(8), 2);
  EXPECT_EQ(eo.shard_index, 1u);
  EXPECT_EQ(eo.shard_count, 4u);
  EXPECT_EQ(parse(10), 0);  // not a shared flag: the program's own
  EXPECT_EQ(parse(11), -1);
  EXPECT_NE(error.find("--cores"), std::string::npos) << error;
}

// A seed range that would run past 2^64 - 1 (and wrap around to seed 0) is refused; one that
// ends exactly there is not.
TEST(ExploreFlags, ASeedRangeThatWrapsAroundIsRefused) {
  lockstep::explore::options eo;
  lockstep::sim::options so;
  eo.first_seed = UINT64_MAX;
  eo.seeds = 3;
  const std::string why = lockstep::explore::options_error(eo, so);
  EXPECT_NE(why.find("runs past the last seed"), std::string::npos) << why;
  EXPECT_NE(why.find("--seeds may be at most 1"), std::string::npos) << why;
  eo.seeds = 1;
  EXPECT_EQ(lockstep::explore::options_error(eo, so), "");
  eo.first_seed = 2;
  eo.seeds = UINT64_MAX;  // 2 .. 2^64: one too many
  EXPECT_NE(lockstep::explore::options_error(eo, so), "");
  eo.first_seed = 1;      // 1 .. 2^64 - 1
  EXPECT_EQ(lockstep::explore::options_error(eo, so), "");
  eo.seeds = 0;
  EXPECT_NE(lockstep::explore::options_error(eo, so), "");
}

// The explorer runs the seeds of its shard up to the very last seed, in order.
TEST(ExploreFlags, AShardRunsItsSeedsUpToTheLastSeed) {
  lockstep::explore::options eo;
  eo.first_seed = UINT64_MAX - 2;
  eo.seeds = 3;
  eo.shard_index = 0;
  eo.shard_count = 2;
  eo.jobs = 1;
  eo.quiet = true;
  std::vector<uint64_t> seen;
  lockstep::explore::run(eo, {}, [&seen](const lockstep::sim::options& o, lockstep::sim::result* r) {
    seen.push_back(o.seed);
    *r = lockstep::sim::result{};
    return std::string();
  });
  EXPECT_EQ(seen, (std::vector<uint64_t>{UINT64_MAX - 2, UINT64_MAX}));
  eo.shard_index = 1;
  seen.clear();
  const auto sum = lockstep::explore::run(
      eo, {}, [&seen](const lockstep::sim::options& o, lockstep::sim::result* r) {
        seen.push_back(o.seed);
        *r = lockstep::sim::result{};
        return std::string();
      });
  EXPECT_EQ(seen, (std::vector<uint64_t>{UINT64_MAX - 1}));
  EXPECT_EQ(sum.seeds_run, 1u);
}

// A bad shard says which part is wrong and what it may be.
TEST(ExploreFlags, ShardMessagesSayWhatIsWrong) {
  uint32_t i = 7, n = 7;
  std::string error;
  EXPECT_FALSE(lockstep::explore::parse_shard("0/4294967296", &i, &n, &error));
  EXPECT_NE(error.find("must be 1..4294967295"), std::string::npos) << error;
  EXPECT_FALSE(lockstep::explore::parse_shard("0/0", &i, &n, &error));
  EXPECT_NE(error.find("must be 1..4294967295"), std::string::npos) << error;
  EXPECT_FALSE(lockstep::explore::parse_shard("5/4", &i, &n, &error));
  EXPECT_NE(error.find("must be 0..3"), std::string::npos) << error;
  for (const char* bad : {"-1/4", "1/-4", "1/4x", " 1/4", "1", "/4", "1/", "a/b"}) {
    EXPECT_FALSE(lockstep::explore::parse_shard(bad, &i, &n, &error)) << bad;
    EXPECT_NE(error.find("two numbers"), std::string::npos) << bad << ": " << error;
  }
  EXPECT_EQ(i, 7u) << "a refused shard must not change the index";
  EXPECT_TRUE(lockstep::explore::parse_shard("4294967294/4294967295", &i, &n, &error)) << error;
  EXPECT_EQ(i, 4294967294u);
  EXPECT_EQ(n, 4294967295u);
}

// A flag value the simulator would refuse is refused by the flag itself, naming the flag.
TEST(ExploreFlags, PoolSizeIsLimitedToWhatARunAccepts) {
  const char* argv[] = {"prog", "--pool-size", "20000000", "--pool-size", "16777216"};
  lockstep::explore::options eo;
  lockstep::sim::options so;
  std::string error;
  EXPECT_EQ(lockstep::explore::parse_flag(5, const_cast<char**>(argv), 1, &eo, &so, &error), -1);
  EXPECT_NE(error.find("--pool-size takes 1..16777216"), std::string::npos) << error;
  EXPECT_EQ(lockstep::explore::parse_flag(5, const_cast<char**>(argv), 3, &eo, &so, &error), 2);
  EXPECT_EQ(so.event_pool_size, 16777216u);
  EXPECT_EQ(lockstep::explore::options_error(eo, so), "");
}

}  // namespace
