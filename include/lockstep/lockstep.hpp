// lockstep — SPDK-style reactor events, one API for the DPDK and the simulated backend.
//
// Everything here is reached through whichever backend's run() is executing (lockstep::sim::run
// or lockstep::real::run). Threading: on the real backend every function may be called from any
// reactor core concurrently; poller functions act on the calling core only.
//
// Errors vs bugs:
//   - An exhausted event pool is an error: event_allocate returns nullptr (documented, expected).
//   - Misuse is a bug: event_call(nullptr), an event called twice, poller_unregister of another
//     core's poller. It ends the run as a failed LOCKSTEP_CHECK would (simulator: outcome
//     failed with a message naming the misuse; real backend: the message, then abort).
//   - An exception that leaves an event handler or a poller is a bug too: it ends the run as a
//     failed check ("uncaught exception: what() [thrown by the event function NAME]"; real
//     backend: the message with the lcore, then abort), never std::terminate.
//   - Outside any run, calls refuse: a message on stderr naming the call, then the neutral
//     answer documented per function (nullptr, no_core, 0, or nothing done).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace lockstep {

using event_fn = void (*)(void* arg1, void* arg2);
using poller_fn = int (*)(void* arg);  // >0 busy, 0 idle

struct event;   // opaque: owned by the pool, lent to the caller between allocate and call
struct poller;  // opaque: owned by the core that registered it

inline constexpr uint32_t no_core = UINT32_MAX;

// Takes an event from the backend's finite pool, bound to run fn(arg1, arg2) on `core`.
// Returns nullptr when the pool is exhausted, an allocation fault is injected (simulator), or
// `core` is not a reactor core of this run; every nullptr is counted as an allocation failure.
// The caller owns the event until event_call. Callable from any core; outside a run: nullptr.
[[nodiscard]] event* event_allocate(uint32_t core, event_fn fn, void* arg1, void* arg2) noexcept;

// As event_allocate, and records `fn_name` for traces (no copy: pass a string literal).
// LOCKSTEP_EVENT_ALLOCATE passes the function's spelling.
[[nodiscard]] event* event_allocate_named(uint32_t core, event_fn fn, void* arg1, void* arg2,
                                          const char* fn_name) noexcept;
