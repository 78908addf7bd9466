#include "render.hpp"

#include "output_file.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace lockstep::trace {
namespace {

// Graphviz keeps process-wide state (its error hook, the current graph discipline), and
// graphviz_voice points the process's fd 2 elsewhere while Graphviz runs: one caller at a time.
std::mutex g_graphviz_mutex;

// One Graphviz context for the whole process, never freed: Graphviz 2.42's pango plugin keeps
// a pointer to a font name that the context owns, so freeing a context and making another
// leaves it dangling (AddressSanitizer reports the use after free on the second render).
GVC_t* process_context() {
  static GVC_t* const gvc = gvContext();
  return gvc;
}

// What Graphviz said during one call, instead of its own stderr output. libcgraph's agerr
// messages (errors and warnings of the parser and the layout) arrive through agseterrf's hook,
// in pieces ("Warning", ": ", the text); Graphviz's plugins print some messages straight to
// stderr (the cairo renderer's "(null): graph is too large for cairo-renderer bitmaps. Scaling
// by S to fit": the null is the command name a library caller has not set), so fd 2 is pointed
// at a temporary file for the call and what was written there is read back. Both end up as
// lines in `said`, turned into trace_viz's messages by graphviz_message.
std::string g_agerr_text;  // guarded by g_graphviz_mutex

extern "C" int collect_agerr(char* piece) {
  g_agerr_text += piece != nullptr ? piece : "";
  return 0;
}

class graphviz_voice {
 public:
  graphviz_voice() {
    g_agerr_text.clear();
    agseterr(AGWARN);  // every message goes to the hook (below AGWARN: nothing)
    agseterrf(collect_agerr);
    std::fflush(stderr);
    file_ = std::tmpfile();
    if (file_ != nullptr) saved_fd_ = ::dup(STDERR_FILENO);
    if (saved_fd_ >= 0 && ::dup2(::fileno(file_), STDERR_FILENO) < 0) {
      ::close(saved_fd_);
      saved_fd_ = -1;
    }
  }
  ~graphviz_voice() { (void)finish(); }
  graphviz_voice(const graphviz_voice&) = delete;
  graphviz_voice& operator=(const graphviz_voice&) = delete;

  // Restores stderr; returns what Graphviz said, one message per line (without empty lines).
  std::vector<std::string> finish() {
    std::string text;
    if (saved_fd_ >= 0) {
      std::fflush(stderr);
      ::dup2(saved_fd_, STDERR_FILENO);
      ::close(saved_fd_);
      saved_fd_ = -1;
      std::rewind(file_);
      char buf[4096];
      size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) text.append(buf, n);
    }
    if (file_ != nullptr) {
      std::fclose(file_);
      file_ = nullptr;
    }
    agseterrf(nullptr);
    text = g_agerr_text + (g_agerr_text.empty() || g_agerr_text.back() == '\n' ? "" : "\n") + text;
    g_agerr_text.clear();
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < text.size()) {
      size_t nl = text.find('\n', at);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(at, nl - at);
      at = nl + 1;
      if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    }
    return lines;
  }

 private:
  std::FILE* file_ = nullptr;
  int saved_fd_ = -1;
};

// One of Graphviz's lines as trace_viz says it: without the "(null): " a library caller gets
// for a command name, and the cairo renderer's scaling said in terms of what to do.
std::string graphviz_message(std::string line) {
  for (const char* prefix : {"(null): ", "Warning: ", "Error: "}) {
    const size_t n = std::strlen(prefix);
    if (line.compare(0, n, prefix) == 0) line.erase(0, n);
  }
  const std::string cairo = "graph is too large for cairo-renderer bitmaps. Scaling by ";
  if (line.compare(0, cairo.size(), cairo) == 0) {
    std::string scale = line.substr(cairo.size());
    if (const size_t end = scale.find(' '); end != std::string::npos) scale.erase(end);
    return "the drawing is larger than a bitmap can be (32767 pixels a side), so it was scaled "
           "down by " + scale + " and its text may be too small to read: write .svg (no such "
           "limit), or cut the trace down with --causal [--depth N] or --around STEP --radius N";
  }
  return "Graphviz: " + line;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += (s.empty() ? "" : "; ") + graphviz_message(l);
  return s.empty() ? std::string("no message") : s;
}

// Owns a graph read from DOT text.
struct read_graph {
  explicit read_graph(const std::string& dot) { g = agmemread(dot.c_str()); }
  ~read_graph() {
    if (g != nullptr) agclose(g);
  }
  read_graph(const read_graph&) = delete;
  read_graph& operator=(const read_graph&) = delete;
  Agraph_t* g = nullptr;
};

}  // namespace

bool graphviz_accepts(const std::string& dot, std::string* error) {
  std::lock_guard lock(g_graphviz_mutex);
  graphviz_voice voice;
  const bool ok = read_graph(dot).g != nullptr;
  const std::vector<std::string> said = voice.finish();
  if (!ok) *error = "Graphviz rejected the DOT text: " + joined(said);
  return ok;
}

bool render_to_memory(const std::string& dot, const std::string& format, std::string* out,
                      std::string* error, std::vector<std::string>* notes) {
  std::lock_guard lock(g_graphviz_mutex);
  GVC_t* gvc = process_context();
  if (gvc == nullptr) {
    *error = "Graphviz: cannot create a context";
    return false;
  }
  bool ok = false;
  graphviz_voice voice;
  std::string failed;  // what failed, when it did
  {
    read_graph rg(dot);
    if (rg.g == nullptr) {
      failed = "Graphviz rejected the DOT text";
    } else if (gvLayout(gvc, rg.g, "dot") != 0) {
      failed = "Graphviz could not lay the graph out";
    } else {
      char* data = nullptr;
      unsigned int length = 0;
      if (gvRenderData(gvc, rg.g, format.c_str(), &data, &length) != 0 || data == nullptr) {
        failed = "Graphviz could not render " + format + " (is the " + format +
                 " plugin installed?)";
      } else {
        out->assign(data, length);
        ok = true;
      }
      if (data != nullptr) gvFreeRenderData(data);
      gvFreeLayout(gvc, rg.g);
    }
  }
  const std::vector<std::string> said = voice.finish();
  if (!ok) {
    *error = failed + ": " + joined(said);
  } else if (notes != nullptr) {
    for (const std::string& line : said) notes->push_back(graphviz_message(line));
  }
  return ok;
}

bool render(const std::string& dot, const std::string& format, const std::string& path,
            std::string* error, std::vector<std::string>* notes) {
  // Rendered in memory first, then written by write_file: Graphviz's own file output reports
  // no error for a file it cannot create, and a failed write must not leave half a drawing.
  std::string drawing;
  return render_to_memory(dot, format, &drawing, error, notes) && write_file(path, drawing, error);
}

}  // namespace lockstep::trace

// LeakSanitizer (sanitizer builds): Graphviz, fontconfig and pango keep caches they never free
// (font tables, plugin state); those are not ours to fix. Only allocations made inside these
// libraries are suppressed, so leaks in lockstep's own code are still reported.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libcgraph.so\n"
         "leak:libcdt.so\n"
         "leak:libgvplugin_\n"
         "leak:libfontconfig.so\n"
         "leak:libpango\n"
         "leak:libcairo.so\n"
         "leak:libglib-2.0.so\n"
         "leak:libgobject-2.0.so\n"
         "leak:libharfbuzz.so\n"
         "leak:libfreetype.so\n"
         "leak:libpixman-1.so\n"
         "leak:libexpat.so\n";
}
