// The scheduler's bit-mask helpers (backends/sim/bits.hpp) against their definitions: the k-th
// runnable core is what a schedule is made of, so a wrong answer would be a wrong schedule.
#include "../../backends/sim/bits.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using lockstep::sim::bits_set;
using lockstep::sim::nth_set_bit;

// The set bits of mask, lowest first: what nth_set_bit indexes.
std::vector<uint32_t> set_bits(uint64_t mask) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < 64; ++i)
    if (mask & (uint64_t{1} << i)) out.push_back(i);
  return out;
}

void check(uint64_t mask) {
  const std::vector<uint32_t> bits = set_bits(mask);
  ASSERT_EQ(bits_set(mask), bits.size()) << std::hex << mask;
  for (uint64_t k = 0; k < bits.size(); ++k)
    ASSERT_EQ(nth_set_bit(mask, k), bits[k]) << std::hex << mask << " k=" << k;
}

TEST(SimBits, EveryMaskOfUpTo16Cores) {
  for (uint64_t mask = 0; mask < (uint64_t{1} << 16); ++mask) check(mask);
}

TEST(SimBits, WideMasks) {
  check(~uint64_t{0});
  check(uint64_t{1} << 63);
  check(0x8000000000000001ull);
  check(0x7FFFFFFFFFFFFFFFull);  // the most a transport holds: 63 cores
  // A fixed pseudo-random sequence (SplitMix64 steps), sparse and dense masks alike.
  uint64_t x = 0;
  for (int i = 0; i < 20000; ++i) {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    check(z);
    check(z & (z >> 7) & (z >> 13));  // sparse
    check(z | (z << 5));              // dense
  }
}

}  // namespace
