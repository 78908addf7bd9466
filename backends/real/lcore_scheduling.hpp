// Who is running on the DPDK backend, and what a failure does there.
//
// Each lcore's thread records its reactor index in a thread_local while its reactor runs; every
// other thread (and an lcore outside a run) is no_core. A failure cannot abandon the running
// event on a real core: it prints the message and aborts, as LOCKSTEP_CHECK promises.
#pragma once

#include "../../core/backend.hpp"

#include <cstdint>

namespace lockstep::real {

class lcore_scheduling final : public core::scheduling {
 public:
  uint32_t current_reactor() const noexcept override { return reactor_of_thread; }
  [[noreturn]] void fail(const char* message) noexcept override;
  void on_stop(int /*rc*/) noexcept override {}  // every reactor loop polls the stop flag

  // Set by the lcore's loop around its reactor.
  static thread_local uint32_t reactor_of_thread;
};

}  // namespace lockstep::real
