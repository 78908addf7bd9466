// Graphviz through its libraries (libgvc, libcgraph): DOT text in, a drawing out. No `dot`
// process is started, so trace_viz needs only the shared libraries at run time.
#pragma once

#include <string>
#include <vector>

namespace lockstep::trace {

// Whether Graphviz reads `dot` as a graph. *error gets Graphviz's complaint otherwise.
bool graphviz_accepts(const std::string& dot, std::string* error);

// Lays `dot` out with the dot engine and renders it in `format` ("svg", "png", ...) into *out.
// On failure returns false and sets *error to Graphviz's complaint. What Graphviz says on a
// success (warnings; a PNG scaled down to fit cairo's bitmap limit) is appended to *notes, one
// message per entry, rephrased for trace_viz's user; nothing reaches stderr directly: while
// Graphviz runs, the process's fd 2 points at a temporary file (the calls are serialized, and
// other threads' stderr output in that time lands there too and is reported the same way).
bool render_to_memory(const std::string& dot, const std::string& format, std::string* out,
                      std::string* error, std::vector<std::string>* notes = nullptr);

// render_to_memory, then write_file (output_file.hpp) to `path`: false with *error naming the
// file when it cannot be created or fully written, and then no partial file is left.
bool render(const std::string& dot, const std::string& format, const std::string& path,
            std::string* error, std::vector<std::string>* notes = nullptr);

}  // namespace lockstep::trace
