// trace_viz: draws a lockstep trace.
//
//   trace_viz TRACE -o OUT.dot|OUT.svg|OUT.png|OUT.json
//             [--causal [--depth N]] [--around STEP [--radius N]] [--all-pollers]
//
// The output format is chosen by OUT's extension: DOT text, SVG or PNG rendered through the
// Graphviz libraries, or Chrome/Perfetto trace-event JSON. See docs/trace_viz.md.
// Exit codes: 0 written; 1 the trace is unreadable or malformed (the message names the line);
// 2 bad usage; 3 the output could not be rendered or written.
#include "causal_graph.hpp"
#include "dot_writer.hpp"
#include "json_writer.hpp"
#include "render.hpp"
#include "trace_reader.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

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
               "  --around STEP  keep the steps STEP-N..STEP+N (N from --radius, default 20)\n"
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

bool write_text(const std::string& path, const std::string& text, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    *error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  out << text;
  out.close();
  if (!out) {
    *error = "write error on '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lockstep::trace;
  std::string input, output;
  build_options bo;
  slice_options so;
  bool depth_given = false, radius_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
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

  trace t;
  std::string error;
  if (!read_file(input, &t, &error)) {
    std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
    return 1;
  }

  if (format == "json") {
    if (!write_text(output, to_chrome_json(t), &error)) {
      std::fprintf(stderr, "trace_viz: %s\n", error.c_str());
      return 3;
    }
    std::printf("trace_viz: wrote %s (%zu records; open it in https://ui.perfetto.dev)\n",
                output.c_str(), t.records.size());
    return 0;
  }

  graph g = build_graph(t, bo);
  if (so.causal || so.around) {
    std::string note;
    g = slice_graph(g, so, &note);
  }
  const std::string dot = to_dot(g);
  if (format == "dot") {
    if (!write_text(output, dot, &error)) {
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
