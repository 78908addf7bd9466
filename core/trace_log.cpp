#include "trace_log.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace lockstep::core {
namespace {

// Text fields end at a newline; keep them on one line.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// A core number, or "-" for outside any core.
std::string core_text(uint32_t core) { return core == no_core ? "-" : std::to_string(core); }

const char* reason_text(uint8_t reason) {
  return static_cast<alloc_failure>(reason) == alloc_failure::not_a_core ? "not_a_core"
                                                                         : "no_event";
}

const char* failed_in_text(uint8_t what) {
  switch (static_cast<failed_in>(what)) {
    case failed_in::event: return "event";
    case failed_in::poller: return "poller";
    case failed_in::none: return "none";
  }
  return "none";
}

// One record line; the layout of each kind is documented in docs/trace_format.md.
void write_record(std::FILE* f, const trace_record& r) {
  const std::string core = core_text(r.core);
  switch (r.kind) {
    case record_kind::allocate:
      std::fprintf(f, "alloc %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %s %" PRIu64 " %" PRIu32 "\n",
                   r.step, core.c_str(), r.start_ns, r.id, core_text(r.target).c_str(), r.by,
                   r.name);
      break;
    case record_kind::allocate_failed:
      std::fprintf(f, "alloc_failed %" PRIu64 " %s %" PRIu64 " %s %" PRIu64 " %" PRIu32 " %s\n",
                   r.step, core.c_str(), r.start_ns, core_text(r.target).c_str(), r.by, r.name,
                   reason_text(r.detail));
      break;
    case record_kind::call:
      std::fprintf(f, "call %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %s %" PRIu64 "\n", r.step,
                   core.c_str(), r.start_ns, r.id, core_text(r.target).c_str(), r.by);
      break;
    case record_kind::execute:
      std::fprintf(f, "exec %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %" PRIu32 "\n",
                   r.step, core.c_str(), r.start_ns, r.end_ns, r.id, core_text(r.sender).c_str(),
                   r.name);
      break;
    case record_kind::poller:
    case record_kind::timer:
      std::fprintf(f, "%s %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 "\n",
                   r.kind == record_kind::poller ? "poller" : "timer", r.step, core.c_str(),
                   r.start_ns, r.end_ns, r.id, r.name);
      break;
    case record_kind::stop:
      std::fprintf(f, "stop %" PRIu64 " %s %" PRIu64 " %d\n", r.step, core.c_str(), r.start_ns,
                   r.rc);
      break;
    case record_kind::shutdown_request:
      std::fprintf(f, "shutdown_request %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", r.step,
                   r.start_ns, r.id);
      break;
    case record_kind::check_failed:
      std::fprintf(f, "check_failed %" PRIu64 " %s %" PRIu64 " %s %" PRIu64 " %" PRIu32 "\n",
                   r.step, core.c_str(), r.start_ns, failed_in_text(r.detail), r.id, r.name);
      break;
  }
}

}  // namespace

bool write_trace_file(const trace_log& log, const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  std::fprintf(f, "lockstep-trace %d\n", trace_format_version);
  std::fprintf(f, "options %s\n", one_line(log.replay).c_str());
  std::fprintf(f, "cores %" PRIu32 "\n", log.cores);
  std::fprintf(f, "outcome %s rc=%d steps=%" PRIu64 " virtual_ns=%" PRIu64 " hash=%016" PRIx64 "\n",
               log.outcome.c_str(), log.rc, log.steps, log.virtual_ns, log.trace_hash);
  // An empty failure is the bare word, so that no line ends in a space.
  if (log.failure.empty()) {
    std::fputs("failure\n", f);
  } else {
    std::fprintf(f, "failure %s\n", one_line(log.failure).c_str());
  }
  std::fprintf(f, "names %zu\n", log.names.size() - 1);
  for (size_t i = 1; i < log.names.size(); ++i)
    std::fprintf(f, "name %zu %s\n", i, one_line(log.names[i]).c_str());
  std::fprintf(f, "records %zu\n", log.records.size());
  for (const trace_record& r : log.records) write_record(f, r);
  std::fputs("end\n", f);
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    *error = "write error on '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace lockstep::core
