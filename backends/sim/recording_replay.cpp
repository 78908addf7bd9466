// The replay of a recording (lockstep/recording.hpp): a recording of the real backend turned
// into a simulator run by steering its decision stream, and the two compared step by step.
#include "decision_source.hpp"
#include "sim_transport.hpp"

#include "../../trace/program_name.hpp"
#include "../../trace/reader.hpp"

#include <lockstep/recording.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <memory>
#include <sstream>
#include <unordered_map>

namespace lockstep::sim {
namespace {

using trace::kind;

// One step of a run, as both traces tell it: what ran where (and from whom), with what happened
// on its core during it that the simulator draws — the pool allocations (failed or not) — and
// whether the shutdown request was queued just before it. The last step of a failed run is its
// failing unit (kind check_failed).
struct step_view {
  kind k = kind::exec;
  uint32_t core = trace::outside;
  uint32_t sender = trace::outside;
  std::string name;
  uint64_t start_ns = 0, end_ns = 0;
  uint32_t line = 0;            // the recording's line of the step (0 in the simulated trace)
  bool shutdown_before = false;
  bool stops = false;
  bool in_event = false;        // check_failed: in an event (whose sender is `sender`)
  int32_t rc = 0;
  std::vector<bool> allocs;     // per pool allocation of the step's core: failed?
};

struct run_view {
  std::vector<step_view> steps;  // up to the step that stopped or failed
  uint64_t events = 0;           // exec steps among them
  bool stopped = false, failed = false;
  int32_t rc = 0;
};

// The steps of a trace, grouped by the step number its records carry (the real backend's merge
// numbers the records of one lane's step and what came just before it alike; the simulator
// numbers every record with the step it happened in). Groups without a step (the start event's
// allocation outside any core) add nothing. Ends at app_stop (the real reactors may run a few
// more steps before they see it) or at the failed check.
run_view view_of(const trace::trace_log& log) {
  run_view v;
  // Who called each event (lookups only): the sender of an event a check failed in, which no
  // execute record names.
  std::unordered_map<uint64_t, uint32_t> caller;
  size_t i = 0;
  while (i < log.records.size() && !v.stopped && !v.failed) {
    size_t j = i;
    while (j < log.records.size() && log.records[j].step == log.records[i].step) ++j;
    step_view s;
    bool has_step = false, shutdown = false, stops = false;
    int32_t rc = 0;
    for (size_t k = i; k < j; ++k) {
      const trace::record& r = log.records[k];
      if (r.kind == kind::call) caller[r.id] = r.core;
      if (trace::is_step(r.kind) || r.kind == kind::check_failed) {
        has_step = true;
        s.k = r.kind;
        s.core = r.core;
        s.sender = r.kind == kind::exec ? r.sender : trace::outside;
        if (r.kind == kind::check_failed && r.in == trace::failed_in::event) {
          s.in_event = true;
          const auto it = caller.find(r.id);
          if (it != caller.end()) s.sender = it->second;
        }
        s.name = log.name_of(r);
        s.start_ns = r.start_ns;
        s.end_ns = r.end_ns;
        s.line = r.line;
      }
    }
    for (size_t k = i; k < j; ++k) {
      const trace::record& r = log.records[k];
      if (r.kind == kind::shutdown_request) shutdown = true;
      if (r.kind == kind::stop && r.core == s.core) {
        stops = true;
        rc = r.rc;
      }
      const bool pool = r.kind == kind::alloc ||
                        (r.kind == kind::alloc_failed && r.reason == trace::alloc_reason::no_event);
      if (has_step && pool && r.core == s.core) s.allocs.push_back(r.kind == kind::alloc_failed);
    }
    i = j;
    if (!has_step) continue;
    s.shutdown_before = shutdown;
    s.stops = stops;
    s.rc = rc;
    if (s.k == kind::exec) ++v.events;
    v.steps.push_back(s);
    v.stopped = stops;
    v.rc = rc;
    v.failed = s.k == kind::check_failed;
  }
  return v;
}

std::string describe(const step_view& s) {
  std::string d;
  switch (s.k) {
    case kind::exec:
      d = "event '" + s.name + "' on core " + std::to_string(s.core) + " sent by " +
          (s.sender == trace::outside ? std::string("no core") : "core " + std::to_string(s.sender));
      break;
    case kind::poller:
      d = "poller '" + s.name + "' on core " + std::to_string(s.core);
      break;
    case kind::timer:
      d = "timed poller '" + s.name + "' on core " + std::to_string(s.core);
      break;
    default:
      d = "a check failing in '" + s.name + "' on core " + std::to_string(s.core);
      if (s.in_event)
        d += s.sender == trace::outside ? std::string(" (sent by no core)")
                                        : " (sent by core " + std::to_string(s.sender) + ")";
      break;
  }
  uint32_t failed = 0;
  for (const bool f : s.allocs) failed += f ? 1 : 0;
  d += ", " + std::to_string(s.allocs.size()) + " allocations (" + std::to_string(failed) +
       " failed)";
  if (s.shutdown_before) d += ", after the shutdown request";
  if (s.stops) d += ", app_stop(" + std::to_string(s.rc) + ")";
  return d;
}

bool same_step(const step_view& a, const step_view& b) {
  return a.k == b.k && a.core == b.core && a.sender == b.sender && a.name == b.name &&
         a.allocs == b.allocs && a.shutdown_before == b.shutdown_before && a.stops == b.stops &&
         a.rc == b.rc;
}

// A step that took an event from the core's queues: an execution, or a failure in one.
bool runs_event(const step_view& s) { return s.k == kind::exec || s.in_event; }

uint64_t rank_in(uint64_t mask, uint32_t bit) {
  return static_cast<uint64_t>(std::popcount(mask & ((uint64_t{1} << bit) - 1)));
}

// Answers the simulator's choices so that it does what the recording says. The steps are
// counted by the cost choices (every step ends with one, and nothing else draws a cost); within
// a step the k-th sender choice picks the sender of the core's k-th recorded event from there
// on (a burst draws its senders in order), the k-th allocation fails when the recording's k-th
// allocation of that step failed. A choice the recording cannot answer (the simulator went
// elsewhere) is answered 0: the comparison after the run names the step.
class recording_steering final : public decision_steering {
 public:
  explicit recording_steering(const run_view& rec) : rec_(rec) {
    uint32_t cores = 0;
    for (const step_view& s : rec.steps) cores = std::max(cores, s.core + 1);
    execs_.resize(cores);
    first_exec_.resize(rec.steps.size());
    for (size_t i = rec.steps.size(); i-- > 0;) {
      const step_view& s = rec.steps[i];
      if (runs_event(s)) execs_[s.core].insert(execs_[s.core].begin(), i);
    }
    // When each step's core is done with it, in virtual time (the recording's time since the
    // run began, as the simulator's): when the core's next step started (the simulator looks
    // at its timers when a step starts), or when this one ended for a core's last step. The
    // cost of the step brings the core's clock there (as far as its span allows).
    for (const step_view& s : rec.steps) done_ns_.push_back(s.end_ns);
    std::vector<size_t> last(cores, SIZE_MAX);
    for (size_t i = 0; i < rec.steps.size(); ++i) {
      const step_view& s = rec.steps[i];
      if (last[s.core] != SIZE_MAX) done_ns_[last[s.core]] = s.start_ns;
      last[s.core] = i;
    }
    std::vector<size_t> seen(cores, 0);
    for (size_t i = 0; i < rec.steps.size(); ++i) {
      const uint32_t c = rec.steps[i].core;
      first_exec_[i] = seen[c];
      if (runs_event(rec.steps[i])) ++seen[c];
    }
  }

