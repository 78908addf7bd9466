// The decision stream (backends/sim/decision_source.hpp) against the generator it serves: a
// seeded source answers every choice as prng::below does, whether it takes its words from a
// block made ahead (plain) or one at a time (logged), also when Lemire's method rejects words;
// and draws() counts choices, not words.
#include "../../backends/sim/decision_source.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using lockstep::sim::decision_source;
using lockstep::sim::prng;

// n just above 2^63: about half of all words are rejected, so the rejection path runs often
// (with the small n of a schedule it runs about once in 2^58 choices).
constexpr uint64_t mostly_rejected = (uint64_t{1} << 63) + 3;

TEST(SimDecisionSource, PlainAndLoggedSourcesAnswerAsTheGeneratorAlsoThroughRejections) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    prng reference(seed);
    decision_source plain(seed, nullptr, nullptr);
    std::vector<uint64_t> log;
    decision_source logged(seed, nullptr, &log);
    for (uint64_t i = 1; i <= 2000; ++i) {
      // Small and huge bounds mixed, so that rejections fall inside and across blocks.
      const uint64_t n = i % 3 == 0 ? mostly_rejected : 2 + i % 97;
      const uint64_t expected = reference.below(n);
      ASSERT_EQ(plain.choose(n), expected) << "seed " << seed << " choice " << i;
      ASSERT_EQ(logged.choose(n), expected) << "seed " << seed << " choice " << i;
      ASSERT_EQ(plain.draws(), i);
      ASSERT_EQ(logged.draws(), i);
    }
    EXPECT_EQ(log.size(), 2000u);
  }
}

TEST(SimDecisionSource, ALoggedRunReplaysFromItsLog) {
  std::vector<uint64_t> log;
  decision_source logged(7, nullptr, &log);
  std::vector<uint64_t> answers;
  for (uint64_t i = 0; i < 300; ++i) answers.push_back(logged.choose(i % 2 ? mostly_rejected : 10));
  decision_source replayed(12345, &log, nullptr);  // the seed is not used with a vector
  for (uint64_t i = 0; i < 300; ++i)
    ASSERT_EQ(replayed.choose(i % 2 ? mostly_rejected : 10), answers[i]) << "choice " << i;
  EXPECT_EQ(replayed.draws(), 300u);
  // Past the vector's end every choice is the canonical 0, and still counted.
  EXPECT_EQ(replayed.choose(10), 0u);
  EXPECT_EQ(replayed.draws(), 301u);
}

}  // namespace
