// trace_viz: draws a lockstep trace.
//
//   trace_viz TRACE -o OUT.dot|OUT.svg|OUT.png|OUT.json
//             [--causal [--depth N]] [--around STEP [--radius N]] [--all-pollers]
//             [--max-nodes N]
//
// The output format is chosen by OUT's extension: DOT text, SVG or PNG rendered through the
// Graphviz libraries, or Chrome/Perfetto trace-event JSON. See docs/trace_viz.md.
// Exit codes: 0 written; 1 the trace is unreadable or malformed (the message names the line);
// 2 bad usage (also an --around STEP outside the trace); 3 the output could not be rendered or
// written; 4 nothing to draw (the options, or the trace, selected no node); 5 too many nodes to
// lay out (.svg, .png past --max-nodes).
#include "causal_graph.hpp"
#include "dot_writer.hpp"
#include "json_writer.hpp"
#include "output_file.hpp"
#include "render.hpp"
#include "trace/reader.hpp"

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

// Past this many nodes Graphviz's dot layout is not attempted (.svg, .png) unless --max-nodes
// raises the limit: its time grows about fivefold when the nodes double (docs/trace_viz.md has
// the figures: about 10 s CPU at 500 nodes, 47 s at 1,000) and a few hundred thousand nodes
// overflow its stack (SIGSEGV). Set in tools/trace_viz/CMakeLists.txt.
constexpr uint64_t layout_nodes_max = LOCKSTEP_TRACE_VIZ_MAX_NODES;

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
               "  --all-pollers  also draw poller runs that sent nothing\n"
               "  --max-nodes N  lay out .svg/.png drawings of up to N nodes (default %" PRIu64
               "; the\n"
               "                 layout's time grows about fivefold when the nodes double)\n",
               why.c_str(), layout_nodes_max);
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
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)  // x.SVG is x.svg
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return ext;
}

// The lowest and highest step the trace's records name; false if it has no records.
bool step_range(const lockstep::trace::trace_log& t, uint64_t* lo, uint64_t* hi) {
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

// Writes `g` to `output` in `format` (dot, svg, png); the exit code.
int draw(const lockstep::trace::graph& g, const std::string& format, const std::string& output,
         uint64_t max_nodes) {
  using namespace lockstep::trace;
  std::string error;
  // Graphviz's layout (.svg, .png) is refused past the node limit before it starts: it would
  // run for minutes, or crash. The .dot text needs no layout and is written at any size.
  const bool laid_out = format != "dot";
  if (laid_out && g.nodes.size() > max_nodes) {
    std::fprintf(stderr,
                 "trace_viz: %s not written: %zu nodes are more than Graphviz's layout takes "
                 "(at most %" PRIu64 "%s: its time grows about fivefold when the nodes double, "
                 "some 10 s for 500 nodes, 50 s for 1,000, and a few hundred thousand crash it). "
                 "Cut the trace down with --causal [--depth N] or --around STEP --radius N, write "
                 "OUT.json (a timeline of the whole trace, any size) or OUT.dot (not laid out), "
                 "or raise the limit with --max-nodes %zu\n",
                 output.c_str(), g.nodes.size(), max_nodes,
                 max_nodes == layout_nodes_max ? "" : ", from --max-nodes", g.nodes.size());
    return 5;
  }
  const std::string dot = to_dot(g);
  if (!laid_out) {
    if (!write_file(output, dot, &error)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
    if (g.nodes.size() > max_nodes)
      std::fprintf(stderr,
                   "trace_viz: %zu nodes: more than trace_viz lays out (%" PRIu64 "); Graphviz's "
                   "dot will be slow on it (its time grows about fivefold when the nodes double, "
                   "and a few hundred thousand nodes crash it; see docs/trace_viz.md)\n",
                   g.nodes.size(), max_nodes);
  } else {
    if (g.nodes.size() > large_graph_nodes)
      std::fprintf(stderr,
                   "trace_viz: %zu nodes: the drawing will be large and slow to lay out; "
                   "cut it down with --causal --depth N (smaller N, fewer nodes) or "
                   "--around STEP --radius N\n",
                   g.nodes.size());
    std::vector<std::string> notes;
    if (!render(dot, format, output, &error, &notes)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
    for (const std::string& note : notes) std::fprintf(stderr, "trace_viz: %s\n", note.c_str());
  }
  std::printf("trace_viz: wrote %s (%zu nodes, %zu sends%s)\n", output.c_str(), g.nodes.size(),
              g.sends.size(), g.failure != SIZE_MAX ? ", failure highlighted" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lockstep::trace;
  std::string input, output;
  build_options bo;
  slice_options so;
  bool depth_given = false, radius_given = false;
  uint64_t max_nodes = layout_nodes_max;
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
    } else if (arg == "--max-nodes") {
      if (!value(&max_nodes) || max_nodes == 0)
        return usage("--max-nodes needs a number of nodes (at least 1)");
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

  trace_log t;
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
  return draw(g, format, output, max_nodes);
}
