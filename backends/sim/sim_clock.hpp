// The simulation's virtual time, and its one owner: every core's clock lives here and only
// this class writes it (the loop's steps and time jumps, the transport's deliveries go through
// its methods).
//
// Every core has its own clock. A step advances the stepping core's clock by the step's cost;
// a delivered event moves its target's clock up to its send time; an idle core's clock follows
// the least advanced busy core (it waits while others work), so its timers fire in step with
// the rest of the machine; when no core has work, every clock jumps to the next timer.
//
// The raising of idle clocks is lazy: the clock keeps the floor (the least advanced running
// core's clock) as a high-water mark, and a core's clock is max(time_ns_[core], floor): time_ns_
// is brought up to the floor only where a clock is read (a step, a timer check). That equals
// raising every idle clock at every step, because the floor never goes down, without a pass
// over the idle cores per step; and the floor is recomputed only after the core that held it
// has stepped, since no other step can lower it. A debug build (NDEBUG off) checks that pair
// on every turn of the loop: check_floor recomputes the floor eagerly and compares.
//
// Threading: the simulation's one running thread at a time (the baton of core_threads).
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

namespace lockstep::sim {

class sim_clock final {
 public:
  explicit sim_clock(uint32_t cores) : time_ns_(cores, 0), cores_(cores) {}

  // What core::clock's now_ns answers (sim_instruments, world.hpp, forwards it). An external
  // thread reads the floor (the least advanced running core's clock).
  uint64_t now_ns(uint32_t reactor) const noexcept {
    if (reactor < time_ns_.size()) return std::max(time_ns_[reactor], floor_ns_);
    return external_running_ ? floor_ns_ : 0;
  }
  // The same as now_ns for the stepping core (whose clock begin_step has brought up to the
  // floor), which is the only one that calls events.
  // (An if with [[likely]] rather than ?:, so that the compiler lays out the common case in
  // line instead of as a jump out and back.)
  uint64_t send_stamp_ns(uint32_t reactor) const noexcept {
    if (reactor < cores_) [[likely]] return time_ns_[reactor];
    return 0;
  }

  // The clock of a core while it steps: its start (read after the step's unit ran, since a
  // delivery during the step may have moved it up) and its end. Held by the loop for one step
  // (a reference kept in a register across the step, rather than the clock vector reloaded).
  class step {
   public:
    uint64_t start_ns() const noexcept { return ns_; }
    void end(uint64_t end_ns) noexcept { ns_ = end_ns; }

   private:
    friend class sim_clock;
    explicit step(uint64_t& ns) noexcept : ns_(ns) {}
    uint64_t& ns_;
  };
  // A step of `core` begins: its clock comes up to the floor before anything reads it; a core
  // at the floor may be the one that holds it, and its clock moves on now. (Without branches:
  // which core steps is drawn.)
  step begin_step(uint32_t core) noexcept {
    uint64_t& clock_ns = time_ns_[core];
    const bool at_floor = clock_ns <= floor_ns_;
    clock_ns = at_floor ? floor_ns_ : clock_ns;
    floor_valid_ = floor_valid_ & !at_floor;
    return step(clock_ns);
  }
  // A core's own clock as stored (a stepping core's, or the transport's target's: brought up to
  // the floor when it stepped).
  uint64_t core_ns(uint32_t core) const noexcept { return time_ns_[core]; }
  // A delivery to `target`: its clock moves up to latest_ns, the latest send time of what it
  // received (a message cannot arrive before it left), which is never below its clock.
  void deliver(uint32_t target, uint64_t latest_ns) noexcept {
    assert(latest_ns >= time_ns_[target]);
    time_ns_[target] = latest_ns;
  }
  // An idle core's clock, brought up to the floor (a timer check reads it).
  uint64_t raise_to_floor(uint32_t core) noexcept {
    uint64_t& t = time_ns_[core];
    if (t < floor_ns_) t = floor_ns_;
    return t;
  }

  // floor_valid(): floor_ns_ is also the least clock of the running cores, as of now; a step of
  // a core whose clock is at the floor (or a stall, or no core running) clears it.
  bool floor_valid() const noexcept { return floor_valid_; }
  void invalidate_floor() noexcept { floor_valid_ = false; }
  // The floor recomputed from the running cores (non-zero mask), and valid again.
  void refresh_floor(uint64_t running) noexcept {
    // A running core's clock is max(time_ns_, floor_ns_) (it may not have stepped since it ran
    // again), and the least of those is max(least time_ns_, floor_ns_): the floor never goes
    // down.
    uint64_t least_ns = UINT64_MAX;
    for (uint64_t rest = running; rest != 0; rest &= rest - 1)
      least_ns = std::min(least_ns, time_ns_[static_cast<uint32_t>(std::countr_zero(rest))]);
    floor_ns_ = std::max(floor_ns_, least_ns);
    floor_valid_ = true;
  }
  // Debug builds: the lazy floor against the eager one, with `running` the running cores of
  // this turn of the loop. While valid, the floor is the least clock of the running cores.
  void check_floor([[maybe_unused]] uint64_t running) const noexcept {
#ifndef NDEBUG
    if (!floor_valid_ || running == 0) return;
    uint64_t eager_ns = UINT64_MAX;
    for (uint64_t rest = running; rest != 0; rest &= rest - 1)
      eager_ns = std::min(eager_ns, now_ns(static_cast<uint32_t>(std::countr_zero(rest))));
    assert(eager_ns == floor_ns_ && "sim_clock: the lazy floor differs from the eager one");
#endif
  }
  uint64_t floor_ns() const noexcept { return floor_ns_; }

  // No core has work: every clock jumps to next_ns (a timer's wake time), never below the floor.
  void jump_to(uint64_t next_ns) noexcept {
    next_ns = std::max(next_ns, floor_ns_);
    for (uint64_t& t : time_ns_) t = std::max(t, next_ns);
    floor_valid_ = false;
  }
  // The most advanced clock: the run's virtual time.
  uint64_t latest_ns() const noexcept {
    return std::max(*std::max_element(time_ns_.begin(), time_ns_.end()), floor_ns_);
  }
  // While an external thread holds the baton, now_ns outside the cores reads the floor.
  void set_external_running(bool running) noexcept { external_running_ = running; }

 private:
  std::vector<uint64_t> time_ns_;
  uint32_t cores_;
  // The clock floor: every core's clock is at least floor_ns_ (time_ns_ may lag behind it).
  uint64_t floor_ns_ = 0;
  bool floor_valid_ = false;
  bool external_running_ = false;
};

}  // namespace lockstep::sim
