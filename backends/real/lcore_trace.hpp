// The trace on real lcores (options.trace): the same format as the simulator's
// (docs/trace_format.md), recorded without sharing on the hot path.
//
// Every reactor appends to its own lane; threads that are not lcores (and the launching thread
// before the lcores start) append to one external lane under a mutex. Event ids come from one
// relaxed atomic counter. A lane numbers its own steps; after the run (every lcore joined),
// merge() orders the steps of all lanes into one sequence — by TSC start time, but never
// putting an execution before the call of its event or a call before its allocation — and
// numbers them globally. Names are looked up at merge time, off the hot path.
//
// A lane holds at most trace_lane_records_max records; past that, recording stops on that lane
// and merge() drops what refers to unrecorded events (and says so).
// Threading: each lane is written only by its reactor's thread; merge() runs after the run.
#pragma once

#include "../../core/backend.hpp"
#include "../../core/reactor.hpp"
#include "../../trace/format.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lockstep::real {

// Records per lane: ~4M x 64 bytes = 256 MiB per busy lcore at most.
inline constexpr size_t trace_lane_records_max = size_t{1} << 22;

class lcore_trace final : public core::observer {
 public:
  // step_times_only (options::record without options::trace): the clock is read once per step,
  // when it has run (none for an idle pass); the step and what happened in it (and between it
  // and the previous step) get that time: a step ends when it starts.
  // Reading the TSC is most of a record's cost (far more under virtualization, where it may
  // trap); the replay needs the order of the steps, not their lengths.
  lcore_trace(uint32_t reactors, const core::clock& clk, bool step_times_only = false);

  // core::observer (called on the thread of the reactor concerned)
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept override;
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept override;
  void on_call(uint32_t reactor, const event* ev) noexcept override;
  void on_stop(uint32_t reactor, int rc) noexcept override;

  // on_allocate and on_call as a split observer (core/hot_path.hpp's has_split_observer):
  // nothing to note in line, every call recorded. The hot path then tests only whether a trace
  // exists (off by default) and makes the records out of line.
  bool note_allocate(event*) noexcept { return true; }
  bool note_call(const event*) noexcept { return true; }
  void record_allocate(uint32_t reactor, const event* by, event* ev) noexcept {
    on_allocate(reactor, by, ev);
  }
  void record_call(uint32_t reactor, const event* ev) noexcept { on_call(reactor, ev); }

  // Around each step of a reactor, on its lcore.
  void begin_step(uint32_t reactor) noexcept;
  void end_step(uint32_t reactor, const core::reactor& r) noexcept;
  // The shutdown request `ev` was queued for `reactor` (between its steps, on its lcore).
  void shutdown_request(uint32_t reactor, event* ev) noexcept;
  // A check failed (or a unit threw) in the step `reactor` is running (options::record): the
  // record naming the running event or poller, as the simulator's.
  void check_failed(uint32_t reactor, const core::reactor& r) noexcept;

  // After the run (every lcore joined): every lane merged into one log, headed by
  // `options_line` and app_stop's `rc`. *warning says what was left out, if anything.
  trace::trace_log merge(const std::string& options_line, int rc, std::string* warning) const;

 private:
  struct raw {
    trace::record rec;
    const char* name_literal;  // the name the caller spelled, or nullptr
    const void* fn;            // the function, to look its name up at merge time
    uint64_t local_step;
  };
  struct alignas(64) lane {
    std::deque<raw> records;  // grows without moving what it holds
    uint64_t step = 0;          // this lane's steps so far
    uint64_t step_start_ns = 0;
    bool full = false;
  };

  lane& lane_of(uint32_t reactor) noexcept;
  // The time of a record on `reactor` within a step (see step_times_only).
  uint64_t point_ns(uint32_t reactor) noexcept {
    return step_times_only_ ? lane_of(reactor).step_start_ns : clk_.now_ns(reactor);
  }
  void append(uint32_t reactor, const raw& r) noexcept;

  const core::clock& clk_;
  const bool step_times_only_;
  std::vector<std::unique_ptr<lane>> lanes_;  // [reactors] is the external lane
  std::mutex external_mutex_;
  std::atomic<uint64_t> next_event_id_{0};
};

}  // namespace lockstep::real
