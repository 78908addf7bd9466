#include "shutdown_signals.hpp"

#include <atomic>

namespace lockstep::real {

// The handler's only action: async-signal-safe (one lock-free store).
void on_shutdown_signal_arrival(int signo) noexcept {
  shutdown_signals::requested_.store(signo, std::memory_order_release);
}

namespace {

extern "C" void on_shutdown_signal(int signo) { on_shutdown_signal_arrival(signo); }

// Installs `sa` for `sig` unless the signal is ignored; true when installed.
bool install_unless_ignored(int sig, const struct sigaction& sa, struct sigaction* previous) {
  if (sigaction(sig, nullptr, previous) != 0 || previous->sa_handler == SIG_IGN) return false;
  return sigaction(sig, &sa, previous) == 0;
}

}  // namespace

shutdown_signals::shutdown_signals() noexcept {
  // A request left over from an earlier run (a signal that raced its end) is not this run's.
  requested_.store(0, std::memory_order_relaxed);
  struct sigaction sa {};
  sa.sa_handler = on_shutdown_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  installed_int_ = install_unless_ignored(SIGINT, sa, &previous_int_);
  installed_term_ = install_unless_ignored(SIGTERM, sa, &previous_term_);
}

shutdown_signals::~shutdown_signals() {
  if (installed_int_) sigaction(SIGINT, &previous_int_, nullptr);
  if (installed_term_) sigaction(SIGTERM, &previous_term_, nullptr);
}

}  // namespace lockstep::real
