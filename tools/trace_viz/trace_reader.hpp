// Reads the simulator's text trace (docs/trace_format.md) into memory, checking every line.
//
// A trace that is truncated, of another format version, or not a trace at all is rejected
// with one message that names the line and says what was expected there; nothing is guessed.
// The reader keeps no global state: call it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::trace {

// The format version this reader understands (and the simulator writes).
inline constexpr int format_version = 2;

// The longest first line (the header "lockstep-trace N") the reader takes, and the longest
// of every other line (the options line holds a replay line, which may carry a long decision
// vector), in bytes, without the newline. A longer line is refused, not read to its end.
inline constexpr size_t header_line_max = 64;
inline constexpr size_t line_max = size_t{64} << 20;  // 64 MiB

// A core number in a record, or `outside` for what happens outside any core ("-" on disk).
inline constexpr uint32_t outside = UINT32_MAX;

enum class kind : uint8_t {
  alloc,             // alloc STEP CORE T_NS ID TARGET BY NAME
  alloc_failed,      // alloc_failed STEP CORE T_NS TARGET BY NAME REASON
  call,              // call STEP CORE T_NS ID TARGET BY
  exec,              // exec STEP CORE START_NS END_NS ID SENDER NAME
  poller,            // poller STEP CORE START_NS END_NS POLLER NAME
  timer,             // timer STEP CORE START_NS END_NS POLLER NAME
  stop,              // stop STEP CORE T_NS RC
  shutdown_request,  // shutdown_request STEP T_NS ID
  check_failed,      // check_failed STEP CORE T_NS IN ID NAME
};

const char* to_string(kind k) noexcept;

enum class alloc_reason : uint8_t { no_event, not_a_core };
enum class failed_in : uint8_t { event, poller, none };

// One record; fields a kind does not have stay at their defaults.
struct record {
  trace::kind kind = kind::exec;
  uint64_t step = 0;
  uint32_t core = outside;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;       // == start_ns for records that take no time
  uint64_t id = 0;           // event id, or poller number for poller/timer/check_failed in poller
  uint32_t target = outside; // alloc, alloc_failed, call
  uint32_t sender = outside; // exec
  uint64_t by = 0;           // alloc, alloc_failed, call: the running event's id (0: none)
  uint32_t name = 0;         // index into trace::names (0: none)
  int32_t rc = 0;            // stop
  alloc_reason reason = alloc_reason::no_event;
  failed_in in = failed_in::none;
  uint32_t line = 0;         // where it was read (1-based)
};

struct trace {
  int version = 0;
  std::string options;       // the replay line of the run
  uint32_t cores = 0;
  std::string outcome;       // stopped, hang, step_limit, failed
  int32_t rc = 0;
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;
  std::string hash;          // 16 hex digits
  std::string failure;       // empty unless the run failed
  std::vector<std::string> names{""};  // [0] is the empty name
  std::vector<record> records;

  const std::string& name_of(const record& r) const { return names[r.name]; }
};

// Parses a whole trace. On failure returns false and sets *error to "line N: what was wrong".
bool parse(std::string_view text, trace* out, std::string* error);

// Reads and parses a file, as it is read (never more than one line ahead of the parser): input
// that is not a trace is refused within its first line. Errors are prefixed with the path:
// "PATH:N: what was wrong", or "PATH: cannot read: why".
bool read_file(const std::string& path, trace* out, std::string* error);

}  // namespace lockstep::trace
