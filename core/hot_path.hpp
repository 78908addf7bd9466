// The hot path — event_allocate, event_call and reactor::step — written once, as templates
// over the types of a backend's parts.
//
// core/backend.hpp's interfaces stay the contracts. A backend whose parts are final classes
// names them in a backend_types<...> and gives its runtime hot_path_for<those types>(); its
// reactors' loop calls reactor::step_as<those types>(). Every call into the backend on the way
// then goes to the concrete class directly (the compiler inlines it), and the public API
// reaches the backend through one indirect call per API call instead of several virtual ones.
// With generic_backend (the abstract interfaces themselves) the same code makes virtual calls:
// that is what a runtime uses until its backend sets its own, and what reactor::step() is.
#pragma once

#include "backend.hpp"
#include "reactor.hpp"
#include "runtime.hpp"

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

  static Pool& pool(const parts& p) noexcept { return *static_cast<Pool*>(p.pool); }
  static Transport& queues(const parts& p) noexcept {
    return *static_cast<Transport*>(p.queues);
  }
  static Clock& clk(const parts& p) noexcept { return *static_cast<Clock*>(p.clk); }
  // nullptr when the runtime has no observer.
  static Observer* obs(const parts& p) noexcept { return static_cast<Observer*>(p.obs); }
};

using generic_backend = backend_types<event_pool, transport, clock, observer>;

template <class B>
event* runtime::allocate_as(runtime& rt, uint32_t core, event_fn fn, void* arg1, void* arg2,
                            const char* name) noexcept {
  if (fn == nullptr) [[unlikely]]
    rt.fail("event_allocate: fn is nullptr (an event needs a function to run)");
  const uint32_t self = current_reactor();
  const uint32_t target = rt.reactor_of(core);
  event* ev = target == no_core ? nullptr : B::pool(rt.parts_).get(self);
  if (ev == nullptr) [[unlikely]]
    return rt.allocate_failed(self, core, fn, name, target == no_core);
  ev->fn = fn;
  ev->arg1 = arg1;
  ev->arg2 = arg2;
  ev->target = static_cast<uint16_t>(target);
  ev->sender = external_sender;
  ev->state = event_state::allocated;
  ev->name = name;
  ev->next = nullptr;
  if (auto* obs = B::obs(rt.parts_)) {
    const event* by = self == no_core ? nullptr : rt.reactors_[self]->running_event();
    obs->on_allocate(self, by, ev);
  }
  return ev;
}

template <class B>
void runtime::call_as(runtime& rt, event* ev) noexcept {
  if (ev == nullptr || ev->state != event_state::allocated) [[unlikely]] rt.call_misuse(ev);
  const uint32_t self = current_reactor();
  ev->sender = self == no_core ? external_sender : static_cast<uint16_t>(self);
  ev->sent_ns = B::clk(rt.parts_).send_stamp_ns(self);
  ev->state = event_state::queued;
  if (auto* obs = B::obs(rt.parts_)) obs->on_call(self, ev);
  B::queues(rt.parts_).enqueue(ev->sender, ev->target, ev);
}

template <class B>
hot_path hot_path_for() noexcept {
  return hot_path{&runtime::allocate_as<B>, &runtime::call_as<B>};
}

template <class B>
bool reactor::step_as() noexcept {
  // The common step of a loaded reactor: the next event of the burst in progress.
  if (batch_pos_ < batch_len_) [[likely]] return run_event_as<B>();
  // Without pollers the poller and timer phases have nothing to visit: a finished burst leads
  // straight to the next one (the walk below would get there after three empty hops).
  if (phase_ == phase::events && active_.empty() && timed_.empty()) burst_taken_ = false;
  // Four phase changes visit every phase once from wherever the last step left off, and start
  // a new iteration (a new burst) on the way: nothing found by then means idle.
  for (int hops = 0; hops < 4; ++hops) {
    switch (phase_) {
      case phase::events:
        if (batch_pos_ < batch_len_) return run_event_as<B>();
        if (!burst_taken_) {
          burst_taken_ = true;
          batch_pos_ = 0;
          batch_len_ = B::queues(rt_.backend()).dequeue_burst(index_, batch_, event_batch_max);
          if (batch_len_ > 0) return run_event_as<B>();
        }
        phase_ = phase::pollers;
        poll_pos_ = 0;
        poll_end_ = static_cast<uint32_t>(active_.size());
        break;
      case phase::pollers:
        while (poll_pos_ < poll_end_) {
          poller* p = active_[poll_pos_++];
          if (p->state == poller_state::active) return run_poller(p, step_kind::poller);
        }
        if (active_has_dead_) compact_active();
        phase_ = phase::timers;
        break;
      case phase::timers:
        if (has_timers() && run_due_timer()) return true;
        phase_ = phase::events;
        burst_taken_ = false;
        break;
    }
  }
  last_kind_ = step_kind::none;
  return false;
}

template <class B>
bool reactor::run_event_as() noexcept {
  event* ev = batch_[batch_pos_++];
  if (ev->state != event_state::queued) [[unlikely]] not_queued();
  ev->state = event_state::running;
  running_ = ev;
  last_kind_ = step_kind::event;
  last_event_ = ev;
  if constexpr (B::keeps_event_info) last_event_info_ = {ev->id, ev->fn, ev->name, ev->sender};
  ev->fn(ev->arg1, ev->arg2);
  running_ = nullptr;
  ev->state = event_state::done;
  ++stats_.events_executed;
  if (batch_pos_ == batch_len_) {  // the burst is over: its events go back to the pool
    for (uint32_t i = 0; i < batch_len_; ++i) batch_[i]->state = event_state::free;
    B::pool(rt_.backend()).put_bulk(index_, batch_, batch_len_);
    batch_pos_ = batch_len_ = 0;
  }
  return true;
}

}  // namespace lockstep::core
