// trace_viz: draws a lockstep trace.
//
//   trace_viz TRACE -o OUT.dot|OUT.svg|OUT.png|OUT.json
//             [--causal [--depth N]] [--around STEP [--radius N]] [--all-pollers]
//
// The output format is chosen by OUT's extension: DOT text, SVG or PNG rendered through the
// Graphviz libraries, or Chrome/Perfetto trace-event JSON. See docs/trace_viz.md.
// Exit codes: 0 written; 1 the trace is unreadable or malformed (the message names the line);
// 2 bad usage (also an --around STEP outside the trace); 3 the output could not be rendered or
// written; 4 nothing to draw (the options, or the trace, selected no node).
#include "causal_graph.hpp"
#include "dot_writer.hpp"
#include "json_writer.hpp"
#include "output_file.hpp"
#include "render.hpp"
#include "trace_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Past this many nodes a drawing is rarely readable (and slow to lay out): say how to cut it.
constexpr size_t large_graph_nodes = 400;

int usage(const std::string& why) {
  std::fprintf(stderr,
               "trace_viz: %s\n"
               "usage: trace_viz TRACE -o OUT.dot|OUT.svg|OUT.png|OUT.json\n"
               "                 [--causal [--depth N]] [--around STEP [--radius N]]\n"
               "                 [--all-pollers]\n"
               "  --causal       keep only the causal past of the failed check (or of the\n"
               "                 last step): what happened before it on its core and what\n"
               "                 sent it, transitively\n"
               "  --depth N      with --causal: at most N happens-before hops back\n"
               "  --around STEP  keep the steps STEP-N..STEP+N (N from --radius, default 20);\n"
               "                 with --causal, only the causal past inside that window\n"
               "  --all-pollers  also draw poller runs that sent nothing\n",
               why.c_str());
  return 2;
}

bool parse_u64(const char* text, uint64_t* out) {
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, *out);
  return ec == std::errc() && ptr == end && text != end;
}

std::string extension(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return path.substr(dot + 1);
}

// The lowest and highest step the trace's records name; false if it has no records.
bool step_range(const lockstep::trace::trace& t, uint64_t* lo, uint64_t* hi) {
  if (t.records.empty()) return false;
  *lo = UINT64_MAX;
  *hi = 0;
  for (const lockstep::trace::record& r : t.records) {
    *lo = std::min(*lo, r.step);
    *hi = std::max(*hi, r.step);
  }
  return true;
}

