#include "json_writer.hpp"

#include "text_util.hpp"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <sstream>

namespace lockstep::trace {
namespace {

// Virtual nanoseconds as the format's microseconds, exactly (three decimals).
std::string us(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
  return buf;
}

class json_out {
 public:
  // Starts one trace event: the common fields; the caller adds the rest and calls end().
  std::ostringstream& begin(const char* ph, uint32_t tid, const std::string& name) {
    out_ << (first_ ? "\n" : ",\n") << "{\"ph\":\"" << ph << "\",\"pid\":1,\"tid\":" << tid
         << ",\"name\":\"" << json_escape(name) << "\"";
    first_ = false;
    return out_;
  }
  void end() { out_ << "}"; }
  std::string text() const { return out_.str(); }
  std::ostringstream& raw() { return out_; }

 private:
  std::ostringstream out_;
  bool first_ = true;
};

}  // namespace

std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : valid_utf8(text)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_chrome_json(const trace_log& t) {
  // One category for everything: viewers bind a flow event to the slice with the same category,
  // thread and timestamp (Chrome) or to the enclosing slice (Perfetto); a send's flow starts at
  // the sender slice's start (a call happens at its step's start time) and ends at the
  // execution's start, so both bindings find the right slices. Kinds are in args.kind.
  static constexpr const char* category = "lockstep";
  const uint32_t outside_tid = t.cores;  // the track after the last core
  json_out j;
  j.raw() << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"options\":\"" << json_escape(t.options)
          << "\",\"outcome\":\"" << json_escape(t.outcome) << "\",\"failure\":\""
          << json_escape(t.failure) << "\"},\"traceEvents\":[";
  j.begin("M", 0, "process_name") << ",\"args\":{\"name\":\"lockstep simulation\"}";
  j.end();
  for (uint32_t c = 0; c <= t.cores; ++c) {
    j.begin("M", c, "thread_name")
        << ",\"args\":{\"name\":\"" << (c == outside_tid ? std::string("outside")
                                                          : "core " + std::to_string(c))
        << "\"}";
    j.end();
    j.begin("M", c, "thread_sort_index") << ",\"args\":{\"sort_index\":" << c << "}";
    j.end();
  }
  // Where each event was sent from: its call record (sender core and time).
  std::map<uint64_t, const record*> call_of;
  for (const record& r : t.records)
    if (r.kind == kind::call) call_of.emplace(r.id, &r);
  auto tid = [&](uint32_t core) { return core == outside ? outside_tid : core; };
  for (const record& r : t.records) {
    const std::string& name = t.name_of(r);
    switch (r.kind) {
      case kind::exec:
      case kind::check_failed: {
        const bool failed = r.kind == kind::check_failed;
        const uint64_t dur_ns = failed ? 1 : r.end_ns - r.start_ns;
        j.begin("X", tid(r.core), failed ? "CHECK FAILED in " + (name.empty() ? "?" : name) : name)
            << ",\"cat\":\"" << category << "\",\"ts\":" << us(r.start_ns)
            << ",\"dur\":" << us(dur_ns) << ",\"args\":{\"kind\":\"" << (failed ? "check_failed" : "event")
            << "\",\"step\":" << r.step
            << ",\"event\":" << r.id;
        if (failed) j.raw() << ",\"failure\":\"" << json_escape(t.failure) << "\"";
        j.raw() << "}";
        j.end();
        // The send: a flow from the sender's slice (the call happens at its start time) to this
        // one. Sends from outside any core have no slice to start from.
        auto call = call_of.find(r.id);
        if ((!failed || r.in == failed_in::event) && call != call_of.end() &&
            call->second->core != outside) {
          j.begin("s", tid(call->second->core), "send")
              << ",\"cat\":\"" << category << "\",\"id\":" << r.id << ",\"ts\":" << us(call->second->start_ns);
          j.end();
          j.begin("f", tid(r.core), "send")
              << ",\"cat\":\"" << category << "\",\"bp\":\"e\",\"id\":" << r.id << ",\"ts\":" << us(r.start_ns);
          j.end();
        }
        if (failed) {
          j.begin("i", tid(r.core), "check failed")
              << ",\"cat\":\"" << category << "\",\"s\":\"g\",\"ts\":" << us(r.start_ns)
              << ",\"args\":{\"failure\":\"" << json_escape(t.failure) << "\"}";
          j.end();
        }
        break;
      }
      case kind::poller:
      case kind::timer:
        j.begin("X", tid(r.core), (r.kind == kind::poller ? "poller " : "timer ") + name)
            << ",\"cat\":\"" << category << "\",\"ts\":" << us(r.start_ns)
            << ",\"dur\":" << us(r.end_ns - r.start_ns) << ",\"args\":{\"kind\":\""
            << (r.kind == kind::poller ? "poller" : "timer") << "\",\"step\":" << r.step
            << ",\"poller\":" << r.id << "}";
        j.end();
        break;
      case kind::alloc_failed:
        j.begin("i", tid(r.core), "alloc failed: " + name)
            << ",\"cat\":\"" << category << "\",\"s\":\"t\",\"ts\":" << us(r.start_ns)
            << ",\"args\":{\"step\":" << r.step << ",\"target\":"
            << (r.target == outside ? std::string("null") : std::to_string(r.target))
            << ",\"reason\":\""
            << (r.reason == alloc_reason::not_a_core ? "not_a_core" : "no_event") << "\"}";
        j.end();
        break;
      case kind::stop:
        j.begin("i", tid(r.core), "app_stop(" + std::to_string(r.rc) + ")")
            << ",\"cat\":\"" << category << "\",\"s\":\"g\",\"ts\":" << us(r.start_ns)
            << ",\"args\":{\"step\":" << r.step << "}";
        j.end();
        break;
      case kind::shutdown_request:
        j.begin("i", outside_tid, "shutdown request")
            << ",\"cat\":\"" << category << "\",\"s\":\"t\",\"ts\":" << us(r.start_ns)
            << ",\"args\":{\"step\":" << r.step << ",\"event\":" << r.id << "}";
        j.end();
        break;
      case kind::alloc:
      case kind::call:
        break;
    }
  }
  j.raw() << "\n]}\n";
  return j.text();
}

}  // namespace lockstep::trace
