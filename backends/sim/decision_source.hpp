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

// What a choice decides, told by its call site: only a steering (below) looks at it.
enum class choice : uint8_t { other, core, sender, alloc_fault, shutdown, cost };

// A steering answers the choices of a run instead of the vector or the generator (the replay
// of a recording, backends/sim/recording_replay.hpp, makes the simulator do what the recording
// says). `among`: for core and sender choices, the mask of the candidates (the answer k picks
// its k-th set bit); for a cost choice, the virtual time the step started at; else 0. The answer is taken modulo n and logged like any other, so that
// the log replays the run without the steering. Only choices among n > 1 reach it.
class decision_steering {
 public:
  virtual ~decision_steering() = default;
  virtual uint64_t answer(choice what, uint64_t n, uint64_t among) noexcept = 0;
};

class decision_source {
  __extension__ using u128 = unsigned __int128;

 public:
  // vector == nullptr: draw from the generator seeded with `seed`. The vector must outlive the
  // source. log != nullptr: every answered choice is appended to it.
  // steering != nullptr: it answers every choice (the vector and the seed are then unused).
  decision_source(uint64_t seed, const std::vector<uint64_t>* vector,
                  std::vector<uint64_t>* log, decision_steering* steering = nullptr) noexcept
      : gen_(seed),
        vector_(vector),
        log_(log),
        steering_(steering),
        plain_(vector == nullptr && log == nullptr && steering == nullptr) {}
  // next_ points into the source itself.
  decision_source(const decision_source&) = delete;
  decision_source& operator=(const decision_source&) = delete;

  // A value in [0, n). choose(1) (and choose(0)) returns 0 without consuming the stream, so
  // that forced choices never appear in a decision log.
  // `what` and `among` say what the choice decides, for a steering only (see decision_steering).
  uint64_t choose(uint64_t n, choice what = choice::other, uint64_t among = 0) noexcept {
    if (n <= 1) return 0;
    // The common case (seeded, not logged) stays small enough to inline at every call site:
    // the generator's words come from a block made ahead (in registers, once per block), and
    // a choice is one load and one multiply (Lemire's multiply-and-reject, as prng::below).
    // The block ends in a 0 that is never a word: its product's low half (0) is below n, so
    // the one test of Lemire's rejection is also the test of the block's end (choose_low
    // tells them apart by position). A source that is not plain keeps its block empty, so
    // that its first read is that 0.
    const u128 m = static_cast<u128>(*next_++) * n;
    if (static_cast<uint64_t>(m) < n) [[unlikely]] return choose_low(m, n, what, among);
    return static_cast<uint64_t>(m >> 64);
  }
  // Choices answered: the generator's words taken, less the ones a rejection threw away, plus
  // the choices a vector answered.
  uint64_t draws() const noexcept {
    return words_before_ + static_cast<uint64_t>(next_ - block_) - rejected_ + answered_;
  }

  // Whether a fault with this chance per million strikes now. The fault is the high end of the
  // range, so that the canonical choice 0 (what a shrunk decision vector falls back to) never
  // injects one: a schedule shrinks toward the fault-free run. ppm == 0 draws nothing.
  bool fault(uint32_t ppm, choice what = choice::other) noexcept {
    return ppm != 0 && choose(1'000'000, what) >= 1'000'000 - uint64_t{ppm};
  }

 private:
  static constexpr uint32_t block_words = 64;
  uint64_t word() noexcept {
    if (next_ == end_) [[unlikely]] refill();
    return *next_++;
  }
  void refill() noexcept {
    words_before_ += block_words;
    gen_.fill(block_, block_words);
    next_ = block_;
  }
  // A product whose low half is below n: the end of the block (its 0 read: next_ past end_),
  // or a word that Lemire's method may reject.
  [[gnu::noinline]] uint64_t choose_low(u128 m, uint64_t n, choice what,
                                        uint64_t among) noexcept {
    if (next_ > end_) {
      next_ = end_;  // the 0 was not a word: not taken
      return choose_slow(n, what, among);
    }
    return below_rejecting(m, n, [this] { return word(); });
  }
  uint64_t choose_slow(uint64_t n, choice what, uint64_t among) noexcept {
    if (plain_) {
      refill();
      return choose(n);
    }
    return choose_vector_or_logged(n, what, among);
  }
  // prng::below's rejection loop, from a first product m whose low word is below n: further
  // words from next_word until one is accepted, each rejected word counted.
  template <class NextWord>
  uint64_t below_rejecting(u128 m, uint64_t n, NextWord next_word) noexcept {
    const uint64_t threshold = (0 - n) % n;
    while (static_cast<uint64_t>(m) < threshold) {
      ++rejected_;
      m = static_cast<u128>(next_word()) * n;
    }
    return static_cast<uint64_t>(m >> 64);
  }
  [[gnu::noinline]] uint64_t choose_vector_or_logged(uint64_t n, choice what,
                                                    uint64_t among) noexcept {
    uint64_t v = 0;
    if (steering_ != nullptr) {
      v = steering_->answer(what, n, among) % n;
      ++answered_;
    } else if (vector_ == nullptr) {
      // One word at a time: the block stays empty (see choose).
      auto next_word = [this] {
        ++words_before_;
        return gen_.next();
      };
      const u128 m = static_cast<u128>(next_word()) * n;
      v = static_cast<uint64_t>(m) < n ? below_rejecting(m, n, next_word)
                                       : static_cast<uint64_t>(m >> 64);
    } else {
      if (answered_ < vector_->size()) v = (*vector_)[answered_] % n;
      ++answered_;
    }
    if (log_ != nullptr) log_->push_back(v);
    return v;
  }

  prng gen_;
  const std::vector<uint64_t>* vector_;
  std::vector<uint64_t>* log_;
  decision_steering* steering_;
  bool plain_;  // seeded and not logged: one test on the common path instead of two
  uint64_t* next_ = block_ + block_words;  // the next word of block_; at end_: none left
  uint64_t* const end_ = block_ + block_words;
  uint64_t words_before_ = 0 - uint64_t{block_words};  // words of the blocks before block_
  uint64_t rejected_ = 0;
  uint64_t answered_ = 0;   // choices answered by the vector
  // The words, and the 0 after them that marks the end (see choose).
  uint64_t block_[block_words + 1] = {};
};

}  // namespace lockstep::sim
