// Writing trace_viz's outputs: all or nothing, with a message that names the file.
#pragma once

#include <string>
#include <string_view>

namespace lockstep::trace {

// Creates (or truncates) `path` and writes `data` to it. Every step is checked: the open, the
// write, the flush and the close (a full disk often shows only there). On failure returns false,
// sets *error to a message naming the path and the reason, and removes what was written, so no
// partial file is left behind that looks like a finished one. Only a regular file is removed:
// a device or FIFO given as the output is left alone. Any thread; no global state.
bool write_file(const std::string& path, std::string_view data, std::string* error);

}  // namespace lockstep::trace
