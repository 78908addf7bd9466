// Text helpers shared by the writers.
#pragma once

#include <string>

namespace lockstep::trace {

// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by '?'.
// Traces carry user text (failure messages, names) as bytes; Graphviz and JSON need UTF-8.
std::string valid_utf8(const std::string& text);

}  // namespace lockstep::trace
