// explore::shrink and the allocation-failure sweep.
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>
#include <mutex>
#include <set>

namespace {

// Cores 1 and 2 each send one message to core 3; core 3 assumes core 1's arrives first.
struct two_senders {
  bool first_seen = false;
  static void from_one(void* a, void*) { static_cast<two_senders*>(a)->first_seen = true; }
  static void from_two(void* a, void*) {
    LOCKSTEP_CHECK(static_cast<two_senders*>(a)->first_seen, "core 2's message came first");
    lockstep::app_stop(0);
  }
  static void send_one(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_one, a, nullptr));
  }
  static void send_two(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_two, a, nullptr));
  }
};

std::string scenario(const lockstep::sim::options& o, lockstep::sim::result* r) {
  two_senders t;
  *r = lockstep::sim::run(o, [&t] {
    lockstep::event_call(lockstep::event_allocate(1, two_senders::send_one, &t, nullptr));
    lockstep::event_call(lockstep::event_allocate(2, two_senders::send_two, &t, nullptr));
  });
  return r->failure;
}

TEST(ExploreShrink, AFailingSeedShrinksToAFewDecisionsThatStillFail) {
  lockstep::explore::options eo;
  eo.seeds = 500;
  eo.quiet = true;
  lockstep::sim::options base;
  const auto sum = lockstep::explore::run(eo, base, scenario);
  ASSERT_FALSE(sum.failures.empty());
  lockstep::sim::options failing = base;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(sum.failures.front().result.replay, &failing, &error));
  const auto sh = lockstep::explore::shrink(failing, scenario);
  ASSERT_TRUE(sh.failed);
  EXPECT_NE(sh.why.find("came first"), std::string::npos) << sh.why;
  EXPECT_GT(sh.nonzero_before, sh.nonzero_after);
  EXPECT_LE(sh.nonzero_after, 3u) << lockstep::sim::format_decisions(sh.decisions);
  EXPECT_TRUE(sh.decisions.empty() || sh.decisions.back() != 0) << "trailing zeros are cut";
  // The shrunk schedule replays through its line.
  lockstep::sim::options again;
  ASSERT_TRUE(lockstep::sim::parse_replay(sh.result.replay, &again, &error)) << error;
  EXPECT_EQ(again.decisions, sh.decisions);
  lockstep::sim::result r;
  EXPECT_FALSE(scenario(again, &r).empty());
  EXPECT_EQ(r.trace_hash, sh.result.trace_hash);
}

// two_senders next to a core that is never idle: core 0 reschedules itself forever. Past the
// end of a decision vector every pick is 0, the lowest runnable core, so a candidate schedule
// cut short leaves core 0 running alone until the step limit.
struct busy_core {
  static void spin(void*, void*) {
    lockstep::event_call(lockstep::event_allocate(0, spin, nullptr, nullptr));
  }
};

TEST(ExploreShrink, CandidatesRunAtMostAFewTimesTheFailingRunsSteps) {
  uint64_t longest = 0;
  const lockstep::explore::scenario busy = [&longest](const lockstep::sim::options& o,
                                                       lockstep::sim::result* r) {
    two_senders t;
    *r = lockstep::sim::run(o, [&t] {
      lockstep::event_call(lockstep::event_allocate(0, busy_core::spin, nullptr, nullptr));
      lockstep::event_call(lockstep::event_allocate(1, two_senders::send_one, &t, nullptr));
      lockstep::event_call(lockstep::event_allocate(2, two_senders::send_two, &t, nullptr));
    });
    longest = std::max(longest, r->steps);
    return r->failure;
  };
  lockstep::explore::options eo;
  eo.seeds = 500;
  eo.quiet = true;
  lockstep::sim::options base;
  base.max_steps = 200'000;  // what an unbounded candidate would run to
  const auto sum = lockstep::explore::run(eo, base, busy);
  ASSERT_FALSE(sum.failures.empty());
  const lockstep::sim::result& found = sum.failures.front().result;
  lockstep::sim::options failing = base;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(found.replay, &failing, &error)) << error;
  longest = 0;
  const auto sh = lockstep::explore::shrink(failing, busy);
  ASSERT_TRUE(sh.failed);
  EXPECT_NE(sh.why.find("came first"), std::string::npos) << sh.why;
  EXPECT_LE(sh.nonzero_after, sh.nonzero_before);
  EXPECT_GT(sh.runs, 2u) << "the shrink tried candidates";
  EXPECT_LE(longest, std::max<uint64_t>(found.steps * 4, found.steps + 1000))
      << "a candidate ran on to the step limit (" << base.max_steps << ")";
}

// Every run fails, in one of two ways: whichever message reaches core 3 first trips a check.
struct either_first {
  bool one = false, two = false;
  static void from_one(void* a, void*) {
    auto* t = static_cast<either_first*>(a);
    t->one = true;
    LOCKSTEP_CHECK(t->two, "core 1's message came first");
  }
  static void from_two(void* a, void*) {
    auto* t = static_cast<either_first*>(a);
    t->two = true;
    LOCKSTEP_CHECK(t->one, "core 2's message came first");
  }
  static void send_one(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_one, a, nullptr));
  }
  static void send_two(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_two, a, nullptr));
  }
};

std::string either_scenario(const lockstep::sim::options& o, lockstep::sim::result* r) {
  either_first t;
  *r = lockstep::sim::run(o, [&t] {
    lockstep::event_call(lockstep::event_allocate(1, either_first::send_one, &t, nullptr));
    lockstep::event_call(lockstep::event_allocate(2, either_first::send_two, &t, nullptr));
  });
  return r->failure;
}