#define LOCKSTEP_EVENT_ALLOCATE(core, fn, arg1, arg2) \
  ::lockstep::event_allocate_named((core), (fn), (arg1), (arg2), #fn)

// Hands the event over: fn(arg1, arg2) runs exactly once on the target core, later, never
// inline. Events from one sender core to one target core run in call order. After app_stop
// a called event may be dropped instead (counted, returned to the pool).
// Misuse (ends the run): nullptr, an event already called, an event not from event_allocate.
void event_call(event* ev) noexcept;

// The core whose reactor runs the caller; no_core outside a reactor (and outside a run).
uint32_t current_core() noexcept;
// Number of reactor cores of the running backend; 0 outside a run.
uint32_t core_count() noexcept;
// Lowest reactor core id; no_core outside a run.
uint32_t first_core() noexcept;
// Next reactor core id after `core`, in increasing order; no_core after the last.
uint32_t next_core(uint32_t core) noexcept;

// Registers fn(arg) on the calling core. period_us == 0: every reactor iteration; otherwise
// first one period after registration, then every period of the backend clock (as SPDK), at
// most once per reactor iteration (a run longer than the period delays the next one to the
// next iteration, after the queued events and the other pollers).
// Returns nullptr outside a reactor core. The poller belongs to the calling core.
[[nodiscard]] poller* poller_register(poller_fn fn, void* arg, uint64_t period_us) noexcept;
// Unregisters *p and sets *p to nullptr; *p == nullptr is a no-op. Safe from inside the poller
// itself (it is not called again). Misuse (ends the run): p == nullptr, or a poller of another
// core.
void poller_unregister(poller** p) noexcept;

// Time of the running backend in nanoseconds: TSC-based on real, virtual in the simulator
// (each core has its own virtual clock). 0 outside a run.
uint64_t now_ns() noexcept;

// Stops the application: every reactor stops after the event or poller it is running; queued
// events are not run — they are counted as dropped and returned to the pool. `rc` is what the
// backend's run returns. The first call's rc wins; later calls are ignored. Callable from any
// core. Outside a run: a message, nothing done.
void app_stop(int rc) noexcept;

// Threads that are not reactors (lockstep/external_thread.h is the C API).
// Starts `body` on an external thread of the running application: a thread that is not a
// reactor and may call event_allocate, event_call, app_stop, now_ns, core_count, first_core,
// next_core and external_thread_start (not the pollers' calls), as SPDK's threads that send
// through its multi-producer ring. Call it from inside a run: an event, a poller, the start
// function or another external thread (outside a run: a message, no thread started). Both
// backends run it and agree:
//   - real backend: an OS thread; its events reach each core through the core's
//     multi-producer ring, in call order per (thread, core).
//   - simulator: a thread that runs only while it holds the simulator's baton; each lockstep
//     call it makes is a point of the schedule (the decision stream picks whether it goes on or
//     a core steps: its interleavings replay and shrink like the cores'), and it is a sender of
//     its own (per-(thread, core) FIFO). Allocation faults strike its allocations; under PCT it
//     has a priority like a core. A thread the program starts itself is refused there.
// The run returns only after every external thread started in it has returned. After
// app_stop, event_allocate from an external thread returns nullptr (counted as an allocation
// failure) and its event_call is dropped (counted): a body must return once the application
// has stopped (a loop of sends ends at the nullptr; a waiting loop also tests a flag of the
// application's). In the simulator a body still running when its run is over (a hang, a step
// limit, a failure, or a stopped run after max_steps) is left at its next lockstep call without
// running further, as a failed check leaves a handler: objects in its frames are not destroyed.
// An exception that leaves the body, or a failed LOCKSTEP_CHECK in it, ends the run as in a
// handler. Misuse (ends the run): an empty body; more live external threads in a simulation
// than its cores leave room for (cores + external threads at most 63). Throws
// std::system_error when the system cannot start a thread.
void external_thread_start(std::function<void()> body);
// Lets others run: on the real backend the OS's turn (std::this_thread::yield); in the
// simulator a point of the schedule (a body that waits for a flag calls it in its loop, so that
// the cores can run meanwhile). Elsewhere nothing.
void external_thread_yield() noexcept;

namespace detail {
// The failure path of LOCKSTEP_CHECK, in two calls. check_message copies the failure's text (the
// message, the condition and the place) into storage of the calling thread and returns, so that
// the temporaries of the message's expression (a std::string built in the check) are destroyed
// at the end of the statement that made them; check_end then ends the running event with that
// text and never returns. The failure leaves the handler's frames without unwinding them, so a
// temporary still alive at that point would never be freed.
void check_message(const char* condition, const char* message, const char* file,
                   int line) noexcept;
void check_message(const char* condition, const std::string& message, const char* file,
                   int line) noexcept;
[[noreturn]] void check_end() noexcept;
// Both at once, for a message that owns no memory (a C string): ends the running event at once.
[[noreturn]] void check_failed(const char* condition, const char* message, const char* file,
                               int line) noexcept;
}  // namespace detail

}  // namespace lockstep

// A checked invariant in application code, on in every build. A failure ends the running event
// at once (the rest of the handler does not run, also through C frames: the simulator leaves
// it with longjmp, so objects with destructors in the failing handler's frames are not
// destroyed). Simulator: the run ends with outcome::failed and the message. Real backend: the
// message, then abort. `msg` is a C string or a std::string, evaluated only when the check
// fails; it is copied, and its temporaries destroyed, before the handler is left, so that a
// message built in the check (LOCKSTEP_CHECK(ok, "bad " + std::to_string(n))) costs no memory.
#define LOCKSTEP_CHECK(cond, msg)                                           \
  do {                                                                      \
    if (!(cond)) [[unlikely]] {                                             \
      ::lockstep::detail::check_message(#cond, (msg), __FILE__, __LINE__);  \
      ::lockstep::detail::check_end();                                      \
    }                                                                       \
  } while (0)
