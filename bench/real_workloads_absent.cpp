// Built instead of real_workloads.cpp when the real backend is not part of the build.
#include "real_workloads.hpp"
#include "transport_idle.hpp"

namespace lockstep::bench {

bool real_backend_available(std::string* why) {
  *why = "the real backend (lockstep::real) is not part of this build";
  return false;
}
double real_local_ns_per_event(uint64_t, uint32_t, const std::string&) { return -1; }
double real_roundtrip_ns(uint64_t) { return -1; }
double real_cross_events_per_s_per_core(uint64_t, uint32_t, const std::string&) { return -1; }
double idle_poll_ns(uint32_t, uint64_t) { return -1; }
uint64_t transport_handover_single_thread(bool, uint64_t, uint32_t) { return 0; }

}  // namespace lockstep::bench
