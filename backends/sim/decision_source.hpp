// The one decision stream of a simulation: every nondeterministic choice is choose(n).
//
// Two sources feed it: the seeded generator, or a decision vector (what a property-based test
// generates and shrinks). A vector value v answers choose(n) with v % n, so that any vector is
// a valid schedule; past the vector's end every choice is the canonical 0. Either way the
// stream can log the values it answered, and that log, given back as a vector, replays the
// same run (each logged value is already below its n).
#pragma once

#include "prng.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::sim {

class decision_source {
 public:
  // vector == nullptr: draw from the generator seeded with `seed`. The vector must outlive the
  // source. log != nullptr: every answered choice is appended to it.
  decision_source(uint64_t seed, const std::vector<uint64_t>* vector,
                  std::vector<uint64_t>* log) noexcept
      : gen_(seed), vector_(vector), log_(log), plain_(vector == nullptr && log == nullptr) {}

  // A value in [0, n). choose(1) (and choose(0)) returns 0 without consuming the stream, so
  // that forced choices never appear in a decision log.
  uint64_t choose(uint64_t n) noexcept {
    if (n <= 1) return 0;
    // The common case (seeded, not logged) stays small enough to inline at every call site.
    if (plain_) [[likely]] {
      ++draws_;
      return gen_.below(n);
    }
    return choose_vector_or_logged(n);
  }
  uint64_t draws() const noexcept { return draws_; }

  // Whether a fault with this chance per million strikes now. The fault is the high end of the
  // range, so that the canonical choice 0 (what a shrunk decision vector falls back to) never
  // injects one: a schedule shrinks toward the fault-free run. ppm == 0 draws nothing.
  bool fault(uint32_t ppm) noexcept {
    return ppm != 0 && choose(1'000'000) >= 1'000'000 - uint64_t{ppm};
  }

 private:
  [[gnu::noinline]] uint64_t choose_vector_or_logged(uint64_t n) noexcept {
    uint64_t v = 0;
    if (vector_ == nullptr) {
      v = gen_.below(n);
    } else if (draws_ < vector_->size()) {
      v = (*vector_)[draws_] % n;
    }
    ++draws_;
    if (log_ != nullptr) log_->push_back(v);
    return v;
  }

  prng gen_;
  const std::vector<uint64_t>* vector_;
  std::vector<uint64_t>* log_;
  bool plain_;  // seeded and not logged: one test on the common path instead of two
  uint64_t draws_ = 0;
};

}  // namespace lockstep::sim
