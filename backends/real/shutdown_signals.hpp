// SIGINT/SIGTERM during a run of the DPDK backend.
//
// The handler only sets a flag (async-signal-safe); the main lcore's reactor loop polls it and
// turns it into the shutdown request event. The previous handlers are restored when the run
// ends.
#pragma once

#include <atomic>
#include <csignal>

namespace lockstep::real {

class shutdown_signals {
 public:
  // Installs the handlers; the destructor restores the previous ones.
  shutdown_signals() noexcept;
  ~shutdown_signals();
  shutdown_signals(const shutdown_signals&) = delete;
  shutdown_signals& operator=(const shutdown_signals&) = delete;

  // True once per arrival batch: a request arrived since the last call that returned true.
  // Inline: the main lcore's loop asks once per iteration, and almost always finds nothing.
  static bool take_request() noexcept {
    if (!requested_.load(std::memory_order_relaxed)) [[likely]] return false;
    return requested_.exchange(false, std::memory_order_acquire);
  }

 private:
  friend void on_shutdown_signal_arrival() noexcept;
  // Set by the signal handler (lock-free, so that storing it is async-signal-safe).
  static inline std::atomic<bool> requested_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);

  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace lockstep::real