  uint64_t answer(choice what, uint64_t n, uint64_t among) noexcept override {
    const step_view* s = step_ < rec_.steps.size() ? &rec_.steps[step_] : nullptr;
    switch (what) {
      case choice::core:
        if (s != nullptr && s->core < 64 && (among >> s->core & 1) != 0) return rank_in(among, s->core);
        return 0;
      case choice::sender: {
        if (s == nullptr) return 0;
        const size_t k = first_exec_[step_] + senders_drawn_++;
        const auto& execs = execs_[s->core];
        if (k >= execs.size()) return 0;
        const uint32_t sender = rec_.steps[execs[k]].sender;
        const uint32_t bit = sender == trace::outside ? external_sender_bit : sender;
        if (bit < 64 && (among >> bit & 1) != 0) return rank_in(among, bit);
        return 0;
      }
      case choice::alloc_fault: {
        const size_t k = allocs_drawn_++;
        return s != nullptr && k < s->allocs.size() && s->allocs[k] ? n - 1 : 0;
      }
      case choice::shutdown:
        return s != nullptr && s->shutdown_before ? n - 1 : 0;
      case choice::cost: {
        // From the step's start (`among`) to when the recording has the core done with it,
        // within the simulator's span (events cost 40 ns and more, pollers 20 ns and more).
        uint64_t v = 0;
        if (s != nullptr) {
          const uint64_t least = s->k == kind::exec ? 40 : 20;
          const uint64_t d = done_ns_[step_] > among ? done_ns_[step_] - among : 0;
          v = d > least ? std::min(d - least, n - 1) : 0;
        }
        ++step_;
        senders_drawn_ = allocs_drawn_ = 0;
        return v;
      }
      case choice::other:
        break;
    }
    return 0;
  }

