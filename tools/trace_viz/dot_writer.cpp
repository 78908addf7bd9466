#include "dot_writer.hpp"

#include "text_util.hpp"

#include <map>
#include <sstream>

namespace lockstep::trace {
namespace {

// Long failure messages are wrapped so that the failure node stays narrow.
std::string wrap(const std::string& text, size_t width) {
  std::string out;
  size_t column = 0;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (column > 0 && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  return out;
}

std::string time_text(const node& n) {
  if (n.end_ns != n.start_ns)
    return "t=" + std::to_string(n.start_ns) + ".." + std::to_string(n.end_ns) + " ns";
  return "t=" + std::to_string(n.start_ns) + " ns";
}

std::string where(const node& n) {
  return "core " + (n.core == outside ? std::string("-") : std::to_string(n.core)) + ", " +
         time_text(n) + ", step " + std::to_string(n.step);
}

std::string fn_or(const node& n, const char* fallback) {
  return n.name.empty() ? std::string(fallback) : n.name;
}

std::string label(const node& n, const std::string& failure) {
  switch (n.kind) {
    case node_kind::event:
      return fn_or(n, "?") + "\n" + where(n) + "\nevent #" + std::to_string(n.event) + ", " +
             n.detail;
    case node_kind::poller:
      return "poller " + fn_or(n, "?") + "\n" + where(n);
    case node_kind::timer:
      return "timed poller " + fn_or(n, "?") + "\n" + where(n);
    case node_kind::failed_check: {
      std::string in = n.detail == "event"    ? "in " + fn_or(n, "?") + " (event #" +
                                                    std::to_string(n.event) + ")"
                       : n.detail == "poller" ? "in poller " + fn_or(n, "?")
                                              : "outside any event";
      std::string text = "CHECK FAILED " + in + "\n" + where(n);
      if (!failure.empty()) text.append("\n").append(wrap(failure, 48));
      return text;
    }
    case node_kind::alloc_failed:
      return "ALLOC FAILED: " + fn_or(n, "?") + "\n" + n.detail + "\n" + where(n);
    case node_kind::stop:
      return "app_stop(" + n.detail + ")\n" + where(n);
    case node_kind::never_ran:
      return fn_or(n, "?") + "\nevent #" + std::to_string(n.event) + " never ran\n(called at step " +
             std::to_string(n.step) + ")";
    case node_kind::external:
      return n.name + "\n" + time_text(n) + ", step " + std::to_string(n.step);
    case node_kind::unrecorded:
      return "step " + std::to_string(n.step) + " (not recorded)";
    case node_kind::cut:
      return (n.name.empty() ? std::string() : n.name + "\n") + n.detail;
  }
  return "?";
}

const char* attributes(node_kind k) {
  switch (k) {
    case node_kind::event: return "";
    case node_kind::poller:
    case node_kind::timer: return ", shape=ellipse, fillcolor=\"#eeeeee\"";
    case node_kind::failed_check:
      return ", fillcolor=\"#ff6b6b\", color=\"#b00000\", penwidth=3";
    case node_kind::alloc_failed:
      return ", shape=octagon, style=filled, fillcolor=\"#ffb347\", color=\"#c06000\"";
    case node_kind::stop: return ", fillcolor=\"#b3d9ff\"";
    case node_kind::never_ran: return ", style=\"rounded,dashed\", color=\"#888888\"";
    case node_kind::external: return ", shape=invhouse, style=filled, fillcolor=\"#f0f0d0\"";
    case node_kind::unrecorded: return ", style=dotted";
    case node_kind::cut: return ", shape=plaintext, style=\"\", fontcolor=\"#777777\"";
  }
  return "";
}

}  // namespace

std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : valid_utf8(text)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_dot(const graph& g) {
  // The failure message lives in the title; the failed node repeats it, without the prefix.
  std::string failure;
  if (const size_t at = g.title.find("\nfailure: "); at != std::string::npos) {
    const size_t from = at + 10;
    failure = g.title.substr(from, g.title.find('\n', from) - from);
  }
  std::ostringstream out;
  out << "digraph lockstep_trace {\n"
      << "  graph [fontname=\"Helvetica\", fontsize=11, labelloc=t, labeljust=l, newrank=true,\n"
      << "         label=\"" << dot_escape(g.title) << "\"];\n"
      << "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", "
         "fillcolor=\"#ffffff\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  // Nodes outside any core first, then one cluster per core, each in program order.
  std::map<uint32_t, std::vector<size_t>> by_core;  // ordered: clusters by core number
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const node& n = g.nodes[i];
    if (n.core == outside) {
      out << "  " << n.id << " [label=\"" << dot_escape(label(n, failure)) << "\""
          << attributes(n.kind) << "];\n";
    } else {
      by_core[n.core].push_back(i);
    }
  }
  for (const auto& [core, members] : by_core) {
    out << "  subgraph cluster_core" << core << " {\n"
        << "    label=\"core " << core << "\"; style=rounded; color=\"#999999\";\n";
    for (size_t i : members) {
      const node& n = g.nodes[i];
      out << "    " << n.id << " [label=\"" << dot_escape(label(n, failure)) << "\""
          << attributes(n.kind) << "];\n";
    }
    // Program order: light edges that also keep each core's nodes top to bottom.
    for (size_t k = 1; k < members.size(); ++k)
      out << "    " << g.nodes[members[k - 1]].id << " -> " << g.nodes[members[k]].id
          << " [style=dashed, color=\"#bbbbbb\", arrowhead=none, weight=10];\n";
    out << "  }\n";
  }
  for (const edge& e : g.sends) {
    const node& to = g.nodes[e.to];
    const bool bad = to.kind == node_kind::failed_check;
    out << "  " << g.nodes[e.from].id << " -> " << to.id << " [color=\""
        << (bad ? "#b00000" : "#1f5fbf") << "\"" << (bad ? ", penwidth=2" : "")
        << (to.kind == node_kind::never_ran ? ", style=dashed" : "") << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace lockstep::trace
