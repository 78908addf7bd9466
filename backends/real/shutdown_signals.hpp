// SIGINT/SIGTERM during a run of the DPDK backend.
//
// The handler only sets a flag (async-signal-safe); the main lcore's reactor loop polls it and
// turns it into the shutdown request event. The previous handlers are restored when the run
// ends. A signal the process has inherited (or set) as ignored (SIG_IGN: a shell's background
// job, nohup) stays ignored, as daemons do: no handler is installed for it.
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

  // Non-zero once per arrival batch: the signal (SIGINT or SIGTERM) that arrived last since the
  // last call that returned non-zero; 0 when none did.
  // Inline: the main lcore's loop asks once per iteration, and almost always finds nothing.
  static int take_request() noexcept {
    if (requested_.load(std::memory_order_relaxed) == 0) [[likely]] return 0;
    return requested_.exchange(0, std::memory_order_acquire);
  }

 private:
  friend void on_shutdown_signal_arrival(int signo) noexcept;
  // The signal number, set by the signal handler (lock-free, so that storing it is
  // async-signal-safe); 0: none.
  static inline std::atomic<int> requested_{0};
  static_assert(std::atomic<int>::is_always_lock_free);

  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  bool installed_int_ = false;   // false: SIGINT was ignored and is left so
  bool installed_term_ = false;
};

}  // namespace lockstep::real
