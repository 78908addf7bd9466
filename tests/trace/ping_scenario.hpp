// A small two-way scenario for trace tests: core 0 sends `rounds` requests round-robin to the
// other cores; each is answered by send_result_to_origin, a static function allocated with the
// plain lockstep::event_allocate (no name given), so the trace must find its name in the symbol
// table. A retry poller resends what allocation refused. With fail_at > 0 the fail_at-th answer
// trips a LOCKSTEP_CHECK, so the run ends failed.
#pragma once

#include <lockstep/sim.hpp>

#include <cstdint>

namespace trace_test {

struct ping_config {
  uint32_t rounds = 6;
  uint32_t fail_at = 0;  // 0: never fail
};

lockstep::sim::result run_ping(const lockstep::sim::options& opts, const ping_config& cfg);

}  // namespace trace_test
