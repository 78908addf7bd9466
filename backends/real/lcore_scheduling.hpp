// Who is running on the DPDK backend, and what a failure does there.
//
// Each lcore's thread records its reactor index (and core id) with core::set_current_reactor
// while its reactor runs; every other thread (and an lcore outside a run) is no_core. A failure
// cannot abandon the running event on a real core: it prints the message and aborts, as
// LOCKSTEP_CHECK promises.
#pragma once

#include "../../core/backend.hpp"

#include <cstdint>

namespace lockstep::real {

class lcore_scheduling final : public core::scheduling {
 public:
  [[noreturn]] void fail(const char* message) noexcept override;
  [[noreturn]] void unit_threw(const char* message) noexcept override;
  void on_stop(int /*rc*/) noexcept override {}  // every reactor loop polls the stop flag
};

}  // namespace lockstep::real
