// RapidCheck over mutated traces: the golden trace with a few random edits (bytes replaced,
// lines deleted, duplicated, swapped, fields replaced, the text cut short, and bytes put into
// names and the failure message, which leave the trace valid and test the writers' escaping).
#include "json_checker.hpp"

#include <causal_graph.hpp>
#include <dot_writer.hpp>
#include <json_writer.hpp>
#include <render.hpp>
#include <trace/reader.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace lt = lockstep::trace;

std::vector<std::string> golden_lines() {
  std::ifstream in(LOCKSTEP_TRACE_TEST_DATA "/ping_failed.trace", std::ios::binary);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Tokens a field may be replaced with: valid ones of other meanings, boundaries, and garbage.
const std::vector<std::string>& tokens() {
  static const std::vector<std::string> t = {
      "-", "0", "1", "2", "3", "10", "4294967295", "18446744073709551615",
      "18446744073709551616", "-1", "x", "", "event", "poller", "none", "no_event",
      "not_a_core", "exec", "alloc", "end", "caf\xc3\xa9", "\xff\xfe", "a\"b\\c", "<b>", "{}"};
  return t;
}

std::string mutate(std::vector<std::string> lines) {
  const int edits = *rc::gen::inRange(1, 5);
  // A third of the cases only put bytes into text fields, so that valid traces with odd names
  // reach the writers and Graphviz often.
  const bool text_only = *rc::gen::inRange(0, 3) == 0;
  bool cut = false;
  size_t cut_at = 0;
  for (int e = 0; e < edits && !lines.empty(); ++e) {
    const size_t i = *rc::gen::inRange<size_t>(0, lines.size());
    switch (text_only ? 6 : *rc::gen::inRange(0, 9)) {
      case 0: {  // replace one byte (any value but a newline)
        if (lines[i].empty()) break;
        const size_t at = *rc::gen::inRange<size_t>(0, lines[i].size());
        lines[i][at] = static_cast<char>(*rc::gen::inRange(0, 256));
        if (lines[i][at] == '\n') lines[i][at] = ' ';
        break;
      }
      case 1:
        lines.erase(lines.begin() + static_cast<long>(i));
        break;
      case 2:
        lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
        break;
      case 3: {
        const size_t j = *rc::gen::inRange<size_t>(0, lines.size());
        std::swap(lines[i], lines[j]);
        break;
      }
      case 4: {  // replace a field
        std::vector<std::string> f;
        std::istringstream in(lines[i]);
        for (std::string w; std::getline(in, w, ' ');) f.push_back(w);
        if (f.empty()) break;
        f[*rc::gen::inRange<size_t>(0, f.size())] = *rc::gen::elementOf(tokens());
        std::string l;
        for (size_t k = 0; k < f.size(); ++k) l += (k ? " " : "") + f[k];
        lines[i] = l;
        break;
      }
      case 5:  // cut the text short somewhere in this line
        cut = true;
        cut_at = i;
        break;
      default: {  // a printable or non-ASCII byte into a text field: the trace stays valid
        std::vector<size_t> text_lines;
        for (size_t k = 0; k < lines.size(); ++k)
          if (lines[k].rfind("name ", 0) == 0 || lines[k].rfind("failure ", 0) == 0)
            text_lines.push_back(k);
        if (text_lines.empty()) break;
        std::string& l = lines[*rc::gen::elementOf(text_lines)];
        const size_t at = *rc::gen::inRange<size_t>(l.size() - 1, l.size());
        l.insert(at, 1, static_cast<char>(*rc::gen::inRange(0x20, 0x100)));
        break;
      }
    }
  }
  std::string text;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (cut && k == cut_at) {
      text += lines[k].substr(0, lines[k].size() / 2);
      break;
    }
    text += lines[k] + "\n";
  }
  return text;
}

// Claim: a mutated trace is either read whole or rejected with an error that names a line of
// the input; whatever is read, trace_viz turns into DOT that Graphviz accepts (whole and
// sliced) and into JSON that parses.
RC_GTEST_PROP(TraceMutation, ReadWholeOrRejectedAtALineAndEveryOutputIsValid, ()) {
  static const std::vector<std::string> lines = golden_lines();
  RC_PRE(!lines.empty());
  const std::string text = mutate(lines);
  lt::trace_log t;
  std::string error;
  if (!lt::parse(text, &t, &error)) {
    size_t line_count = 1;
    for (char c : text) line_count += c == '\n' ? 1 : 0;
    unsigned long line = 0;
    RC_ASSERT(std::sscanf(error.c_str(), "line %lu: ", &line) == 1);
    RC_ASSERT(line >= 1ul);
    RC_ASSERT(line <= line_count);
    RC_TAG("rejected");
    return;
  }
  RC_TAG("read");
  const lt::graph g = lt::build_graph(t, {});
  std::string gv_error;
  RC_ASSERT(lt::graphviz_accepts(lt::to_dot(g), &gv_error));
  lt::slice_options causal;
  causal.causal = true;
  causal.depth = *rc::gen::inRange<uint64_t>(0, 8);
  std::string note;
  RC_ASSERT(lt::graphviz_accepts(lt::to_dot(lt::slice_graph(g, causal, &note)), &gv_error));
  lt::slice_options around;
  around.around = true;
  around.around_step = *rc::gen::inRange<uint64_t>(0, t.steps + 2);
  around.radius = *rc::gen::inRange<uint64_t>(0, 4);
  RC_ASSERT(lt::graphviz_accepts(lt::to_dot(lt::slice_graph(g, around, &note)), &gv_error));
  trace_test::json_checker j(lt::to_chrome_json(t));
  RC_ASSERT(j.valid());
}

}  // namespace
