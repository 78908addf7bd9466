// The reader's fuzz target: any bytes either parse, or fail with "line N: ..." (N within the
// input); a parsed trace then goes through every stage trace_viz runs except rendering.
// libFuzzer drives it (LOCKSTEP_FUZZ=ON with clang); tests/trace replays the kept corpus through
// the same function in every build.
#include "causal_graph.hpp"
#include "dot_writer.hpp"
#include "json_writer.hpp"
#include "trace/reader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lockstep::trace;
  const std::string text(reinterpret_cast<const char*>(data), size);
  trace_log t;
  std::string error;
  if (!parse(text, &t, &error)) {
    // The error names a line of the input: between 1 and one past the last line.
    size_t lines = 1;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    unsigned long line = 0;
    if (std::sscanf(error.c_str(), "line %lu: ", &line) != 1 || line == 0 || line > lines) {
      std::fprintf(stderr, "reader error without a valid line number: %s\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  const graph g = build_graph(t, build_options{});
  std::string note;
  slice_options causal;
  causal.causal = true;
  causal.depth = 5;
  slice_options around;
  around.around = true;
  around.around_step = t.steps / 2;
  around.radius = 3;
  const std::string dot = to_dot(g) + to_dot(slice_graph(g, causal, &note)) +
                          to_dot(slice_graph(g, around, &note));
  const std::string json = to_chrome_json(t);
  if (dot.empty() || json.empty()) std::abort();
  return 0;
}
