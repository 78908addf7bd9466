// The recording on real lcores (options::record without options::trace): what the simulator
// needs to replay the run (docs/record_replay.md), kept cheap enough to leave on.
//
// Each reactor runs whole iterations (core's run_iteration_as) and appends 16-byte entries to
// its own lane: one per unit it ran (after it ran: an event's sender and id, a poller's function
// and number), one per allocation (its name or function and target: an event's name comes from
// there after the run), and the rare ones (a failed allocation, app_stop, the shutdown request,
// a failed check). Nothing is shared on the hot
// path: an event's id is made where it is allocated — the allocating lane and the position of
// its allocation entry — and event_call adds the calling lane's position, so that the call is
// placed after the run without a record of its own. The TSC is read after a unit only when the
// time is wanted: on every unit of a reactor with timed pollers, on the first unit of an
// iteration of a reactor with pollers, after an idle spell, and every 16th iteration otherwise;
// the units between two readings get times interpolated between them.
//
// After the run, to_trace() turns the lanes into the trace's per-lcore records (allocations,
// calls, steps; the names of whatever ran) and lcore_trace::merge orders them, as for a trace.
// A lane holds at most recording_lane_entries_max entries; past that, it stops recording and
// the merge leaves out what refers to what it lost (and says so).
// Threading: each lane is written only by its reactor's thread; the external lane (threads that
// are not lcores, and the launching thread) under a mutex; to_trace() runs after the run (or,
// after a failed check, once the other lcores are parked; it holds the external lane's mutex).
#pragma once

#include "lcore_trace.hpp"

