#include "shutdown_signals.hpp"

#include <atomic>

namespace lockstep::real {

// The handler's only action: async-signal-safe (one lock-free store).
void on_shutdown_signal_arrival() noexcept {
  shutdown_signals::requested_.store(true, std::memory_order_release);
}

namespace {

extern "C" void on_shutdown_signal(int) { on_shutdown_signal_arrival(); }

}  // namespace

shutdown_signals::shutdown_signals() noexcept {
  // A request left over from an earlier run (a signal that raced its end) is not this run's.
  requested_.store(false, std::memory_order_relaxed);
  struct sigaction sa {};
  sa.sa_handler = on_shutdown_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &previous_int_);
  sigaction(SIGTERM, &sa, &previous_term_);
}

shutdown_signals::~shutdown_signals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

}  // namespace lockstep::real
