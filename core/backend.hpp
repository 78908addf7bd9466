// The contracts a backend implements so that core/'s reactor logic can run on it.
//
// core/ owns the semantics (what an event, a poller, a stop mean); a backend only supplies
// time, the event pool, the per-core queues, who is running, and what a failure does. Reactor
// indices are dense (0..n-1); the runtime maps them to core ids.
#pragma once

#include "event.hpp"

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

namespace lockstep::core {

// The finite store of events.
// Threading: get/put_bulk may be called concurrently from every reactor (each passing its own
// index, or no reactor for a non-reactor thread) on a multi-threaded backend.
class event_pool {
 public:
  virtual ~event_pool() = default;
  // An event in state idle, or nullptr when the pool is exhausted (or a fault is injected).
  virtual event* get(uint32_t reactor) noexcept = 0;
  // Returns n events to the pool. Every event came from get() of this pool.
  virtual void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept = 0;
};

// Per-reactor queues of called events.
// Guarantees: events enqueued by one sender to one target are dequeued in enqueue order
// (per-pair FIFO); enqueue never fails for an event of the pool (queues hold the whole pool).
// Threading: enqueue from any thread; dequeue_burst and pending only from the target's reactor.
class transport {
 public:
  virtual ~transport() = default;
  virtual void enqueue(uint32_t sender, uint32_t target, event* ev) noexcept = 0;
  // Moves up to `max` queued events for `target` into out[], in delivery order.
  virtual uint32_t dequeue_burst(uint32_t target, event** out, uint32_t max) noexcept = 0;
  // Whether events wait for `target` (exact when called from the target's reactor).
  virtual bool pending(uint32_t target) const noexcept = 0;
  // A transport may hold the events a reactor enqueued for other reactors and hand them over in
  // batches; flush(sender), called on the sender's reactor, hands over everything it holds for
  // `sender`. reactor::run_iteration_as flushes at the end of every burst and before it
  // returns; a backend that drives step_as over such a transport flushes after every step.
  // Default: nothing is held.
  virtual void flush(uint32_t sender) noexcept { (void)sender; }
  // Once no reactor runs any more (runtime::drop_queued, on the thread that drains): whatever
  // the transport still holds for its senders — events flush could not hand over yet (a full
  // queue) — becomes dequeuable by its target, so that dequeue_burst returns every queued
  // event. Default: nothing is held.
  virtual void settle() noexcept {}
};

// The backend clock, in nanoseconds. A reactor reads only its own clock.
class clock {
 public:
  virtual ~clock() = default;
  virtual uint64_t now_ns(uint32_t reactor) const noexcept = 0;
  // The stamp event_call puts in event::sent_ns. A backend whose queues need the send time
  // (the simulator keeps causality with it) keeps this default; one that does not may return 0
  // and spare a clock read on every event_call (reading the TSC is a large part of a
  // same-core post on DPDK).
  virtual uint64_t send_stamp_ns(uint32_t reactor) const noexcept { return now_ns(reactor); }
};

// Who is running: core::set_current_reactor (runtime.hpp), called by the backend on the thread
// that runs a reactor with its index and core id, before each step (or once per thread) and
// back to no_core after; core reads it on every API call without a virtual call.
// What a failure or a stop does.
class scheduling {
 public:
  virtual ~scheduling() = default;
  // A failed check or misuse: ends the running event at once and never returns. The backend
  // copies `message` before it leaves the caller's frames (which are not unwound).
  [[noreturn]] virtual void fail(const char* message) noexcept = 0;
  // A unit (an event's or a poller's function) running on the calling reactor was left by an
  // exception it did not catch; `message` says what and which function ("uncaught exception:
  // ..."). Ends the running unit as fail does and never returns; by default it is fail.
  [[noreturn]] virtual void unit_threw(const char* message) noexcept {
    fail(message);
    std::abort();  // fail never returns (a virtual call does not tell the compiler so)
  }
  // app_stop was called (first time only), from the calling reactor.
  virtual void on_stop(int rc) noexcept = 0;
  // lockstep::external_thread_start: runs `body` (not empty) on a thread that is not a reactor,
  // a sender of its own. Throws std::system_error when no thread can be started; a misuse (too
  // many threads) fails the run.
  virtual void start_external_thread(std::function<void()> body) = 0;
  // lockstep::external_thread_yield on a thread the backend started for start_external_thread
  // and does not schedule itself (the simulator's threads go through external_gate instead).
  virtual void yield_external_thread() noexcept {}
};

// Optional hooks for traces and hashes. Called on the thread of the reactor concerned.
class observer {
 public:
  virtual ~observer() = default;
  // `by` is the event running on the allocating reactor (nullptr from a poller or outside).
  virtual void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept = 0;
  virtual void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core,
                                  event_fn fn, const char* name, bool invalid_core) noexcept = 0;
  virtual void on_call(uint32_t reactor, const event* ev) noexcept = 0;
  virtual void on_stop(uint32_t reactor, int rc) noexcept = 0;
};

}  // namespace lockstep::core
