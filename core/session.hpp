// One run's lifecycle, shared by both backends (the simulator's world, the DPDK backend's run):
// the backend's own two events — the application's start and the shutdown request — sent from
// outside the reactors, and at the end the totals of the run: events and pollers run, failed
// allocations, the queued events dropped and the events the application never gave back.
// Threading: the backend's run thread (before the reactors start and after they have stopped);
// the two events run on their reactor.
#pragma once

#include "event.hpp"
#include "runtime.hpp"

#include <cstdint>
#include <functional>

namespace lockstep::core {

class session {
 public:
  // start: the application's first event's function (not empty); shutdown_cb: what a shutdown
  // request runs (empty: app_stop(0)).
  session(std::function<void()> start, std::function<void()> shutdown_cb)
      : start_(std::move(start)), shutdown_cb_(std::move(shutdown_cb)) {}
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Makes start_ev and shutdown_ev — the backend's own events, never lent by its pool, so that
  // a request gets through an exhausted pool — run the start and the shutdown request on
  // reactor `target`. Both are left idle.
  void bind(event* start_ev, event* shutdown_ev, uint16_t target) noexcept;
  // Sends one of those events (idle) from outside the reactors, as an external sender: lent
  // (observed as an allocation, when the runtime has an observer) and called.
  static void send_from_outside(runtime& rt, event* ev) noexcept;

  struct totals {
    uint64_t events_executed = 0;
    uint64_t pollers_run = 0;
    uint64_t alloc_failures = 0;  // on the reactors and on external threads
    uint64_t dropped_events = 0;  // queued, never run: returned to the pool at the end
    uint64_t leaked_events = 0;   // lent by the pool and never given back
  };
  // Once no reactor runs (and no external thread): drops every queued event back to `pool`
  // (runtime::drop_queued) and counts the run. Pool: the backend's pool, with in_use().
  template <class Pool>
  static totals finish(runtime& rt, const Pool& pool) noexcept {
    totals t = count(rt);
    t.leaked_events = pool.in_use();
    return t;
  }

 private:
  static void run_start(void* self, void*);
  static void run_shutdown_request(void* self, void*);
  static totals count(runtime& rt) noexcept;

  std::function<void()> start_;
  std::function<void()> shutdown_cb_;
};

}  // namespace lockstep::core
