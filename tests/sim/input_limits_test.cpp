// Inputs that a run cannot survive are refused as bad input, before anything is allocated or
// set up: decision vectors past sim::decisions_max (also when a short run-length encoded line
// expands to them) and PCT depths past sim::pct_depth_max, by options_error, parse_decisions
// and parse_replay alike. And PCT's change points are placed as they always were (the same
// steps for the same draws), in O(d log d).
#include "../../backends/sim/core_picker.hpp"

#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace {

std::string replay_with(const std::string& key_value) {
  std::string line = lockstep::sim::format_replay({});
  const std::string key = key_value.substr(0, key_value.find('=') + 1);
  const size_t at = line.find(" " + key) + 1;
  const size_t end = line.find(' ', at);
  line.replace(at, (end == std::string::npos ? line.size() : end) - at, key_value);
  return line;
}

// Claim: a run-length encoded vector longer than decisions_max is refused with the limit named,
// without expanding it (a line of 30 characters used to allocate gigabytes, or end in bad_alloc).
TEST(SimInputLimits, ADecisionVectorPastTheLimitIsRefusedBeforeItIsExpanded) {
  const std::string limit = std::to_string(lockstep::sim::decisions_max);
  std::vector<uint64_t> d;
  std::string error;
  for (const std::string& text : std::vector<std::string>{
           "[1*1000000000]", "[1*4294967296]", "[1*18446744073709551615]",
        "[1*" + std::to_string(lockstep::sim::decisions_max + 1) + "]",
        "[0*40000000,1*40000000]"}) {
    error.clear();
    EXPECT_FALSE(lockstep::sim::parse_decisions(text, &d, &error)) << text;
    EXPECT_NE(error.find("more than " + limit + " decisions"), std::string::npos)
        << text << ": " << error;
    EXPECT_TRUE(d.empty()) << text;
    lockstep::sim::options o;
    error.clear();
    EXPECT_FALSE(lockstep::sim::parse_replay(replay_with("decisions=" + text), &o, &error));
    EXPECT_NE(error.find("decisions"), std::string::npos) << error;
  }
  ASSERT_TRUE(lockstep::sim::parse_decisions("[3*1000,0*24]", &d, &error)) << error;
  EXPECT_EQ(d.size(), 1024u);
}

// Claim: options_error (and so run) refuses a vector past the limit given in code, so that
// every run's replay line is one parse_replay accepts; one at the limit is accepted.
// (512 MiB, once: the limit itself.)
TEST(SimInputLimits, ARunRefusesADecisionVectorPastTheLimit) {
  lockstep::sim::options o;
  o.decisions = std::vector<uint64_t>(lockstep::sim::decisions_max + 1, 0);
  EXPECT_NE(lockstep::sim::options_error(o).find("options.decisions may hold at most"),
            std::string::npos);
  const auto r = lockstep::sim::run(o, [] { lockstep::app_stop(0); });
  EXPECT_EQ(r.outcome, lockstep::sim::outcome::failed);
  o.decisions->pop_back();
  EXPECT_EQ(lockstep::sim::options_error(o), "");
}

// Claim: one PCT depth limit for options, replay lines (and the --pct-depth flag, tests/explore):
// pct_depth_max is accepted and runs, one more is refused with the limit named.
TEST(SimInputLimits, PctDepthIsLimitedAlikeInOptionsAndReplayLines) {
  lockstep::sim::options o;
  o.strategy = lockstep::sim::strategy::pct;
  o.pct_depth = lockstep::sim::pct_depth_max;
  EXPECT_EQ(lockstep::sim::options_error(o), "");
  o.pct_horizon_steps = lockstep::sim::pct_depth_max / 2;  // more change points than steps
  const auto r = lockstep::sim::run(o, [] { lockstep::app_stop(0); });
  EXPECT_EQ(r.outcome, lockstep::sim::outcome::stopped) << r.failure;
  for (uint32_t depth : {lockstep::sim::pct_depth_max + 1, 1'000'000u, UINT32_MAX}) {
    o.pct_depth = depth;
    EXPECT_NE(lockstep::sim::options_error(o).find(
                  "options.pct_depth must be at most " +
                  std::to_string(lockstep::sim::pct_depth_max)),
              std::string::npos)
        << depth;
    lockstep::sim::options parsed;
    std::string error;
    EXPECT_FALSE(lockstep::sim::parse_replay(
        replay_with("pct_depth=" + std::to_string(depth)), &parsed, &error));
    EXPECT_NE(error.find("options.pct_depth must be at most"), std::string::npos) << error;
  }
}

// The placement as it was first written: probe forward step by step, wrapping at the horizon.
std::vector<uint64_t> probing_reference(const std::vector<uint64_t>& drawn, uint64_t horizon) {
  std::vector<uint64_t> placed;
  for (uint64_t step : drawn) {
    while (std::find(placed.begin(), placed.end(), step) != placed.end())
      step = (step + 1) % horizon;
    placed.push_back(step);
  }
  return placed;
}

// Claim: distinct_change_steps places every change point where step-by-step probing does (so
// PCT schedules and trace hashes are unchanged), for colliding, wrapping and full horizons.
TEST(SimInputLimits, ChangePointsArePlacedAsByProbing) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x] {  // splitmix64: the test's own draws
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int round = 0; round < 3000; ++round) {
    const uint64_t horizon = 1 + next() % 40;
    const uint64_t count = next() % (horizon + 1);
    std::vector<uint64_t> drawn(count);
    // Mostly draws that collide: a few distinct values, or the top of the horizon (wraps).
    for (uint64_t& d : drawn)
      d = round % 3 == 0 ? next() % horizon : round % 3 == 1 ? next() % 3 % horizon
                                                             : horizon - 1 - next() % 2 % horizon;
    EXPECT_EQ(lockstep::sim::distinct_change_steps(drawn, horizon),
              probing_reference(drawn, horizon))
        << "horizon " << horizon << " count " << count;
  }
  // A huge horizon: no wrap-around arithmetic overflows.
  const std::vector<uint64_t> top = {UINT64_MAX - 1, UINT64_MAX - 1, UINT64_MAX - 1};
  EXPECT_EQ(lockstep::sim::distinct_change_steps(top, UINT64_MAX),
            (std::vector<uint64_t>{UINT64_MAX - 1, 0, 1}));
  // Many change points that all collide: placed in O(d log d) (probing would take d^2/2 = 5e9
  // steps here).
  const std::vector<uint64_t> same(100'000, 7);
  const auto placed = lockstep::sim::distinct_change_steps(same, 100'000);
  EXPECT_EQ(placed[0], 7u);
  EXPECT_EQ(placed[99'992], 99'999u);
  EXPECT_EQ(placed[99'993], 0u);
  EXPECT_EQ(placed[99'999], 6u);
}

}  // namespace
