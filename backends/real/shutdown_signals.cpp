#include "shutdown_signals.hpp"

#include <atomic>

namespace lockstep::real {
namespace {

// Lock-free, so that storing it is async-signal-safe.
std::atomic<bool> g_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_shutdown_signal(int) { g_requested.store(true, std::memory_order_release); }

}  // namespace

shutdown_signals::shutdown_signals() noexcept {
  // A request left over from an earlier run (a signal that raced its end) is not this run's.
  g_requested.store(false, std::memory_order_relaxed);
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

bool shutdown_signals::take_request() noexcept {
  if (!g_requested.load(std::memory_order_relaxed)) [[likely]] return false;
  return g_requested.exchange(false, std::memory_order_acquire);
}

}  // namespace lockstep::real
