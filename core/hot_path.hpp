// The join between core/ and a backend, and the hot path written once: event_allocate,
// event_call and the reactor's iteration, as templates over B, a backend_types<...> naming
// the concrete types of a backend's parts.
//
// One mechanism: a backend describes itself once, as B — its parts' final classes and the
// optional capabilities listed below — and core/ instantiates its hot path on B:
// - the API's path: hot_path_for<B>() makes the runtime's hot_path (runtime.hpp), the one
//   indirect call an API call makes (event_allocate/event_call -> allocate_as<B>/call_as<B>);
// - the reactor's loop: the backend's loop calls reactor::step_as<B> (one unit: the
//   simulator, a traced DPDK run) or reactor::run_iteration_as<B> (one whole iteration: the
//   DPDK loop), both generated from the one body reactor::iterate<B, per_unit>.
// Every call into the backend on those paths goes to the concrete class directly (inlined).
// core/backend.hpp's abstract interfaces are the contracts the parts implement, and the way
// core's cold paths reach them (a failure, a stop, a timer's clock read, draining at the end):
// a virtual call where it does not matter.
// Why a table of two function pointers rather than a runtime templated on B throughout: the
// API (api.cpp) is compiled once, without knowing the backend, so one indirect call there is
// unavoidable; a function pointer loaded from the runtime is that call with no vtable load on
// the way, and it lets one backend pick between two B's at run time (the simulator's
// fault-free pool path); a runtime templated on B would add nothing on the hot path but a type
// per backend to every cold function.
//
// The optional capabilities a B may declare (each saves work on the simulator's or the DPDK
// backend's path; leaving one out is always correct):
// - keeps_event_info (flag, default true): reactor::last_event_info() is kept per unit;
// - observer_always (flag, default false): every runtime of B has an observer (no null test);
// - has_cached_get (pool method get_cached): a call-free common case for event_allocate;
// - has_split_observer (observer methods note_*/record_*): the observer's record out of line;
// - has_put_one (pool method put_one): a burst stepped per unit is freed in one pass;
// - has_unit_recorder (observer methods iteration_started/event_ran/poller_ran): a whole
//   iteration tells the observer of every unit it runs (the DPDK backend's recording).
#pragma once

#include "backend.hpp"
#include "reactor.hpp"
#include "runtime.hpp"
#include "uncaught_exception.hpp"

#include <concepts>
#include <type_traits>

namespace lockstep::core {

// The concrete types of a backend's parts (each derived from its interface in backend.hpp;
// the same class may serve as several parts).
template <class Pool, class Transport, class Clock, class Observer>
struct backend_types {
  static_assert(std::is_base_of_v<event_pool, Pool>);
  static_assert(std::is_base_of_v<transport, Transport>);
  static_assert(std::is_base_of_v<clock, Clock>);
  static_assert(std::is_base_of_v<observer, Observer>);
  using pool_type = Pool;
  using transport_type = Transport;
  using clock_type = Clock;
  using observer_type = Observer;
  // Whether reactor::last_event_info() is kept. A backend that never reads it (it reads the
  // event itself while it is still valid) derives its types with false and spares the copy on
  // every event.
  static constexpr bool keeps_event_info = true;
  // Whether every runtime of this backend has an observer (obs() never nullptr). A backend that
  // always observes (the simulator: its trace hash) derives its types with true and spares the
  // test on every event_allocate and event_call.
  static constexpr bool observer_always = false;

