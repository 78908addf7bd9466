#include "render.hpp"

#include "output_file.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <mutex>

namespace lockstep::trace {
namespace {

// Graphviz keeps process-wide state (its error buffer, the current graph discipline): one
// caller at a time.
std::mutex g_graphviz_mutex;

// One Graphviz context for the whole process, never freed: Graphviz 2.42's pango plugin keeps
// a pointer to a font name that the context owns, so freeing a context and making another
// leaves it dangling (AddressSanitizer reports the use after free on the second render).
GVC_t* process_context() {
  static GVC_t* const gvc = gvContext();
  return gvc;
}

std::string last_graphviz_error() {
  const char* msg = aglasterr();
  return msg != nullptr && msg[0] != '\0' ? std::string(msg) : std::string("no message");
}

// Owns a graph read from DOT text.
struct read_graph {
  explicit read_graph(const std::string& dot) {
    // Errors are collected for aglasterr instead of going to stderr.
    agseterr(AGMAX);
    g = agmemread(dot.c_str());
  }
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
  read_graph rg(dot);
  if (rg.g == nullptr) {
    *error = "Graphviz rejected the DOT text: " + last_graphviz_error();
    return false;
  }
  return true;
}

bool render_to_memory(const std::string& dot, const std::string& format, std::string* out,
                      std::string* error) {
  std::lock_guard lock(g_graphviz_mutex);
  GVC_t* gvc = process_context();
  if (gvc == nullptr) {
    *error = "Graphviz: cannot create a context";
    return false;
  }
  bool ok = false;
  {
    read_graph rg(dot);
    if (rg.g == nullptr) {
      *error = "Graphviz rejected the DOT text: " + last_graphviz_error();
    } else if (gvLayout(gvc, rg.g, "dot") != 0) {
      *error = "Graphviz could not lay the graph out: " + last_graphviz_error();
    } else {
      char* data = nullptr;
      unsigned int length = 0;
      if (gvRenderData(gvc, rg.g, format.c_str(), &data, &length) != 0 || data == nullptr) {
        *error = "Graphviz could not render " + format + " (is the " + format +
                 " plugin installed?): " + last_graphviz_error();
      } else {
        out->assign(data, length);
        ok = true;
      }
      if (data != nullptr) gvFreeRenderData(data);
      gvFreeLayout(gvc, rg.g);
    }
  }
  return ok;
}

bool render(const std::string& dot, const std::string& format, const std::string& path,
            std::string* error) {
  // Rendered in memory first, then written by write_file: Graphviz's own file output reports
  // no error for a file it cannot create, and a failed write must not leave half a drawing.
  std::string drawing;
  return render_to_memory(dot, format, &drawing, error) && write_file(path, drawing, error);
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
