// Properties of exploration itself, on the bug zoo (examples/zoo): shrinking and determinism.
#include "bugs.hpp"
#include "support.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>  // after gtest.h, which it uses without including

#include <algorithm>

namespace {

// RapidCheck generates a decision vector for the zoo's two-sender ordering bug and shrinks the
// failing one. The shrinker only ever accepts a candidate that still fails, so the last failing
// vector the property saw is the shrunk counterexample.
std::vector<uint64_t> shrink_two_senders(bool* found) {
  const zoo::bug* b = zoo::find("two_senders");
  std::vector<uint64_t> last_failing;
  *found = !rc::check("the two-sender program never shows its planted bug",
                      [b, &last_failing](const std::vector<uint64_t>& decisions) {
                        lockstep::sim::options o = zoo::options_for(*b);
                        o.decisions = decisions;
                        lockstep::sim::result r;
                        const std::string why = b->run(o, &r);
                        if (!why.empty()) last_failing = decisions;
                        RC_ASSERT(why.empty());
                      });
  return last_failing;
}

}  // namespace

// Claim: a failing schedule of the two-sender ordering bug shrinks to a decision vector with at
// most 3 non-zero decisions, and that vector, through a replay line, still shows the bug.
TEST(zoo, ordering_bug_shrinks_to_at_most_three_nonzero_decisions) {
  bool found = false;
  const std::vector<uint64_t> shrunk = shrink_two_senders(&found);
  ASSERT_TRUE(found) << "RapidCheck found no failing schedule of the planted bug";
  const auto nonzero = std::count_if(shrunk.begin(), shrunk.end(), [](uint64_t v) { return v != 0; });
  EXPECT_LE(nonzero, 3) << lockstep::sim::format_decisions(shrunk);
  EXPECT_GE(nonzero, 1) << "the all-canonical schedule must not show the bug";

  const zoo::bug* b = zoo::find("two_senders");
  lockstep::sim::options o = zoo::options_for(*b);
  o.decisions = shrunk;
  const std::string line = lockstep::sim::format_replay(o);
  lockstep::sim::options replayed = zoo::options_for(*b);
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(line, &replayed, &error)) << error;
  lockstep::sim::result r;
  EXPECT_EQ(b->run(replayed, &r).rfind("planted:", 0), 0u) << line;
}

// Claim: the canonical schedule (an empty decision vector: every choice 0, which injects no
// fault) runs every zoo program cleanly, so shrinking moves toward a passing run.
TEST(zoo, canonical_schedule_is_clean) {
  for (const zoo::bug& b : zoo::bugs()) {
    lockstep::sim::options o = zoo::options_for(b);
    o.decisions = std::vector<uint64_t>{};
    lockstep::sim::result r;
    const std::string why = b.run(o, &r);
    EXPECT_TRUE(why.empty()) << b.name << ": " << why;
  }
}

// Claim: every zoo program is deterministic under both strategies and any seed: the same
// options give the same trace hash, also through the replay line and the decision log.
RC_GTEST_PROP(zoo, every_program_is_deterministic, ()) {
  const auto& all = zoo::bugs();
  const zoo::bug& b = all[*rc::gen::inRange<size_t>(0, all.size())];
  lockstep::sim::options o = zoo::options_for(b, props::gen_options(4, 4));
  lockstep::sim::result r;
  b.run(o, &r);
  props::assert_deterministic(
      [&b](const lockstep::sim::options& x) {
        lockstep::sim::result again;
        b.run(x, &again);
        return again;
      },
      o, r);
}
