#include "session.hpp"

#include <lockstep/lockstep.hpp>

namespace lockstep::core {

void session::bind(event* start_ev, event* shutdown_ev, uint16_t target) noexcept {
  for (event* ev : {start_ev, shutdown_ev}) {
    ev->arg1 = this;
    ev->target = target;
    ev->state = event_state::idle;
  }
  start_ev->fn = run_start;
  start_ev->name = "start";
  shutdown_ev->fn = run_shutdown_request;
  shutdown_ev->name = "shutdown_request";
}

void session::send_from_outside(runtime& rt, event* ev) noexcept {
  ev->state = event_state::allocated;
  if (observer* obs = rt.backend().obs) obs->on_allocate(no_core, nullptr, ev);
  rt.call(ev);
}

void session::run_start(void* self, void*) { static_cast<session*>(self)->start_(); }

void session::run_shutdown_request(void* self, void*) {
  auto* s = static_cast<session*>(self);
  if (s->shutdown_cb_) {
    s->shutdown_cb_();
  } else {
    app_stop(0);
  }
}

session::totals session::count(runtime& rt) noexcept {
  totals t;
  for (uint32_t i = 0; i < rt.core_count(); ++i) {
    const auto& c = rt.at(i).counters();
    t.events_executed += c.events_executed;
    t.pollers_run += c.pollers_run;
    t.alloc_failures += c.alloc_failures;
  }
  t.alloc_failures += rt.external_alloc_failures();
  t.dropped_events = rt.drop_queued();
  return t;
}

}  // namespace lockstep::core
