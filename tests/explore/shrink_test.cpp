// explore::shrink and the allocation-failure sweep.
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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
