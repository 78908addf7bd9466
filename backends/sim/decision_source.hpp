// The one decision stream of a simulation: every nondeterministic choice is choose(n).
#pragma once

#include "prng.hpp"

#include <cstdint>

namespace lockstep::sim {

class decision_source {
 public:
  virtual ~decision_source() = default;
  // A value in [0, n). choose(1) (and choose(0)) returns 0 without consuming the stream, so
  // that forced choices never appear in a decision log.
  uint64_t choose(uint64_t n) noexcept {
    if (n <= 1) return 0;
    ++draws_;
    return draw(n);
  }
  uint64_t draws() const noexcept { return draws_; }

 protected:
  virtual uint64_t draw(uint64_t n) noexcept = 0;  // n >= 2

 private:
  uint64_t draws_ = 0;
};

// Draws from the seeded generator.
class seeded_source final : public decision_source {
 public:
  explicit seeded_source(uint64_t seed) noexcept : gen_(seed) {}

 protected:
  uint64_t draw(uint64_t n) noexcept override { return gen_.below(n); }

 private:
  prng gen_;
};

}  // namespace lockstep::sim
