// Graphviz through its libraries (libgvc, libcgraph): DOT text in, a drawing out. No `dot`
// process is started, so trace_viz needs only the shared libraries at run time.
#pragma once

#include <string>

namespace lockstep::trace {

// Whether Graphviz reads `dot` as a graph. *error gets Graphviz's complaint otherwise.
bool graphviz_accepts(const std::string& dot, std::string* error);

// Lays `dot` out with the dot engine and renders it to `path` in `format` ("svg", "png", ...).
bool render(const std::string& dot, const std::string& format, const std::string& path,
            std::string* error);

}  // namespace lockstep::trace
