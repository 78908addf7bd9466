// The simulator's in-memory trace and its on-disk form (docs/trace_format.md).
#pragma once

#include <lockstep/sim.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::sim {

enum class record_kind : uint8_t {
  allocate,          // an event was allocated
  allocate_failed,   // event_allocate returned nullptr
  call,              // event_call handed an event over
  execute,           // an event ran
  poller,            // an active poller ran
  timer,             // a timed poller ran
  stop,              // app_stop (first call)
  shutdown_request,  // the injected shutdown request was queued for core 0
  check_failed,      // a LOCKSTEP_CHECK or misuse ended the run
};

struct trace_record {
  record_kind kind;
  uint32_t core;      // the core that did it (no_core: outside any core)
  uint32_t target;    // allocate, allocate_failed, call: the target core
  uint32_t name;      // index into trace_log::names (0: none)
  int32_t rc;         // stop: the rc; allocate_failed: 1 when the target was not a core
  uint64_t step;      // the step during which it happened
  uint64_t start_ns;  // core's virtual time
  uint64_t end_ns;    // execute, poller, timer: when it finished; else == start_ns
  uint64_t id;        // event id (allocate, call, execute) or poller id (poller, timer)
  uint64_t by;        // allocate, allocate_failed, call: the running event's id (0: none)
};

struct trace_log {
  std::string replay;            // the run's options, as format_replay writes them
  sim::outcome outcome = sim::outcome::hang;
  int rc = 0;
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;
  uint64_t trace_hash = 0;
  std::string failure;
  std::vector<std::string> names{""};  // function names, [0] empty
  std::vector<trace_record> records;
};

// Writes `log` in the text trace format, version trace_format_version. False on I/O error.
inline constexpr int trace_format_version = 1;
bool write_trace_file(const trace_log& log, const std::string& path, std::string* error);

// A function's name for traces when the caller gave none: the symbol if the dynamic linker
// knows it, else "fn@<module>+0x<offset>" (stable across processes, unlike an address).
std::string describe_function(const void* fn);

}  // namespace lockstep::sim
