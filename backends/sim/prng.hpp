// The simulator's own generator: integer-only, identical on every platform and standard
// library (std:: engines are portable but std:: distributions are not).
#pragma once

#include <cstdint>

namespace lockstep::sim {

// SplitMix64: expands a 64-bit seed into well-mixed state words.
inline uint64_t splitmix64(uint64_t* state) noexcept {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna): fast, 256 bits of state, passes BigCrush.
class prng {
 public:
  explicit prng(uint64_t seed) noexcept {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = splitmix64(&sm);
  }

  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // next() n times into out[0..n): the state in locals, so that it stays in registers (the
  // stores to out could alias the state words otherwise). Unrolled by 4: the loop's own test
  // and pointer step were a fifth of a word's instructions.
  void fill(uint64_t* out, uint32_t n) noexcept {
    uint64_t s0 = s_[0], s1 = s_[1], s2 = s_[2], s3 = s_[3];
#pragma GCC unroll 4
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = rotl(s1 * 5, 7) * 9;
      const uint64_t t = s1 << 17;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 45);
    }
    s_[0] = s0;
    s_[1] = s1;
    s_[2] = s2;
    s_[3] = s3;
  }

  // Uniform in [0, n) for n >= 1, without modulo bias (Lemire's multiply-and-reject).
  uint64_t below(uint64_t n) noexcept {
    __extension__ using u128 = unsigned __int128;
    u128 m = static_cast<u128>(next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<u128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace lockstep::sim