#include "../../core/backend.hpp"
#include "../../core/reactor.hpp"
#include "../../core/runtime.hpp"  // LOCKSTEP_HOT_TLS

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace lockstep::real {

class lcore_recording final : public core::observer {
 public:
  lcore_recording(uint32_t reactors, const core::clock& clk);

  // core::observer (the start event's allocation; the hot path uses the split calls below)
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept override;
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept override;
  void on_call(uint32_t reactor, const event* ev) noexcept override;
  void on_stop(uint32_t reactor, int rc) noexcept override;

  // The split observer (core/hot_path.hpp): a reactor's allocation is recorded in line (out of
  // line when its lane needs a new chunk); a call only adds its lane's position to the event's
  // id, in line. A thread that is not an lcore records both out of line, under the external
  // lane's mutex.
  // The reactor's lane is found through the thread (attach), without this object's fields.
  bool note_allocate(uint32_t /*reactor: the thread's*/, event* ev) noexcept {
    lane* l = t_lane_;
    if (l == nullptr || l->cur == l->end) [[unlikely]] return true;
    ev->id = next_id(*l);
    *l->cur++ = entry{entry_of(kind::alloc, ev->name, ev->fn, 0), ev->target};
    ++l->count;
    return false;
  }
  void record_allocate(uint32_t reactor, const event* by, event* ev) noexcept {
    on_allocate(reactor, by, ev);
  }
  bool note_call(event* ev) noexcept {
    // The sender is the calling thread's reactor (event_call sets it so): its lane.
    const lane* l = t_lane_;
    if (l == nullptr) [[unlikely]] return true;
    ev->id |= l->count;
    return false;
  }
  void record_call(uint32_t reactor, const event* ev) noexcept { on_call(reactor, ev); }

  // On the lcore of `reactor`, around its loop: the thread's lane, which the split observer's
  // in-line halves use (a thread without one records out of line, under the external lane's
  // mutex).
  void attach(uint32_t reactor) noexcept { t_lane_ = &lanes_[reactor]; }
  static void detach() noexcept { t_lane_ = nullptr; }

  // The unit recorder (core/hot_path.hpp's has_unit_recorder), on the reactor's lcore, whose
  // loop attached its lane (t_lane_ is lanes_[reactor] there).
  void iteration_started(uint32_t /*reactor*/, const core::reactor& r) noexcept {
    lane& l = *t_lane_;
    l.time_every_unit = r.has_timers();
    if (!l.want_time)
      l.want_time = l.time_every_unit || !r.active_pollers().empty() || ++l.iterations >= 16;
    l.burst_first = true;
  }
  void event_ran(uint32_t reactor, const event* ev) noexcept {
    lane& l = *t_lane_;
    // The first event of a burst is kind::event_first (the replay keeps the bursts whole).
    static_assert(static_cast<uint8_t>(kind::event_first) == (static_cast<uint8_t>(kind::event) | 8));
    static_assert(static_cast<uint8_t>(kind::check_failed) == 8);
    append(l, entry_of(kind::event, nullptr, nullptr, ev->sender) | uint64_t{l.burst_first} << 63,
           ev->id);
    l.burst_first = false;
    if (l.want_time) [[unlikely]] read_time(reactor, l);
  }
  void poller_ran(uint32_t reactor, const core::reactor& r) noexcept;

  // The shutdown request `ev` was queued for `reactor` (between its iterations, on its lcore).
  void shutdown_request(uint32_t reactor, event* ev) noexcept;
  // A check failed (or a unit threw) on `reactor` (its lcore): the entry naming the running
  // event or poller.
  void check_failed(uint32_t reactor, const core::reactor& r) noexcept;

  // After the run (every lcore joined, or every other one parked): the lanes as a trace's
  // per-lcore records, for lcore_trace::merge.
  std::unique_ptr<lcore_trace> to_trace() const;

 private:
  enum class kind : uint8_t {
    alloc, alloc_failed, event, poller, timer, time, stop, shutdown, check_failed,
    // A unit that an iteration's burst take came just before (the bit 8 of the kind): the
    // burst's first event, or the first poller or timer after an empty burst.
    event_first = 10, poller_first = 11, timer_first = 12
  };
  // a: kind (bits 60-63), whether ptr is a name literal (bit 59), a small field (48-58: an
  // event's sender, a failed allocation's reason, a failed check's unit), ptr (0-47: a name
  // literal or a function; none in an event's entry, whose allocation entry names it). b: by
  // kind — alloc: target; alloc_failed: target; event: the id;
  // poller, timer: the poller's number; time: ns; stop: rc; shutdown: the id; check_failed: the
  // id of the event or poller.
  struct entry {
    uint64_t a, b;
  };
  // An event's id while it is recorded: the lane that allocated it (plus one: 0 is no event)
  // and the position of its allocation entry, then the calling lane's position (event_call).
  // Positions stay below 2^28 (recording_lane_entries_max).
  static constexpr uint32_t position_bits = 28;
  static constexpr uint64_t position_mask = (uint64_t{1} << position_bits) - 1;
  static_assert(recording_lane_entries_max <= position_mask);
  // The key of the entry at `pos` of lane `li`: an event's id without its call's position.
  static constexpr uint64_t key_of(uint64_t li, uint64_t pos) noexcept {
    return (li + 1) << position_bits | pos;
  }
  static constexpr uint64_t literal_bit = uint64_t{1} << 59;
  static constexpr uint64_t ptr_mask = (uint64_t{1} << 48) - 1;
  static uint64_t entry_of(kind k, const char* name, const void* fn, uint32_t small) noexcept {
    const uint64_t ptr = name != nullptr ? reinterpret_cast<uint64_t>(name) | literal_bit
                                         : reinterpret_cast<uint64_t>(fn);
    return uint64_t{static_cast<uint8_t>(k)} << 60 | uint64_t{small & 0x7FF} << 48 | ptr;
  }
  template <class Fn>
  static uint64_t entry_of(kind k, const char* name, Fn* fn, uint32_t small) noexcept {
    return entry_of(k, name, reinterpret_cast<const void*>(fn), small);
  }

  // A lane grows by chunks of one transparent huge page (2 MiB), so that the first writes to
  // a chunk take one page fault rather than 512 (the faults were most of the recording's cost).
  static constexpr size_t chunk_bytes = size_t{2} << 20;
  static constexpr uint64_t chunk_entries = chunk_bytes / sizeof(entry);
  struct chunk_free {
    void operator()(entry* e) const noexcept;
  };
  // 128-byte aligned: two lcores' lanes never share a pair of lines that the adjacent-line
  // prefetch fetches together.
  struct alignas(128) lane {
    entry* cur = nullptr;
    entry* end = nullptr;
    uint64_t count = 0;  // entries appended (the next one's position)
    uint64_t key_base = 0;  // key_of(the lane, 0) << position_bits: an id made here, less its position
    bool want_time = true;
    bool burst_first = false;  // the next event is the first of a burst
    bool time_every_unit = false;
    bool full = false;
    uint32_t iterations = 0;  // since the clock was last read
    std::vector<std::unique_ptr<entry[], chunk_free>> chunks;
  };

  // The id of an event whose entry is appended next to l (its call's position not yet in it).
  static uint64_t next_id(const lane& l) noexcept { return l.key_base | l.count << position_bits; }
  void append(lane& l, uint64_t a, uint64_t b) noexcept {
    if (l.cur == l.end) [[unlikely]] {
      if (!grow(l)) return;
    }
    *l.cur++ = entry{a, b};
    ++l.count;
  }
  bool grow(lane& l) noexcept;
  // Appends to `reactor`'s lane, or under the mutex to the external lane (then with a time);
  // `keyed`: an event that takes the entry's key as its id.
  void append_on(uint32_t reactor, uint64_t a, uint64_t b, event* keyed = nullptr) noexcept;
  void read_time(uint32_t reactor, lane& l) noexcept;
  lane& lane_of(uint32_t reactor) noexcept {
    return reactor < lanes_.size() - 1 ? lanes_[reactor] : lanes_.back();
  }
  // to_trace's pieces (lcore_recording.cpp).
  struct conversion;
  const entry& at(uint32_t li, uint64_t i) const noexcept;
  static kind kind_of(const entry& e) noexcept;
  static bool first_of_burst(const entry& e) noexcept;
  static uint32_t small_of(const entry& e) noexcept;
  const entry* entry_at_key(uint64_t key) const noexcept;
  static void name_from(const entry& e, lcore_trace::raw& r) noexcept;
  void name_event(uint64_t key, lcore_trace::raw& r) const noexcept;
  void index_lane(uint32_t li, conversion& c) const;
  std::vector<uint64_t> times_of(uint32_t li) const;
  bool records_of(uint32_t li, uint64_t i, uint64_t time, conversion& c,
                  std::vector<lcore_trace::raw>* step) const;
  void convert_lane(uint32_t li, conversion& c, lcore_trace& out) const;

  // The calling thread's lane while its reactor runs (attach), else null. Initial-exec TLS, as
  // core's current reactor: one load on the hot path.
  static thread_local constinit lane* t_lane_ LOCKSTEP_HOT_TLS;

  const core::clock& clk_;
  std::vector<lane> lanes_;  // [reactors] is the external lane
  // The external lane's: its appends, and to_trace's reading (a failed check writes the
  // recording while threads that are not lcores may still send).
  mutable std::mutex external_mutex_;
};

}  // namespace lockstep::real
