// Writes a causal graph as Graphviz DOT text: one cluster per core with its nodes in program
// order (joined by light dashed edges), a solid edge from each sender to the execution of the
// event it sent, allocation failures and the failed check highlighted. The text depends only on
// the graph, so that a golden file can pin it.
#pragma once

#include "causal_graph.hpp"

#include <string>

namespace lockstep::trace {

std::string to_dot(const graph& g);

// Text escaped for a DOT double-quoted string ('\n' becomes a centered line break; bytes that
// are not UTF-8 become '?').
std::string dot_escape(const std::string& text);

}  // namespace lockstep::trace
