// Graphviz through its libraries (libgvc, libcgraph): DOT text in, a drawing out. No `dot`
// process is started, so trace_viz needs only the shared libraries at run time.
#pragma once

#include <string>

namespace lockstep::trace {

// Whether Graphviz reads `dot` as a graph. *error gets Graphviz's complaint otherwise.
bool graphviz_accepts(const std::string& dot, std::string* error);

// Lays `dot` out with the dot engine and renders it in `format` ("svg", "png", ...) into *out.
// On failure returns false and sets *error to Graphviz's complaint.
bool render_to_memory(const std::string& dot, const std::string& format, std::string* out,
                      std::string* error);

// render_to_memory, then write_file (output_file.hpp) to `path`: false with *error naming the
// file when it cannot be created or fully written, and then no partial file is left.
bool render(const std::string& dot, const std::string& format, const std::string& path,
            std::string* error);

}  // namespace lockstep::trace
