// Writes a trace in the Chrome / Perfetto trace-event JSON format, for timeline viewers
// (ui.perfetto.dev, chrome://tracing): one track (thread) per core plus one for what happens
// outside any core, a slice per executed event and poller run, instant events for allocation
// failures, stops and the failed check, and a flow arrow from each send to its execution.
// Timestamps are the simulator's virtual nanoseconds, written in microseconds as the format
// expects.
#pragma once

#include "trace/reader.hpp"

#include <string>

namespace lockstep::trace {

std::string to_chrome_json(const trace_log& t);

// Text escaped for a JSON string (bytes that are not UTF-8 become '?').
std::string json_escape(const std::string& text);

}  // namespace lockstep::trace
