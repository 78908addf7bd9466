// Reads a trace in the text format (format.hpp, docs/trace_format.md) back into a trace_log,
// checking every line and the causality rules (causality.hpp).
//
// A trace that is truncated, of another format version, or not a trace at all is rejected
// with one message that names the line and says what was expected there; nothing is guessed.
// The reader keeps no global state: call it from any thread.
#pragma once

#include "format.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace lockstep::trace {

// The longest first line (the header "lockstep-trace N") the reader takes, and the longest
// of every other line (the options line holds a replay line, which may carry a long decision
// vector), in bytes, without the newline. A longer line is refused, not read to its end.
inline constexpr size_t header_line_max = 64;
inline constexpr size_t line_max = size_t{64} << 20;  // 64 MiB

// Parses a whole trace. On failure returns false and sets *error to "line N: what was wrong".
bool parse(std::string_view text, trace_log* out, std::string* error);

// Reads and parses a file, as it is read (never more than one line ahead of the parser): input
// that is not a trace is refused within its first line. Errors are prefixed with the path:
// "PATH:N: what was wrong", or "PATH: cannot read: why".
bool read_file(const std::string& path, trace_log* out, std::string* error);

}  // namespace lockstep::trace