// Why a slice kept no node, and what to change. Only called when it kept none.
std::string why_empty(const lockstep::trace::graph& whole, const lockstep::trace::slice_options& so,
                      const lockstep::trace::build_options& bo) {
  using namespace lockstep::trace;
  if (whole.nodes.empty())
    return "the trace has no step to draw" +
           std::string(bo.all_pollers ? "" : " (poller runs that sent nothing are left out: "
                                             "--all-pollers draws them)");
  const uint64_t lo = so.window_first();
  const uint64_t hi = so.window_last();
  const std::string window = lo == hi ? "step " + std::to_string(lo)
                                       : "steps " + std::to_string(lo) + ".." + std::to_string(hi);
  if (so.causal) {
    // --causal alone always keeps at least its starting node: the window missed it. Say where
    // the causal past lies so the window can be moved there.
    slice_options causal_only = so;
    causal_only.around = false;
    std::string note;
    const graph past = slice_graph(whole, causal_only, &note);
    uint64_t first = UINT64_MAX, last = 0;
    for (const node& n : past.nodes) {
      if (n.kind == node_kind::cut) continue;
      first = std::min(first, n.step);
      last = std::max(last, n.step);
    }
    if (first == UINT64_MAX || !so.around)
      return "--causal found no step that ran to start its causal past from";
    return "--causal with --around keeps only the causal past inside the window, and none of it "
           "is in " + window + ": the " + note + " spans steps " + std::to_string(first) + ".." +
           std::to_string(last) + " (move --around there, widen --radius or --depth, or drop "
           "one of the two)";
  }
  return "nothing in " + window + " is drawn" +
         std::string(bo.all_pollers ? "" : " (poller runs that sent nothing are left out: "
                                           "--all-pollers draws them)") +
         "; widen --radius";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lockstep::trace;
  std::string input, output;
  build_options bo;
  slice_options so;
  bool depth_given = false, radius_given = false;
  std::vector<std::string> given;  // the options seen: each may be given once
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-') {
      if (std::find(given.begin(), given.end(), arg) != given.end())
        return usage(arg + " given twice (each option once: which one would win is a guess)");
      given.push_back(arg);
    }
    auto value = [&](uint64_t* out) {
      if (i + 1 >= argc) return false;
      return parse_u64(argv[++i], out);
    };
    if (arg == "-o") {
      if (i + 1 >= argc) return usage("-o needs a file name");
      output = argv[++i];
    } else if (arg == "--causal") {
      so.causal = true;
    } else if (arg == "--depth") {
      if (!value(&so.depth)) return usage("--depth needs a number");
      depth_given = true;
    } else if (arg == "--around") {
      if (!value(&so.around_step)) return usage("--around needs a step number");
      so.around = true;
    } else if (arg == "--radius") {
      if (!value(&so.radius)) return usage("--radius needs a number of steps");
      radius_given = true;
    } else if (arg == "--all-pollers") {
      bo.all_pollers = true;
    } else if (arg == "-h" || arg == "--help") {
      usage("draws a lockstep trace");
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usage("unknown option '" + arg + "'");
    } else if (input.empty()) {
      input = arg;
    } else {
      return usage("more than one trace given ('" + input + "', '" + arg + "')");
    }
  }
  if (input.empty()) return usage("no trace given");
  if (output.empty()) return usage("no output given (-o OUT.dot|svg|png|json)");
  if (depth_given && !so.causal) return usage("--depth needs --causal");
  if (radius_given && !so.around) return usage("--radius needs --around");
  const std::string format = extension(output);
  if (format != "dot" && format != "svg" && format != "png" && format != "json")
    return usage("the output's extension chooses the format: .dot, .svg, .png or .json (got '" +
                 output + "')");
  // The timeline always holds the whole trace; taking these options silently would hand back
  // something other than what was asked for.
  if (format == "json" && (so.causal || so.around || bo.all_pollers))
    return usage("--causal, --around and --all-pollers shape the drawings (.dot, .svg, .png); "
                 "the .json timeline always holds the whole trace");

  trace t;
  std::string error;
  if (!read_file(input, &t, &error)) {
    std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
    return 1;
  }
  if (so.around) {
    uint64_t first = 0, last = 0;
    if (!step_range(t, &first, &last)) {
      std::fprintf(stderr, "trace_viz: --around %" PRIu64 ": %s has no steps\n", so.around_step,
                   input.c_str());
      return 2;
    }
    if (so.around_step < first || so.around_step > last) {
      std::fprintf(stderr,
                   "trace_viz: --around %" PRIu64 " is outside the trace: %s has steps %" PRIu64
                   "..%" PRIu64 "\n",
                   so.around_step, input.c_str(), first, last);
      return 2;
    }
  }

  if (format == "json") {
    if (!write_file(output, to_chrome_json(t), &error)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
    std::printf("trace_viz: wrote %s (%zu records; open it in https://ui.perfetto.dev)\n",
                output.c_str(), t.records.size());
    return 0;
  }

  const graph whole = build_graph(t, bo);
  graph g = whole;
  if (so.causal || so.around) {
    std::string note;
    g = slice_graph(whole, so, &note);
  }
  if (g.nodes.empty()) {
    // An empty drawing with exit code 0 reads as success: say what selected nothing instead.
    std::fprintf(stderr, "trace_viz: nothing to draw, %s not written: %s\n", output.c_str(),
                 why_empty(whole, so, bo).c_str());
    return 4;
  }
  const std::string dot = to_dot(g);
  if (format == "dot") {
    if (!write_file(output, dot, &error)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
  } else {
    if (g.nodes.size() > large_graph_nodes)
      std::fprintf(stderr,
                   "trace_viz: %zu nodes: the drawing will be large and slow to lay out; "
                   "cut it down with --causal --depth N (smaller N, fewer nodes) or "
                   "--around STEP --radius N\n",
                   g.nodes.size());
    if (!render(dot, format, output, &error)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
  }
  std::printf("trace_viz: wrote %s (%zu nodes, %zu sends%s)\n", output.c_str(), g.nodes.size(),
              g.sends.size(), g.failure != SIZE_MAX ? ", failure highlighted" : "");
  return 0;
}