TEST(ExploreShrink, KeepsTheSameFailureNotOnlyTheSameOutcome) {
  // The canonical schedule (every decision 0) fails too, with the other check: a shrink that
  // kept only the outcome would drift to it.
  lockstep::sim::result canonical;
  lockstep::sim::options zero;
  zero.decisions = std::vector<uint64_t>{};
  ASSERT_NE(either_scenario(zero, &canonical).find("core 1's message came first"),
            std::string::npos);
  int shrunk_runs = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    lockstep::sim::options o;
    o.seed = seed;
    lockstep::sim::result r;
    const std::string why = either_scenario(o, &r);
    if (why.find("core 2's message came first") == std::string::npos) continue;
    const auto sh = lockstep::explore::shrink(o, either_scenario);
    ++shrunk_runs;
    ASSERT_TRUE(sh.failed);
    EXPECT_EQ(sh.why, why) << "seed " << seed << " drifted to another failure";
    EXPECT_TRUE(sh.fixed_point);
    // A fixed point: shrinking the result again keeps it as it is.
    lockstep::sim::options again;
    again.decisions = sh.decisions;
    const auto sh2 = lockstep::explore::shrink(again, either_scenario);
    EXPECT_EQ(sh2.decisions, sh.decisions) << "seed " << seed;
  }
  EXPECT_GT(shrunk_runs, 3) << "too few seeds failed with core 2's message first";
}

TEST(ExploreSummary, FailuresAreGroupedByVerdictWithTheFirstAndTheShortestRun) {
  std::vector<lockstep::explore::failure> failures;
  auto add = [&failures](uint64_t seed, const char* why, uint64_t steps) {
    lockstep::explore::failure f;
    f.seed = seed;
    f.why = why;
    f.result.steps = steps;
    f.replay_command = "rerun " + std::to_string(seed);
    failures.push_back(f);
  };
  add(3, "b", 50);
  add(5, "a", 40);
  add(7, "b", 20);
  add(9, "b", 20);
  add(11, "a", 60);
  const auto groups = lockstep::explore::group_failures(failures);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].why, "b");  // in the order of the first seed
  EXPECT_EQ(groups[0].count, 3u);
  EXPECT_EQ(groups[0].first.seed, 3u);
  EXPECT_EQ(groups[0].shortest.seed, 7u);  // 20 steps; seed 9 ties and comes later
  EXPECT_EQ(groups[1].why, "a");
  EXPECT_EQ(groups[1].count, 2u);
  EXPECT_EQ(groups[1].first.seed, 5u);
  EXPECT_EQ(groups[1].shortest.seed, 5u);
}

std::string printed(const lockstep::explore::summary& sum) {
  std::FILE* f = std::tmpfile();
  lockstep::explore::print_summary(sum, f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  std::fclose(f);
  return text;
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ExploreSummary, KeepGoingPrintsAFewFailuresInFullThenTheGroups) {
  lockstep::explore::options eo;
  eo.seeds = 400;
  eo.quiet = true;
  eo.stop_at_first_failure = false;
  eo.failures_in_full = 3;
  const auto sum = lockstep::explore::run(eo, {}, either_scenario);  // every seed fails
  ASSERT_EQ(sum.failures.size(), 400u);
  const std::string text = printed(sum);
  EXPECT_EQ(occurrences(text, "FAILED seed "), 3u) << text;
  EXPECT_EQ(occurrences(text, "(397 more failures not printed one by one: the first 3 are"), 1u)
      << text;
  EXPECT_EQ(occurrences(text, "failures by verdict: 2 groups"), 1u) << text;
  EXPECT_EQ(occurrences(text, "  shortest: seed "), 2u) << text;
  EXPECT_LT(text.size(), 8000u) << "400 failures must not print 400 replay lines";
}

TEST(ExploreSummary, OneSeedIsOneSeed) {
  lockstep::explore::summary sum;
  sum.seeds_run = 1;
  const std::string text = printed(sum);
  EXPECT_EQ(occurrences(text, "explored 1 seed in"), 1u) << text;
  EXPECT_EQ(occurrences(text, "1 seeds"), 0u) << text;
}

TEST(ExploreShrink, APassingRunHasNothingToShrink) {
  lockstep::sim::options o;
  o.decisions = std::vector<uint64_t>{};  // the canonical schedule: core 1's message first
  const auto sh = lockstep::explore::shrink(o, scenario);
  EXPECT_FALSE(sh.failed);
}

TEST(ExploreSweep, TheKthSeedFailsTheKthAllocation) {
  std::mutex mu;
  std::set<uint32_t> nths;
  lockstep::explore::options eo;
  eo.first_seed = 100;
  eo.seeds = 40;
  eo.jobs = 2;
  eo.quiet = true;
  eo.sweep_alloc_fail_nth = true;
  const auto sum = lockstep::explore::run(
      eo, {}, [&](const lockstep::sim::options& o, lockstep::sim::result* r) -> std::string {
        {
          std::lock_guard<std::mutex> lock(mu);
          nths.insert(o.alloc_fail_nth);
        }
        r->outcome = lockstep::sim::outcome::stopped;
        return o.alloc_fail_nth == o.seed - 99 ? "" : "nth does not follow the seed";
      });
  EXPECT_TRUE(sum.failures.empty());
  EXPECT_EQ(nths.size(), 40u);
  EXPECT_EQ(*nths.begin(), 1u);
  EXPECT_EQ(*nths.rbegin(), 40u);
}

}  // namespace
