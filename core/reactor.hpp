// One reactor: the per-core loop of SPDK's event framework, decomposed into steps.
//
// An iteration runs up to event_batch_max queued events (one burst from the transport), then
// every active poller once, then the timed pollers that are due on the backend clock. The
// iteration is written once (reactor::iterate, hot_path.hpp) and generated twice: step_as
// performs exactly one unit of it — one event or one poller call — so that the simulator can
// interleave cores between units (and a trace record each unit); run_iteration_as performs a
// whole one, for a multi-threaded backend whose loop does nothing between units.
// Threading: a reactor is only touched by the thread that runs it (its pollers too).
#pragma once

#include "backend.hpp"
#include "limits.hpp"

#include <cstdint>
#include <vector>

namespace lockstep::core {

class runtime;

// Cache-line aligned: every lcore writes its own reactor on every event, and two reactors
// allocated side by side must not share a line (false sharing between cores).
class alignas(64) reactor {
 public:
  enum class step_kind : uint8_t { none, event, poller, timer };

  // What a trace needs of the last event run, copied before it ran: on a multi-threaded
  // backend the event itself may be back in the pool, and reused by another core, by the time
  // the step has returned.
  struct event_info {
    uint64_t id = 0;
    event_fn fn = nullptr;
    const char* name = nullptr;
    uint16_t sender = 0;
  };

  struct stats {
    uint64_t events_executed = 0;
    uint64_t pollers_run = 0;
    uint64_t alloc_failures = 0;  // nullptr returned by event_allocate called on this reactor
  };

  reactor(runtime& rt, uint32_t index);
  ~reactor();
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;

  // Both entry points below are the one iteration body, reactor::iterate (hot_path.hpp),
  // generated per unit or whole; B is the backend (a backend_types<...>, hot_path.hpp) whose
  // concrete parts it calls.
  // Performs one unit of work. Returns false when a whole iteration found nothing to do.
  template <class B>
  bool step_as() noexcept;

  // Runs one whole iteration — a burst of events back to back, then every active poller once,
  // then the due timed pollers — and returns whether anything ran. It stops after the unit it
  // is running once the runtime's stop was requested (the rest of the burst is then dropped by
  // drop_queued). For a multi-threaded backend whose loop does nothing between units;
  // last_step_kind and last_event are not kept up to date by it (a per-unit trace steps with
  // step_as). A reactor is driven either by step_as or by run_iteration_as, not both. Runs
  // the same units in the same order as step_as called until it returns false
  // (proptests/iteration_props.cpp).
  template <class B>
  bool run_iteration_as() noexcept;

  // Queued events (in the current burst or in the transport) or an active poller: step_as will
  // do something without time passing.
  bool has_work() const noexcept;
  // The part of has_work() that lives in the reactor itself (a burst in progress, an active
  // poller): it changes only while this reactor steps. A backend that tracks which queues are
  // non-empty combines it with that instead of asking the transport per core.
  // (`|`, not `||`: two flags to combine, not a branch to predict.)
  bool has_local_work() const noexcept { return (batch_pos_ < batch_len_) | (active_live_ > 0); }
  // Whether timed pollers (live, or dead and not yet freed) are registered: when not,
  // next_timer_ns is false. Only this reactor's own steps change it, so a backend may track it
  // per core after each step instead of asking every idle core.
  bool has_timers() const noexcept { return !timed_.empty(); }
  // Whether has_timers() may have changed since the last call (one byte to test after a step,
  // instead of comparing has_timers() with what the backend last saw): set where a timed
  // poller is added or freed, cleared by this call.
  bool take_timers_touched() noexcept {
    if (!timers_touched_) [[likely]] return false;
    timers_touched_ = false;
    return true;
  }
  // The earliest due time of a live timed poller; false when there is none.
  bool next_timer_ns(uint64_t* due_ns) noexcept;

  poller* add_poller(poller_fn fn, void* arg, uint64_t period_ns) noexcept;
  // Marks p dead; it is freed once no iteration refers to it. p belongs to this reactor.
  void remove_poller(poller* p) noexcept;

  // After the run ended (no step running): returns every event still held or queued for this
  // reactor to the pool. Returns how many of them had not run (the dropped ones).
  uint64_t drop_queued() noexcept;

