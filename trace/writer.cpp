// Writes a trace_log in the text format (format.hpp; docs/trace_format.md).
#include "format.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace lockstep::trace {
namespace {

// Text fields end at a newline; keep them on one line.
std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// A core number, or "-" for outside any core.
std::string core_text(uint32_t core) {
  return core == outside ? std::string(outside_word) : std::to_string(core);
}

// One record line: the kind's word, then its fields in the order of its layout (format.hpp).
void write_record(std::FILE* f, const record& r) {
  std::fputs(to_string(r.kind), f);
  const std::string core = core_text(r.core);
  switch (r.kind) {
    case kind::alloc:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %s %" PRIu64 " %" PRIu32 "\n",
                   r.step, core.c_str(), r.start_ns, r.id, core_text(r.target).c_str(), r.by,
                   r.name);
      break;
    case kind::alloc_failed:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %s %" PRIu64 " %" PRIu32 " %s\n", r.step,
                   core.c_str(), r.start_ns, core_text(r.target).c_str(), r.by, r.name,
                   to_string(r.reason));
      break;
    case kind::call:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %s %" PRIu64 "\n", r.step,
                   core.c_str(), r.start_ns, r.id, core_text(r.target).c_str(), r.by);
      break;
    case kind::exec:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %" PRIu32 "\n",
                   r.step, core.c_str(), r.start_ns, r.end_ns, r.id, core_text(r.sender).c_str(),
                   r.name);
      break;
    case kind::poller:
    case kind::timer:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 "\n", r.step,
                   core.c_str(), r.start_ns, r.end_ns, r.id, r.name);
      break;
    case kind::stop:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %d\n", r.step, core.c_str(), r.start_ns, r.rc);
      break;
    case kind::shutdown_request:
      std::fprintf(f, " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", r.step, r.start_ns, r.id);
      break;
    case kind::check_failed:
      std::fprintf(f, " %" PRIu64 " %s %" PRIu64 " %s %" PRIu64 " %" PRIu32 "\n", r.step,
                   core.c_str(), r.start_ns, to_string(r.in), r.id, r.name);
      break;
  }
}

}  // namespace

bool write_file(const trace_log& log, const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  std::fprintf(f, "%s %d\n", header_word.data(), format_version);
  std::fprintf(f, "options %s\n", one_line(log.options).c_str());
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
  for (const record& r : log.records) write_record(f, r);
  std::fputs("end\n", f);
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    *error = "write error on '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace lockstep::trace