 private:
  const run_view& rec_;
  std::vector<uint64_t> done_ns_;           // per step: see the constructor
  std::vector<std::vector<size_t>> execs_;  // per core: its exec steps, in order
  std::vector<size_t> first_exec_;          // per step: its core's execs before it
  size_t step_ = 0;
  size_t senders_drawn_ = 0, allocs_drawn_ = 0;
};

// The value of `key=` in the options line, or empty.
std::string option_value(const std::string& line, const std::string& key) {
  std::istringstream in(line);
  std::string word;
  while (in >> word)
    if (word.rfind(key + "=", 0) == 0) return word.substr(key.size() + 1);
  return {};
}

std::string where(const std::string& path, const step_view& s) {
  return s.line != 0 ? path + ":" + std::to_string(s.line) : path;
}

// The first difference between the recorded and the simulated run, or empty.
// *at: the recorded step it names.
std::string first_divergence(const std::string& path, const run_view& rec, const run_view& sim,
                             const result& r, size_t* at) {
  const size_t common = std::min(rec.steps.size(), sim.steps.size());
  *at = common;
  for (size_t i = 0; i < common; ++i) {
    if (same_step(rec.steps[i], sim.steps[i])) continue;
    *at = i;
    return "step " + std::to_string(i) + " (" + where(path, rec.steps[i]) + "): recorded " +
           describe(rec.steps[i]) + "; simulated " + describe(sim.steps[i]);
  }
  if (rec.steps.size() > common)
    return "step " + std::to_string(common) + " (" + where(path, rec.steps[common]) +
           "): recorded " + describe(rec.steps[common]) + "; the simulated run ended there (" +
           to_string(r.outcome) + (r.failure.empty() ? "" : ": " + r.failure) + ")";
  if (sim.steps.size() > common)
    return "step " + std::to_string(common) + ": the recording ends there (" +
           (rec.failed ? "failed" : rec.stopped ? "stopped" : "no app_stop recorded") +
           "); simulated " + describe(sim.steps[common]);
  return {};
}

// Why the recording read from `path` cannot be replayed by `program`, or empty.
std::string recording_error(const std::string& path, const trace::trace_log& log,
                            const run_view& rec, const std::string& program) {
  if (log.options.rfind("real-backend", 0) != 0)
    return path + ": not a recording of the real backend (its options line is '" +
           log.options.substr(0, 60) + "'; a simulator trace replays with --replay LINE)";
  const std::string recorded_by = option_value(log.options, "program");
  if (!program.empty() && !recorded_by.empty() && recorded_by != program)
    return path + ": recorded by program '" + recorded_by + "', this is '" + program +
           "': replay it with the program that recorded it";
  if (log.cores == 0 || log.cores > cores_max)
    return path + ": " + std::to_string(log.cores) + " cores: the simulator runs 1.." +
           std::to_string(cores_max);
  uint64_t pool = 0;
  const std::string text = option_value(log.options, "event_pool_size");
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pool);
  if (ec != std::errc() || ptr != text.data() + text.size() || pool == 0 ||
      pool > event_pool_size_max)
    return path + ":2: the options line gives no usable event_pool_size";
  for (const step_view& s : rec.steps) {
    if (s.core >= log.cores || (s.sender != trace::outside && s.sender >= log.cores))
      return where(path, s) + ": a step on or from a core the recording does not have";
  }
  // The shutdown request's event: queued for core 0 in the simulator (lookups only).
  std::unordered_map<uint64_t, uint32_t> target_of;
  for (const trace::record& r : log.records)
    if (r.kind == kind::alloc) target_of[r.id] = r.target;
  for (const trace::record& r : log.records) {
    if (r.kind != kind::shutdown_request) continue;
    const auto it = target_of.find(r.id);
    if (it != target_of.end() && it->second != 0)
      return path + ":" + std::to_string(r.line) + ": the shutdown request went to reactor " +
             std::to_string(it->second) + "; the simulator queues it for core 0 (make the "
             "main lcore the first of the core list)";
  }
  return {};
}

// The options of the steered run: `base` (the program's) with the recording's cores and pool,
// the faults the recording needs drawn, and no other source of choices.
options steered_options(const trace::trace_log& log, const run_view& rec, const options& base) {
  options o = base;
  o.cores = log.cores;
  o.seed = 0;
  o.strategy = strategy::random;
  o.decisions.reset();
  o.swarm = false;
  o.stall_ppm = 0;
  o.timer_jitter_ns = 0;
  o.alloc_fail_nth = 0;
  o.alloc_fail_ppm = 0;
  o.shutdown_ppm = 0;
  for (const step_view& s : rec.steps) {
    for (const bool f : s.allocs) o.alloc_fail_ppm = f ? 1 : o.alloc_fail_ppm;
    if (s.shutdown_before) o.shutdown_ppm = 1;
  }
  // Timed pollers come due by virtual time: let it follow the recording's.
  for (const step_view& s : rec.steps)
    if (s.k == kind::timer) o.step_cost_span_ns = 1'000'000'000'000;
  // The pool: the recording's, times the cores plus one. A real reactor can take a burst or
  // free events in the middle of another core's unit, where the simulator's units are whole, so
  // that the simulator may hold more events at once than the real run did; every allocation
  // failure of the replay is the recording's, injected where it happened (see the steering).
  const uint64_t recorded_pool = std::stoull(option_value(log.options, "event_pool_size"));
  o.event_pool_size = static_cast<uint32_t>(
      std::min<uint64_t>(recorded_pool * (uint64_t{log.cores} + 1), event_pool_size_max));
  o.max_steps = rec.steps.size() + 1000;
  o.trace = true;
  o.record_decisions = true;
  o.steering = std::make_shared<recording_steering>(rec);
  return o;
}

}  // namespace

