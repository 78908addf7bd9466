#include "trace.hpp"

#include <dlfcn.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace lockstep::sim {
namespace {

const char* kind_tag(record_kind k) noexcept {
  switch (k) {
    case record_kind::allocate: return "alloc";
    case record_kind::allocate_failed: return "alloc_failed";
    case record_kind::call: return "call";
    case record_kind::execute: return "exec";
    case record_kind::poller: return "poller";
    case record_kind::timer: return "timer";
    case record_kind::stop: return "stop";
    case record_kind::shutdown_request: return "shutdown_request";
    case record_kind::check_failed: return "check_failed";
  }
  return "?";
}

// Text fields end at a newline; keep them on one line.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

void print_core(std::FILE* f, uint32_t core) {
  if (core == no_core) {
    std::fputs(" -", f);
  } else {
    std::fprintf(f, " %" PRIu32, core);
  }
}

}  // namespace

std::string describe_function(const void* fn) {
  Dl_info info{};
  if (dladdr(fn, &info) != 0) {
    if (info.dli_sname != nullptr && info.dli_saddr == fn) return info.dli_sname;
    const char* module = info.dli_fname != nullptr ? std::strrchr(info.dli_fname, '/') : nullptr;
    module = module != nullptr ? module + 1 : (info.dli_fname != nullptr ? info.dli_fname : "?");
    char buf[256];
    std::snprintf(buf, sizeof buf, "fn@%s+0x%" PRIxPTR, module,
                  reinterpret_cast<uintptr_t>(fn) - reinterpret_cast<uintptr_t>(info.dli_fbase));
    return buf;
  }
  return "fn@?";
}

bool write_trace_file(const trace_log& log, const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  std::fprintf(f, "lockstep-trace %d\n", trace_format_version);
  std::fprintf(f, "options %s\n", log.replay.c_str());
  std::fprintf(f, "outcome %s rc=%d steps=%" PRIu64 " virtual_ns=%" PRIu64 " hash=%016" PRIx64 "\n",
               to_string(log.outcome), log.rc, log.steps, log.virtual_ns, log.trace_hash);
  std::fprintf(f, "failure %s\n", one_line(log.failure).c_str());
  std::fprintf(f, "names %zu\n", log.names.size() - 1);
  for (size_t i = 1; i < log.names.size(); ++i)
    std::fprintf(f, "name %zu %s\n", i, one_line(log.names[i]).c_str());
  std::fprintf(f, "records %zu\n", log.records.size());
  for (const trace_record& r : log.records) {
    std::fprintf(f, "%s %" PRIu64, kind_tag(r.kind), r.step);
    print_core(f, r.core);
    print_core(f, r.target);
    std::fprintf(f, " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %d\n",
                 r.start_ns, r.end_ns, r.id, r.by, r.name, r.rc);
  }
  std::fputs("end\n", f);
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    *error = "write error on '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace lockstep::sim
