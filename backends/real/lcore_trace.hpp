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
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace lockstep::real {

// Records per lane: ~4M x 64 bytes = 256 MiB per busy lcore at most.
inline constexpr size_t trace_lane_records_max = size_t{1} << 22;
// Entries per lane of a recording (lcore_recording.hpp): 16M x 16 bytes = 256 MiB per busy
// lcore at most, as a trace's lane.
inline constexpr uint64_t recording_lane_entries_max = uint64_t{1} << 24;

class lcore_trace final : public core::observer {
 public:
  lcore_trace(uint32_t reactors, const core::clock& clk);

  // core::observer (called on the thread of the reactor concerned)
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept override;
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept override;
  void on_call(uint32_t reactor, const event* ev) noexcept override;
  void on_stop(uint32_t reactor, int rc) noexcept override;

  // on_allocate and on_call as a split observer (core/hot_path.hpp's has_split_observer):
  // nothing to note in line, every call recorded. The hot path then tests only whether a trace
  // exists (off by default) and makes the records out of line.
  bool note_allocate(uint32_t /*reactor*/, event*) noexcept { return true; }
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

  // A lane's record as held until the merge.
  struct raw {
    trace::record rec;
    const char* name_literal;  // the name the caller spelled, or nullptr
    const void* fn;            // the function, to look its name up at merge time
    uint64_t local_step;       // the lane's step it belongs to (its step record comes last)
    // A call placed only once step wait_step of lane wait_lane is (UINT32_MAX: no such rule).
    uint32_t wait_lane = UINT32_MAX;
    uint64_t wait_step = 0;
  };
  // Records made elsewhere (lcore_recording's lanes, after the run), appended to `lane` as
  // they are; load_full: that lane stopped recording.
  void load(uint32_t li, const raw& r) { lanes_[li]->records.push_back(r); }
  void load_full(uint32_t li) { lanes_[li]->full = true; }
  // Step `step` of lane `li` took a burst of these events: it is placed once all were called.
  void load_burst(uint32_t li, uint64_t step, std::vector<uint64_t> ids) {
    burst_calls_[{li, step}] = std::move(ids);
  }

 private:
  struct alignas(64) lane {
    std::deque<raw> records;  // grows without moving what it holds
    uint64_t step = 0;          // this lane's steps so far
    uint64_t step_start_ns = 0;
    bool full = false;
  };

  lane& lane_of(uint32_t reactor) noexcept;
  // merge()'s pieces.
  struct unit {
    uint32_t lane;
    size_t begin, end;  // records [begin, end) of the lane
    uint64_t time_ns;
    uint64_t step;  // the lane's local step
  };
  struct placement {  // what merge() has placed so far
    std::vector<size_t> head;  // per lane: its units placed
    std::unordered_set<uint64_t> allocated, called;  // lookups only
  };
  std::vector<std::vector<unit>> units_of() const;
  bool ready(const unit& u, bool bursts, const std::vector<std::vector<unit>>& units,
             const placement& at) const;
  void append(uint32_t reactor, const raw& r) noexcept;

  const core::clock& clk_;
  std::vector<std::unique_ptr<lane>> lanes_;  // [reactors] is the external lane
  std::map<std::pair<uint32_t, uint64_t>, std::vector<uint64_t>> burst_calls_;  // load_burst
  std::mutex external_mutex_;
  std::atomic<uint64_t> next_event_id_{0};
};

}  // namespace lockstep::real