  static Pool& pool(const parts& p) noexcept { return *static_cast<Pool*>(p.pool); }
  static Transport& queues(const parts& p) noexcept {
    return *static_cast<Transport*>(p.queues);
  }
  static Clock& clk(const parts& p) noexcept { return *static_cast<Clock*>(p.clk); }
  // nullptr when the runtime has no observer.
  static Observer* obs(const parts& p) noexcept { return static_cast<Observer*>(p.obs); }
};

// The abstract interfaces themselves (virtual calls): what a runtime uses until its backend
// sets its own hot path.
using generic_backend = backend_types<event_pool, transport, clock, observer>;

// A pool whose get has a call-free common case offers it as get_cached(reactor): an event or
// nullptr, never a refill. allocate_as then runs only that in line and leaves everything else
// (the refill, a failure) to a function of its own, reached by a tail call, so that its common
// path makes no call and saves no register.
template <class B>
concept has_cached_get = requires(typename B::pool_type& p, uint32_t r) {
  { p.get_cached(r) } -> std::same_as<event*>;
};

// An observer may split each of its calls in two: note_allocate(reactor, ev) and note_call(ev)
// do the in-line part and return whether the record is wanted, and record_allocate(reactor, by, ev)
// and record_call(reactor, ev) make it; together they must do what on_allocate and on_call do.
// The hot path then reaches the records by tail calls, and its common path saves no register
// for a call it does not make. The simulator notes its trace id and hash in line and records
// only with a trace; an observer with nothing to do in line (the DPDK backend's trace, off by
// default) notes nothing and always records, so that a run without it pays one null test.
template <class B>
concept has_split_observer = requires(typename B::observer_type& o, event* ev, uint32_t r) {
  { o.note_allocate(r, ev) } -> std::same_as<bool>;
  { o.note_call(ev) } -> std::same_as<bool>;
  o.record_allocate(r, static_cast<const event*>(ev), ev);
  o.record_call(r, static_cast<const event*>(ev));
};

// A pool whose put of one event is as cheap as a step of its put_bulk offers it as
// put_one(reactor, ev) (put_bulk(r, evs, n) being put_one of evs[0..n) in order): a burst
// stepped per unit is then freed and returned in one pass instead of two.
template <class B>
concept has_put_one = requires(typename B::pool_type& p, uint32_t r, event* ev) {
  p.put_one(r, ev);
};

// An observer that records the units of whole iterations (run_iteration_as; step_as never
// calls these): iteration_started(index, reactor) as an iteration begins, then event_ran(index,
// ev) after each event (ev still holds what it ran: it goes back to the pool after its burst)
// and poller_ran(index, reactor) after each poller or timed poller (the reactor's
// last_step_kind, last_poller_seq and last_poller_fn say which). Every runtime of such a B has
// its observer (observer_always).
template <class B>
concept has_unit_recorder = requires(typename B::observer_type& o, const reactor& r,
                                     const event* ev, uint32_t i) {
  o.iteration_started(i, r);
  o.event_ran(i, ev);
  o.poller_ran(i, r);
};

template <class B>
event* runtime::allocate_as(uint32_t core, event_fn fn, void* arg1, void* arg2,
                            const char* name, runtime& rt) noexcept {
  if (fn == nullptr) [[unlikely]]
    rt.fail("event_allocate: fn is nullptr (an event needs a function to run)");
  if constexpr (has_cached_get<B>) {
    const uint32_t self = current_reactor();
    const uint32_t target = rt.reactor_of(core);
    event* ev = target == no_core ? nullptr : B::pool(rt.parts_).get_cached(self);
    if (ev == nullptr) [[unlikely]] return allocate_uncached<B>(core, fn, arg1, arg2, name, rt);
    return lend<B>(rt, self, target, ev, fn, arg1, arg2, name);
  } else {
    return allocate_body<B>(core, fn, arg1, arg2, name, rt);
  }
}

template <class B>
inline event* runtime::allocate_body(uint32_t core, event_fn fn, void* arg1, void* arg2,
                                     const char* name, runtime& rt) noexcept {
  const uint32_t self = current_reactor();
  const uint32_t target = rt.reactor_of(core);
  event* ev = target == no_core ? nullptr : B::pool(rt.parts_).get(self);
  if (ev == nullptr) [[unlikely]]
    return rt.allocate_failed(self, core, fn, name, target == no_core);
  return lend<B>(rt, self, target, ev, fn, arg1, arg2, name);
}

template <class B>
[[gnu::noinline]] event* runtime::allocate_uncached(uint32_t core, event_fn fn, void* arg1,
                                                    void* arg2, const char* name,
                                                    runtime& rt) noexcept {
  // A thread that is not a reactor has no cache: it always comes here. After app_stop its
  // allocations fail (runtime::allocate_external), so that its loop finds its end.
  if (current_reactor() == no_core && rt.stop_requested()) [[unlikely]]
    return rt.allocate_failed(no_core, core, fn, name, false);
  return allocate_body<B>(core, fn, arg1, arg2, name, rt);
}

template <class B>
inline event* runtime::lend(runtime& rt, uint32_t self, uint32_t target, event* ev, event_fn fn,
                            void* arg1, void* arg2, const char* name) noexcept {
  ev->fn = fn;
  ev->arg1 = arg1;
  ev->arg2 = arg2;
  ev->target = static_cast<uint16_t>(target);
  ev->sender = external_sender;
  ev->state = event_state::allocated;
  ev->name = name;
  // ev->next is left as the pool left it: it is the link of whoever holds the event, and a
  // transport that queues events in lists sets it when it queues one.
  if (B::observer_always || B::obs(rt.parts_) != nullptr) return allocated<B>(rt, self, ev);
  return ev;
}

// Always in line: lend's tail call to it was a jump to a function of its own for an observer
// whose in-line half records (the DPDK backend's recording), with its own return.
template <class B>
[[gnu::always_inline]] inline event* runtime::allocated(runtime& rt, uint32_t self,
                                                        event* ev) noexcept {
  if constexpr (has_split_observer<B>) {
    // The in-line half; the record (and the event that caused it, which only the record
    // names) out of line, reached by a tail call, so that the common path makes no call.
    if (B::obs(rt.parts_)->note_allocate(self, ev)) [[unlikely]] return allocated_recorded<B>(rt, self, ev);
    return ev;
  } else {
    const event* by = self == no_core ? nullptr : rt.reactors_[self]->running_event();
    B::obs(rt.parts_)->on_allocate(self, by, ev);
    return ev;
  }
}

template <class B>
[[gnu::noinline]] event* runtime::allocated_recorded(runtime& rt, uint32_t self,
                                                     event* ev) noexcept {
  const event* by = self == no_core ? nullptr : rt.reactors_[self]->running_event();
  B::obs(rt.parts_)->record_allocate(self, by, ev);
  return ev;
}

template <class B>
void runtime::call_as(event* ev, runtime& rt) noexcept {
  if (ev == nullptr || ev->state != event_state::allocated) [[unlikely]] rt.call_misuse(ev);
  const uint32_t self = current_reactor();
  // no_core truncates to external_sender: no branch or select on the way.
  static_assert(static_cast<uint16_t>(no_core) == external_sender);
  ev->sender = static_cast<uint16_t>(self);
  ev->sent_ns = B::clk(rt.parts_).send_stamp_ns(self);
  ev->state = event_state::queued;
  if constexpr (has_split_observer<B>) {
    if (auto* obs = B::obs(rt.parts_); B::observer_always || obs != nullptr) [[unlikely]] {
      if (obs->note_call(ev)) [[unlikely]] return call_recorded<B>(ev, rt, self);
    }
  } else {
    if (auto* obs = B::obs(rt.parts_)) obs->on_call(self, ev);
  }
  B::queues(rt.parts_).enqueue(ev->sender, ev->target, ev);
}

template <class B>
[[gnu::noinline]] void runtime::call_recorded(event* ev, runtime& rt, uint32_t self) noexcept {
  // Recorded before the hand-over: once enqueued, the event may run (and be recorded) on its
  // target at once.
  B::obs(rt.parts_)->record_call(self, ev);
  B::queues(rt.parts_).enqueue(ev->sender, ev->target, ev);
}

template <class B>
hot_path hot_path_for() noexcept {
  return hot_path{&runtime::allocate_as<B>, &runtime::call_as<B>};
}

// The iteration, written once: a burst of events, then every active poller once, then the due
// timed pollers. per_unit (step_as, the simulator and a traced DPDK run) returns after each
// unit and resumes where the last call left off — the phase in phase_, the burst in
// batch_pos_/batch_len_, the poller walk in poll_pos_ — each `if constexpr (per_unit) return`
// below is such a point; whole (run_iteration_as, the DPDK loop without a trace) runs the
// same phases through to the end of the iteration without returning between units, reads the
// stop flag after every unit (a reactor stops after the unit it is running; what is left of
// the burst then stays in batch_ for drop_queued, which counts it as dropped), and flushes the
// transport after the burst (before its events go back to the pool: the receivers need them
// sooner) and before it returns. The two differ only where marked; proptests/iteration_props
// checks that they run the same units in the same order.
template <class B, bool per_unit>
inline bool reactor::iterate() noexcept {
  // Locals, so that they stay in registers across the units' calls (members are reloaded
  // after every call).
  runtime& rt = rt_;
  // Whole only (loaded here, per unit it would be loaded on every step for nothing).
  [[maybe_unused]] auto* const queues = per_unit ? nullptr : &B::queues(rt.backend());
  bool worked = false;  // whole: a unit ran
  [[maybe_unused]] int hops = 0;  // per unit: phase changes made without finding a unit
  if constexpr (per_unit) {
    // The common step of a loaded reactor: the next event of the burst in progress.
    if (batch_pos_ < batch_len_) [[likely]] return run_event_as<B>();
    // Without pollers the poller and timer phases have nothing to visit: a finished burst
    // leads straight to the next one (the walk below would get there after three empty hops).
    // Taken here rather than through the walk, whose branches cost more than the take on short
    // bursts; with nothing queued the walk below starts with this burst taken, as its own take
    // would have left it, and ends idle.
    if (phase_ == phase::events && active_.empty() && timed_.empty()) [[likely]] {
      burst_taken_ = true;
      if (take_burst_as<B>() > 0) [[likely]] return run_event_as<B>();
    }
  }
  // Per unit, from wherever the last step left off, four phase changes visit every phase once
  // and start a new iteration (a new burst) on the way: nothing found by then means idle.
  if (per_unit && phase_ == phase::pollers) goto pollers;
  if (per_unit && phase_ == phase::timers) goto timers;
  if constexpr (!per_unit) unit_recorder_started<B>();
events:
  if constexpr (per_unit) {
    if (batch_pos_ < batch_len_) return run_event_as<B>();
    if (!burst_taken_) {
      burst_taken_ = true;
      if (take_burst_as<B>() > 0) return run_event_as<B>();
    }
  } else if (const uint32_t len = take_burst_as<B>(); len > 0) {
    worked = true;
    // batch_pos_ is written back only when the loop stops early.
    for (uint32_t pos = 0; pos < len;) {
      run_event<false>(batch_[pos++]);
      if constexpr (has_unit_recorder<B>) B::obs(rt.backend())->event_ran(index_, batch_[pos - 1]);
      if (rt.stop_requested()) [[unlikely]] {
        batch_pos_ = pos;
        queues->flush(index_);
        return true;
      }
    }
    queues->flush(index_);
    end_burst_as<B, false>();
  }
  // Events -> pollers. Whole: a reactor without pollers goes straight to the timers.
  if (per_unit || !active_.empty()) {
    begin_pollers();
    if (per_unit && ++hops == 4) goto idle;
pollers:
    while (poller* p = next_active_poller()) {
      if constexpr (per_unit) {
        return run_poller(p, step_kind::poller);
      } else {
        worked = true;
        run_poller(p, step_kind::poller);
        if constexpr (has_unit_recorder<B>) B::obs(rt.backend())->poller_ran(index_, *this);
        if (rt.stop_requested()) [[unlikely]] {
          queues->flush(index_);
          return true;
        }
      }
    }
    end_pollers();  // pollers -> timers
  } else {
    begin_timers();
  }
  if (per_unit && ++hops == 4) goto idle;
timers:
  // has_timers in line: most reactors have no timed poller, and run_due_timer is a call.
  while (has_timers() && run_due_timer()) {
    if constexpr (per_unit) return true;
    worked = true;
    if constexpr (has_unit_recorder<B>) B::obs(rt.backend())->poller_ran(index_, *this);
    if (rt.stop_requested()) [[unlikely]] break;
  }
  phase_ = phase::events;  // timers -> events: the next iteration
  if constexpr (!per_unit) {
    queues->flush(index_);
    return worked;
  }
  burst_taken_ = false;
  if (++hops < 4) goto events;
idle:
  last_kind_ = step_kind::none;
  return false;
}

template <class B>
bool reactor::step_as() noexcept {
  return iterate<B, true>();
}

// Flattened: the pieces it shares with step_as (take_burst_as, end_burst_as and the backend's
// inline parts under them) are calls in step_as's code; here, once per iteration, their
// prologues cost more than their bodies on a burst of a few events.
template <class B>
[[gnu::flatten]] bool reactor::run_iteration_as() noexcept {
  return iterate<B, false>();
}

template <class B>
void reactor::unit_recorder_started() noexcept {
  if constexpr (has_unit_recorder<B>) B::obs(rt_.backend())->iteration_started(index_, *this);
}

template <class B>
uint32_t reactor::take_burst_as() noexcept {
  batch_pos_ = 0;
  batch_len_ = B::queues(rt_.backend()).dequeue_burst(index_, batch_, event_batch_max);
  return batch_len_;
}

template <class B>
bool reactor::run_event_as() noexcept {
  run_event<true, B::keeps_event_info>(batch_[batch_pos_++]);
  if (batch_pos_ == batch_len_) end_burst_as<B, true>();
  return true;
}

template <bool per_unit, bool keeps_info>
void reactor::run_event(event* ev) noexcept {
  if (ev->state != event_state::queued) [[unlikely]] not_queued();
  ev->state = event_state::running;
  running_ = ev;
  if constexpr (per_unit) {
    last_kind_ = step_kind::event;
    last_event_ = ev;
    if constexpr (keeps_info) last_event_info_ = {ev->id, ev->fn, ev->name, ev->sender};
  }
  // An exception the handler did not catch fails the run (not std::terminate, which this
  // noexcept frame would otherwise call): described in the catch block, failed with once that
  // block is left, so that the exception is freed first. With zero-cost exceptions the try adds
  // nothing to the path of a handler that returns.
  try {
    ev->fn(ev->arg1, ev->arg2);
  } catch (...) {
    note_uncaught_exception();
    goto threw;
  }
  running_ = nullptr;
  // An event that ran leaves the running state at once, so that event_call on it is caught as
  // misuse from here on. Stepped per unit, it is done until its burst ends (the simulator's
  // reports name that state); in a whole iteration it is idle at once, which spares a second
  // pass over the burst — it still reaches the pool only with its burst, in end_burst_as.
  ev->state = per_unit ? event_state::done : event_state::idle;
  ++stats_.events_executed;
  return;
threw:
  running_unit_threw();
}

template <class B, bool per_unit>
void reactor::end_burst_as() noexcept {
  // The burst is over: its events go back to the pool, idle (see run_event).
  auto&& pool = B::pool(rt_.backend());
  if constexpr (per_unit && has_put_one<B>) {
    const uint32_t len = batch_len_;
    for (uint32_t i = 0; i < len; ++i) {
      event* ev = batch_[i];
      ev->state = event_state::idle;
      pool.put_one(index_, ev);
    }
  } else {
    if constexpr (per_unit)
      for (uint32_t i = 0; i < batch_len_; ++i) batch_[i]->state = event_state::idle;
    pool.put_bulk(index_, batch_, batch_len_);
  }
  batch_pos_ = batch_len_ = 0;
}

inline void reactor::begin_pollers() noexcept {
  phase_ = phase::pollers;
  poll_pos_ = 0;
  poll_end_ = static_cast<uint32_t>(active_.size());
}

inline poller* reactor::next_active_poller() noexcept {
  while (poll_pos_ < poll_end_) {
    poller* p = active_[poll_pos_++];
    if (p->state == poller_state::active) return p;
  }
  return nullptr;
}

inline void reactor::end_pollers() noexcept {
  if (active_has_dead_) compact_active();
  begin_timers();
}

}  // namespace lockstep::core
