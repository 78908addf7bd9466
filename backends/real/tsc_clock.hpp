// The core clock of the DPDK backend: the TSC, converted to nanoseconds since the run began.
//
// Every lcore reads the same invariant TSC (DPDK's own assumption for rte_get_tsc_cycles), so
// the clock is one for all reactors. The conversion is a 32.32 fixed-point multiply, no
// division and no floating point on the hot path.
#pragma once

#include "../../core/backend.hpp"

#include <rte_cycles.h>

#include <cstdint>

namespace lockstep::real {

class tsc_clock final : public core::clock {
 public:
  tsc_clock() noexcept
      : base_tsc_(rte_get_tsc_cycles()),
        ns_per_tick_q32_((uint64_t{1'000'000'000} << 32) / rte_get_tsc_hz()) {}

  uint64_t now_ns(uint32_t /*reactor*/) const noexcept override {
    __extension__ using u128 = unsigned __int128;
    const uint64_t ticks = rte_get_tsc_cycles() - base_tsc_;
    return static_cast<uint64_t>((static_cast<u128>(ticks) * ns_per_tick_q32_) >> 32);
  }

  // Nothing on DPDK reads event::sent_ns (the rings keep order by themselves), and a TSC read
  // on every event_call costs about as much as the rest of a same-core post.
  uint64_t send_stamp_ns(uint32_t /*reactor*/) const noexcept override { return 0; }

 private:
  const uint64_t base_tsc_;
  const uint64_t ns_per_tick_q32_;  // nanoseconds per TSC tick, times 2^32
};

}  // namespace lockstep::real
