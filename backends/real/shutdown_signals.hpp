// SIGINT/SIGTERM during a run of the DPDK backend.
//
// The handler only sets a flag (async-signal-safe); the main lcore's reactor loop polls it and
// turns it into the shutdown request event. The previous handlers are restored when the run
// ends.
#pragma once

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
  static bool take_request() noexcept;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace lockstep::real