  uint32_t index() const noexcept { return index_; }
  const event* running_event() const noexcept { return running_; }
  step_kind last_step_kind() const noexcept { return last_kind_; }
  const event* last_event() const noexcept { return last_event_; }  // valid until the next step
  // Kept only by a backend whose backend_types have keeps_event_info (hot_path.hpp).
  const event_info& last_event_info() const noexcept { return last_event_info_; }
  uint64_t last_poller_seq() const noexcept { return last_poller_seq_; }
  // The last poller's function (the poller itself may be freed by then): traces name it.
  poller_fn last_poller_fn() const noexcept { return last_poller_fn_; }
  // The poller running now, or nullptr: a failed check inside a poller is traced with it.
  const poller* running_poller() const noexcept { return running_poller_; }
  stats& counters() noexcept { return stats_; }
  // For a report at the end of a run (no step running): the events of the burst in progress
  // that have not run yet (*n of them), and the registered pollers, dead ones included (their
  // state says which), active ones in registration order, timed ones in heap order.
  event* const* burst_left(uint32_t* n) const noexcept {
    *n = batch_len_ - batch_pos_;
    return batch_ + batch_pos_;
  }
  const std::vector<poller*>& active_pollers() const noexcept { return active_; }
  const std::vector<poller*>& timed_pollers() const noexcept { return timed_; }
  const stats& counters() const noexcept { return stats_; }

 private:
  enum class phase : uint8_t { events, pollers, timers };

  // The iteration, written once (hot_path.hpp): per_unit, one unit from where the last call
  // left off (step_as); otherwise one whole iteration (run_iteration_as).
  template <class B, bool per_unit>
  bool iterate() noexcept;
  // Its pieces (hot_path.hpp).
  template <class B>
  uint32_t take_burst_as() noexcept;
  template <class B>
  void unit_recorder_started() noexcept;  // has_unit_recorder<B>: iteration_started
  template <class B>
  bool run_event_as() noexcept;
  // Runs one dequeued event. per_unit (step_as): keeps last_kind/last_event/last_event_info,
  // which a trace or the simulator reads after the step, and leaves the event done until its
  // burst ends; otherwise (run_iteration_as) the event is free once it ran. keeps_info: per
  // unit, whether last_event_info is copied too (backend_types::keeps_event_info).
  template <bool per_unit, bool keeps_info = true>
  void run_event(event* ev) noexcept;
  template <class B, bool per_unit>
  void end_burst_as() noexcept;
  void begin_pollers() noexcept;
  poller* next_active_poller() noexcept;
  void end_pollers() noexcept;
  // Enters the timer phase: a new round, in which each timed poller runs at most once.
  void begin_timers() noexcept {
    phase_ = phase::timers;
    ++timer_round_;
  }
  [[noreturn]] void not_queued() noexcept;
  // A unit's function was left by an exception (described by note_uncaught_exception in the
  // catch block): fails the run with the description and the function's name.
  // The unit is the running event or poller (running_, running_poller_): the caller's landing
  // pad then keeps nothing but the reactor live, which spares a register on the event path.
  [[noreturn, gnu::cold, gnu::noinline]] void running_unit_threw() noexcept;
  bool run_poller(poller* p, step_kind kind) noexcept;
  bool run_due_timer() noexcept;
  void compact_active() noexcept;
  void prune_dead_timers() noexcept;

  runtime& rt_;
  const uint32_t index_;
  phase phase_ = phase::events;
  bool burst_taken_ = false;
  uint32_t batch_pos_ = 0;
  uint32_t batch_len_ = 0;
  event* batch_[event_batch_max] = {};
  event* running_ = nullptr;

  std::vector<poller*> active_;  // registration order
  uint32_t active_live_ = 0;
  uint32_t poll_pos_ = 0;
  uint32_t poll_end_ = 0;
  bool active_has_dead_ = false;
  std::vector<poller*> timed_;   // binary heap on (next_due_ns, seq): earliest first
  uint32_t timed_live_ = 0;
  bool timers_touched_ = false;  // see take_timers_touched
  poller* running_poller_ = nullptr;
  uint64_t poller_seq_ = 0;
  uint64_t timer_round_ = 0;  // timer phases entered (see begin_timers)

  step_kind last_kind_ = step_kind::none;
  const event* last_event_ = nullptr;
  event_info last_event_info_;
  uint64_t last_poller_seq_ = 0;
  poller_fn last_poller_fn_ = nullptr;
  stats stats_;
};

}  // namespace lockstep::core
