// The trace format (docs/trace_format.md), defined once: the record kinds with their on-disk
// words and field layouts, the record and the whole trace in memory. Both backends record into
// trace_log (the simulator step by step, the real backend by merging its per-lcore lanes),
// writer.cpp writes it, reader.cpp reads it back into the same structure, and causality.hpp
// holds the rules every trace obeys.
//
// Recording a trace never changes a run: in the simulator it draws no decision and feeds
// nothing into the trace hash.
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::trace {

// The version written in the header line "lockstep-trace N" and the only one the reader reads.
// A change of what a trace says bumps it (and the golden table, tests/golden).
inline constexpr int format_version = 2;
inline constexpr std::string_view header_word = "lockstep-trace";

// A core number in a record, or `outside` for what happens outside any core ("-" on disk).
inline constexpr uint32_t outside = no_core;
inline constexpr std::string_view outside_word = "-";

// The record kinds, in the order of their numbers (the golden table hashes the numbers).
enum class kind : uint8_t {
  alloc,             // an event was allocated
  alloc_failed,      // event_allocate returned nullptr
  call,              // event_call handed an event over
  exec,              // an event ran
  poller,            // an active poller ran
  timer,             // a timed poller ran
  stop,              // app_stop (first call)
  shutdown_request,  // the injected shutdown request was queued for core 0
  check_failed,      // a LOCKSTEP_CHECK or misuse ended the run
};
inline constexpr uint32_t kind_count = 9;

// How a kind is written: its word and its line's layout (the word, then the fields, separated
// by one space). The one definition the writer and the reader share.
struct kind_layout {
  trace::kind kind;
  std::string_view word;
  std::string_view layout;  // e.g. "alloc STEP CORE T_NS ID TARGET BY NAME"
  uint32_t fields;          // words in the layout, the record's word included
};
inline constexpr kind_layout layouts[kind_count] = {
    {kind::alloc, "alloc", "alloc STEP CORE T_NS ID TARGET BY NAME", 8},
    {kind::alloc_failed, "alloc_failed", "alloc_failed STEP CORE T_NS TARGET BY NAME REASON", 8},
    {kind::call, "call", "call STEP CORE T_NS ID TARGET BY", 7},
    {kind::exec, "exec", "exec STEP CORE START_NS END_NS ID SENDER NAME", 8},
    {kind::poller, "poller", "poller STEP CORE START_NS END_NS POLLER NAME", 7},
    {kind::timer, "timer", "timer STEP CORE START_NS END_NS POLLER NAME", 7},
    {kind::stop, "stop", "stop STEP CORE T_NS RC", 5},
    {kind::shutdown_request, "shutdown_request", "shutdown_request STEP T_NS ID", 4},
    {kind::check_failed, "check_failed", "check_failed STEP CORE T_NS IN ID NAME", 7},
};
constexpr const kind_layout& layout_of(kind k) noexcept { return layouts[static_cast<uint8_t>(k)]; }
// The on-disk word of a kind ("alloc", "exec", ...).
const char* to_string(kind k) noexcept;

// Why event_allocate returned nullptr.
enum class alloc_reason : uint8_t { no_event, not_a_core };
const char* to_string(alloc_reason r) noexcept;  // "no_event", "not_a_core"
// What was running on the core when a check failed.
enum class failed_in : uint8_t { event, poller, none };
const char* to_string(failed_in f) noexcept;  // "event", "poller", "none"

// Whether a record takes time on its core (start and end differ): exec, poller, timer. Each of
// these is a step of the run; the others happen within one.
constexpr bool is_step(kind k) noexcept {
  return k == kind::exec || k == kind::poller || k == kind::timer;
}

// Whether a kind's CORE may be `outside`: the simulator's start event and the shutdown request
// are allocated and called there, a framework invariant can fail between steps, and a thread
// that is not a reactor (lockstep::external_thread_start) allocates, calls, fails to allocate,
// stops the application and fails checks there. Steps (exec, poller, timer) run on a core.
constexpr bool may_be_outside(kind k) noexcept {
  return k == kind::alloc || k == kind::alloc_failed || k == kind::call || k == kind::stop ||
         k == kind::check_failed;
}

// One record. Field use by kind (unused fields keep their defaults):
//   alloc             core, target, id, by, name, start_ns
//   alloc_failed      core, target, by, name, reason, start_ns
//   call              core, target, id, by, start_ns
//   exec              core, sender, id, name, start_ns, end_ns
//   poller, timer     core, id (the poller's registration number on its core), name, start/end
//   stop              core, rc, start_ns
//   shutdown_request  id (the request's event), start_ns (core 0's clock)
//   check_failed      core, in, id (the event's or the poller's), name, start_ns
// `core` is `outside` for what happens outside any core (the start event, the shutdown request).
struct record {
  trace::kind kind = kind::exec;
  alloc_reason reason = alloc_reason::no_event;  // alloc_failed
  failed_in in = failed_in::none;                // check_failed
  uint32_t core = outside;
  uint32_t target = outside;  // alloc, alloc_failed, call: the target core
  uint32_t sender = outside;  // exec: the core that called the event (outside: no core did)
  uint32_t name = 0;          // index into trace_log::names (0: none)
  int32_t rc = 0;             // stop
  uint32_t line = 0;          // read from a file: its line there (1-based); recorded: 0
  uint64_t step = 0;          // the step during which it happened
  uint64_t start_ns = 0;      // the core's time
  uint64_t end_ns = 0;        // exec, poller, timer: when it finished; else == start_ns
  uint64_t id = 0;            // event id or poller number
  uint64_t by = 0;            // alloc, alloc_failed, call: the running event's id (0: none)
};

// A whole trace: what a run recorded, what the writer writes and what the reader reads back.
struct trace_log {
  int version = format_version;
  std::string options;           // the run's options: the simulator's replay line
  uint32_t cores = 0;
  std::string outcome = "hang";  // stopped, hang, step_limit, failed
  int32_t rc = 0;
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;
  uint64_t trace_hash = 0;
  std::string failure;                 // empty unless the run failed
  std::vector<std::string> names{""};  // function names, [0] empty
  std::vector<record> records;

  const std::string& name_of(const record& r) const { return names[r.name]; }
};

// Writes `log` in the text format, version format_version. False (and *error says why) on an
// I/O error.
bool write_file(const trace_log& log, const std::string& path, std::string* error);

}  // namespace lockstep::trace