std::string recording_program_name() { return trace::program_name(); }

recording_replay replay_recording(const std::string& path, const options& base,
                                  const std::string& program,
                                  const std::function<result(const options&)>& run) {
  recording_replay out;
  trace::trace_log log;
  std::string error;
  if (!trace::read_file(path, &log, &error)) {
    out.input_error = true;
    out.error = error;
    return out;
  }
  const run_view rec = view_of(log);
  out.error = recording_error(path, log, rec, program);
  out.input_error = !out.error.empty();
  if (out.input_error) return out;
  out.recorded_steps = rec.steps.size();
  out.recorded_events = rec.events;
  out.recorded_outcome = rec.failed ? "failed" : rec.stopped ? "stopped" : "hang";
  out.recorded_failure = log.failure;

  options o = steered_options(log, rec, base);
  out.steered = run(o);
  const run_view sim = out.steered.trace ? view_of(*out.steered.trace) : run_view{};
  size_t at = 0;
  out.divergence = first_divergence(path, rec, sim, out.steered, &at);
  if (out.divergence.empty() && rec.failed && out.steered.failure != log.failure)
    out.divergence = "the failure: recorded '" + log.failure + "', simulated '" +
                     out.steered.failure + "'";
  else if (out.divergence.empty() && rec.stopped && out.steered.outcome != outcome::stopped)
    out.divergence = std::string("the end: recorded app_stop, simulated ") +
                     to_string(out.steered.outcome);
  // An event function the program never allocated nor ran in the steered run, up to the first
  // divergence (the steps before it matched, so the event was allocated in one of them): the
  // recording is of another program (or another build), not a schedule this one can take. A
  // poller's name says nothing: one that never came due is not named in the replay.
  if (!out.divergence.empty() && out.steered.trace) {
    const auto& names = out.steered.trace->names;
    for (size_t i = 0; i <= at && i < rec.steps.size(); ++i) {
      const step_view& s = rec.steps[i];
      if (!runs_event(s) || std::find(names.begin(), names.end(), s.name) != names.end()) continue;
      out.input_error = true;
      out.error = where(path, s) + ": the recording runs '" + s.name + "', a function this "
                  "program never ran in the replay: a recording of another program or build? "
                  "(first divergence: " + out.divergence + ")";
      return out;
    }
  }
  out.matched = out.divergence.empty();
  o.steering.reset();
  o.record_decisions = false;
  o.trace = base.trace;
  o.decisions = out.steered.decision_log;
  out.derived = o;
  return out;
}

}  // namespace lockstep::sim
