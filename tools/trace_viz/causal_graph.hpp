// The causal graph of a trace: what ran on each core in program order, and which execution
// sent each event. trace_viz draws it (dot_writer) after an optional slice.
//
// Node ids are derived from the trace, never from memory or hashing: "s<step>" for the step
// that ran an event or a poller (a step number is unique), "f<step>_<k>" for the k-th allocation
// failure and "x<step>" for the stop inside that step, "q<event>" for an event that was called
// but never ran, "o<event>" for a sender outside any core, "c<n>" for the cut-edge stubs of a
// slice. Nodes keep the order of the trace, so the same trace always gives the same graph.
#pragma once

#include "trace/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::trace {

enum class node_kind : uint8_t {
  event,         // an event ran
  poller,        // an active poller ran
  timer,         // a timed poller ran
  failed_check,  // the step in which a LOCKSTEP_CHECK (or misuse) ended the run
  alloc_failed,  // event_allocate returned nullptr
  stop,          // app_stop
  never_ran,     // called, never executed (dropped at stop, or lost)
  external,      // a sender outside any core: the run's start, the shutdown request
  unrecorded,    // a step the trace refers to without recording it (kept so edges have ends)
  cut,           // a slice's stand-in for the far end of an edge that was cut
};

struct node {
  std::string id;
  node_kind kind = node_kind::event;
  uint32_t core = outside;   // outside: drawn outside the per-core clusters
  uint64_t step = 0;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  uint64_t event = 0;        // event id (0: none); poller number for poller/timer nodes
  std::string name;          // the function
  std::string detail;        // kind-specific text: failure message, rc, reason, ...
};

struct edge {
  size_t from = 0;
  size_t to = 0;
};

struct graph {
  uint32_t cores = 0;
  std::vector<node> nodes;   // program order within each core; drawn in this order
  std::vector<edge> sends;   // sender's step -> the execution of the event it called
  size_t failure = SIZE_MAX; // the failed_check node, if the run failed
  std::string title;         // one line per header fact (outcome, failure, options)
};

struct build_options {
  bool all_pollers = false;  // also poller runs that sent nothing (usually most of them)
};

graph build_graph(const trace_log& t, const build_options& opts);

struct slice_options {
  bool around = false;       // keep the steps around `around_step`
  uint64_t around_step = 0;
  uint64_t radius = 20;      // steps on each side
  bool causal = false;       // keep the causal past of the failure (or of the last step)
  uint64_t depth = UINT64_MAX;  // causal: at most this many happens-before hops back

  // The window `around` keeps: steps around_step - radius .. around_step + radius, clamped to
  // 0 .. 2^64 - 1.
  uint64_t window_first() const noexcept { return around_step > radius ? around_step - radius : 0; }
  uint64_t window_last() const noexcept {
    return around_step + (radius < UINT64_MAX - around_step ? radius : UINT64_MAX - around_step);
  }
};

// The sub-graph the options select; edges cut by the slice end in "cut" stubs that say where
// they came from or went. *note says what was kept (for the graph's title).
graph slice_graph(const graph& g, const slice_options& opts, std::string* note);

}  // namespace lockstep::trace
