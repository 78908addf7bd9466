// One OS thread per simulated core, and the baton they pass (options.thread_per_core): each
// core's units run on its own thread, so that thread-local variables in application code have
// one copy per core, as on DPDK lcores. Only the holder of the baton runs; every other thread
// sleeps on a semaphore of its own. The simulator's loop runs on whichever thread holds the
// baton: it moves to another thread only when the core it picks is not the holder's, so the
// schedule (drawn by the same loop from the same decision stream) is the one a run without
// threads takes, and a switch costs one semaphore release and one acquire.
//
// The simulation's external threads (lockstep::external_thread_start) take part in the same
// baton: each has a holder index of its own (above the cores', see add), sleeps until a step
// picks it, and gives the baton back at its next lockstep call. Without thread_per_core the
// object holds no core thread, only the external ones.
//
// Threading contract: every member except stopping() is read and written by the holder only.
// A pass releases the receiver's semaphore, then acquires the giver's: everything the giver
// wrote happens before everything the receiver does next (std::binary_semaphore orders them,
// which TSan sees). stop_all() is the one moment several threads run at once: each reads
// stopping() (written before their semaphores are released) and leaves.
#pragma once

#include <csetjmp>
#include <cstdint>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

namespace lockstep::sim {

class core_threads {
 public:
  // The holder index of the thread that called sim::run (the cores are 0..cores-1).
  static constexpr uint32_t run_thread = UINT32_MAX;

  // Starts one thread per core; thread c calls entry(c) when it first receives the baton (a
  // thread stopped before it ever held the baton returns without calling it). The calling
  // thread holds the baton. Throws std::system_error when a thread cannot be started (after
  // joining those that were).
  core_threads(uint32_t cores, std::function<void(uint32_t)> entry);
  // Holder indexes: cores and external threads together stay below this.
  static constexpr uint32_t holders_max = 64;
  // The holder starts a thread with holder index `id` (no core's; < holders_max) that calls
  // entry() when it first receives the baton (not at all when stopped before). A thread that
  // had this index before must have given the baton away for good (it is joined here). Throws
  // std::system_error when the thread cannot be started.
  void add(uint32_t id, std::function<void()> entry);
  // stop_all() if not done yet.
  ~core_threads();
  core_threads(const core_threads&) = delete;
  core_threads& operator=(const core_threads&) = delete;

  uint32_t holder() const noexcept { return holder_; }

  // The holder gives the baton to `to` (a core, or run_thread) and sleeps until the baton
  // comes back to it, or until stop_all(). Returns the caller's holder index.
  uint32_t pass(uint32_t to) noexcept {
    const uint32_t me = holder_;
    give(to);
    sleep(me);
    return me;
  }
  // The holder gives the baton to `to` without waiting for it back (its thread is leaving).
  void give(uint32_t to) noexcept {
    holder_ = to;
    ++switches_;
    semaphore_of(to).release();
  }
  // Set by stop_all(): a thread woken with it set must leave without stepping.
  bool stopping() const noexcept { return stopping_; }

  // The run's thread, holding the baton: wakes every core (and external) thread to leave, and
  // joins them.
  void stop_all() noexcept;

  // Where a core's (or an external) thread leaves its loop to (a failed check, or stop_all()):
  // set by the thread itself before it runs anything (see world::core_thread_main).
  std::jmp_buf& exit_point(uint32_t core) noexcept { return slots_[core]->exit_point; }

  // Hand-offs so far (each a wake of one thread and a sleep of another).
  uint64_t switches() const noexcept { return switches_; }

 private:
  struct slot {
    std::binary_semaphore go{0};
    std::jmp_buf exit_point;
    std::thread thread;
  };
  std::binary_semaphore& semaphore_of(uint32_t who) noexcept {
    return who == run_thread ? run_go_ : slots_[who]->go;
  }
  void sleep(uint32_t me) noexcept { semaphore_of(me).acquire(); }

  // By holder index (holders_max entries, never resized: a new thread reads only its own slot,
  // through the pointer it was given); null where no thread was started.
  std::vector<std::unique_ptr<slot>> slots_;
  std::binary_semaphore run_go_{0};
  uint32_t holder_ = run_thread;
  bool stopping_ = false;
  bool stopped_ = false;
  uint64_t switches_ = 0;
};

}  // namespace lockstep::sim
