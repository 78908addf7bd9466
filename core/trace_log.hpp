// A run's trace in memory and its on-disk form (docs/trace_format.md), shared by the backends:
// the simulator records it step by step, the real backend merges its per-lcore buffers into it.
//
// Recording a trace never changes a run: in the simulator it draws no decision and feeds
// nothing into the trace hash.
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::core {

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

// Why event_allocate returned nullptr.
enum class alloc_failure : uint8_t { no_event, not_a_core };
// What was running on the core when a check failed.
enum class failed_in : uint8_t { event, poller, none };

// Field use by kind (unused fields are 0):
//   allocate         core, target, id, by, name, start_ns
//   allocate_failed  core, target, by, name, reason, start_ns
//   call             core, target, id, by, start_ns
//   execute          core, sender, id, name, start_ns, end_ns
//   poller, timer    core, id (the poller's registration number on its core), name, start/end
//   stop             core, rc, start_ns
//   shutdown_request id (the request's event), start_ns (core 0's clock)
//   check_failed     core, what (event/poller/none), id, name, start_ns
// `core` is no_core for what happens outside any core (the start event, the shutdown request).
struct trace_record {
  record_kind kind;
  uint8_t detail = 0;      // allocate_failed: alloc_failure; check_failed: failed_in
  uint32_t core = no_core;
  uint32_t target = no_core;  // allocate, allocate_failed, call: the target core
  uint32_t sender = no_core;  // execute: the core that called the event (no_core: outside)
  uint32_t name = 0;       // index into trace_log::names (0: none)
  int32_t rc = 0;          // stop
  uint64_t step = 0;       // the step during which it happened
  uint64_t start_ns = 0;   // the core's virtual time
  uint64_t end_ns = 0;     // execute, poller, timer: when it finished; else == start_ns
  uint64_t id = 0;         // event id or poller number
  uint64_t by = 0;         // allocate, allocate_failed, call: the running event's id (0: none)
};

struct trace_log {
  std::string replay;            // the run's options: the simulator's replay line
  uint32_t cores = 0;
  std::string outcome = "hang";  // stopped, hang, step_limit, failed
  int rc = 0;
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;
  uint64_t trace_hash = 0;
  std::string failure;
  std::vector<std::string> names{""};  // function names, [0] empty
  std::vector<trace_record> records;
};

// Writes `log` in the text trace format, version trace_format_version. False (and *error says
// why) on an I/O error.
inline constexpr int trace_format_version = 2;
bool write_trace_file(const trace_log& log, const std::string& path, std::string* error);

}  // namespace lockstep::core
