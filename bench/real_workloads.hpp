// The real backend's workloads (lockstep::real::run), in the shapes of the SPDK-shaped
// baselines of spdk_shaped.hpp. Each call is one real::run. When the real backend is not built,
// real_backend_available() says so and the benchmark reports these figures as null.
#pragma once

#include <cstdint>
#include <string>

namespace lockstep::bench {

// True when lockstep::real is linked in and starts; otherwise false and *why says why.
bool real_backend_available(std::string* why);

// `record`: when not empty, the run is recorded there (real::options::record, for a replay in
// the simulator) and the figure includes what recording costs; the file is written after the
// measured part and removed.
// One lcore posting events to itself, `in_flight` at a time: nanoseconds per event.
double real_local_ns_per_event(uint64_t events, uint32_t in_flight, const std::string& record = {});
// One event bouncing between two lcores: nanoseconds per round trip.
double real_roundtrip_ns(uint64_t round_trips);
// Two lcores, each keeping `in_flight` events in flight to the other: events/s per core.
double real_cross_events_per_s_per_core(uint64_t events_per_core, uint32_t in_flight,
                                        const std::string& record = {});

}  // namespace lockstep::bench
