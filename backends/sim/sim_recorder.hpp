// What a simulation records of itself: the trace hash, folded over everything that happens
// (every decision's effect: allocations, calls, steps, faults, the outcome), and the trace
// (result.trace) when asked for, or for the diagnosis window. What the runtime's observer does
// (sim_instruments, world.hpp, forwards core::observer's calls here).
//
// The hash is what determinism checks and the golden table compare, so every change to what is
// mixed, or in which order, changes every hash: the world's loop and this recorder mix in the
// order they always have.
// Threading: the simulation's one running thread at a time.
#pragma once

#include "../../core/runtime.hpp"
#include "../../trace/format.hpp"
#include "sim_clock.hpp"

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace lockstep::sim {

using trace::alloc_reason;
using trace::failed_in;
using record_kind = trace::kind;
using trace_record = trace::record;
using trace::trace_log;

class sim_recorder final {
 public:
  // steps: the loop's step counter, which every record carries.
  sim_recorder(const sim_clock& clock, const uint64_t& steps) noexcept
      : clock_(clock), steps_(steps) {}
  // The runtime observed (whose reactors name the running event), once it exists.
  void attach(core::runtime& rt) noexcept { rt_ = &rt; }

  // Keeps a trace from now on (options.trace from the start; the diagnosis window from its
  // first step), unless one is kept already.
  void start_trace(uint32_t cores, std::string options);
  const std::shared_ptr<trace_log>& trace() const noexcept { return trace_; }
  bool tracing() const noexcept { return trace_ != nullptr; }

  // Folds v into the trace hash; several times per step, so inline.
  void mix(uint64_t v) noexcept { hash_ = std::rotl(hash_ ^ v, 27) * 0x9E3779B97F4A7C15ull; }
  uint64_t hash() const noexcept { return hash_; }

  // core::observer's calls. The trace id and the hash in line (on every event); the record out of line.
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept {
    if (note_allocate(ev)) record_allocate(reactor, by, ev);
  }
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept;
  void on_call(uint32_t reactor, const event* ev) noexcept {
    if (note_call(ev)) record_call(reactor, ev);
  }
  void on_stop(uint32_t reactor, int rc) noexcept;
  // on_allocate and on_call in two halves, for core's hot path (has_split_observer in
  // hot_path.hpp): the trace id and the hash, which return whether a trace is kept, and the
  // trace records, which the hot path reaches out of line.
  bool note_allocate(event* ev) noexcept {
    ev->id = ++next_event_id_;
    mix((uint64_t{ev->target} << 48) ^ ev->id);
    return trace_ != nullptr;
  }
  bool note_call(const event* ev) noexcept {
    mix(0xCA11000000000000ull ^ ev->id);
    return trace_ != nullptr;
  }
  void record_allocate(uint32_t reactor, const event* by, const event* ev);
  void record_call(uint32_t reactor, const event* ev);

  // The records the loop makes (with a trace only): a step of `r` on `core`; the shutdown
  // request `ev` queued for core 0; a failed check on `core` (no_core: outside the cores) at
  // t_ns, naming what was running there.
  void record_step(const core::reactor& r, core::reactor::step_kind kind, uint32_t core,
                   uint64_t id, uint64_t start_ns, uint64_t cost_ns);
  void record_shutdown_request(const event* ev);
  void record_failure(uint32_t core, uint64_t t_ns);
  void record(const trace_record& r);

 private:
  // A record of something that happened at one instant on `reactor`, caused by `by`.
  trace_record point_record(record_kind kind, uint32_t reactor, uint32_t target,
                            const event* by) const noexcept;
  // The names-table index of a function: `name` when the caller gave one, else the symbol of
  // `fn` (looked up once per function).
  uint32_t intern_name(const char* name, const void* fn);

  const sim_clock& clock_;
  const uint64_t& steps_;
  core::runtime* rt_ = nullptr;
  uint64_t next_event_id_ = 0;
  uint64_t hash_ = 0x6C6F636B73746570ull;  // "lockstep"
  std::shared_ptr<trace_log> trace_;  // when options.trace, or from the diagnosis window on
  // Lookups only, never iterated: the names table is in first-use order.
  std::unordered_map<const void*, uint32_t> name_of_key_;      // a name pointer or a function
  std::unordered_map<std::string, uint32_t> index_of_name_;    // equal texts share one entry
};

}  // namespace lockstep::sim
