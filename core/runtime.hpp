// The runtime: one application run's reactors and the backend parts they run on. The public
// API (api.cpp) reaches the runtime that is active; a backend's run() activates its runtime for
// the duration of the run, so that one process may link both backends.
#pragma once

#include "backend.hpp"
#include "limits.hpp"
#include "reactor.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lockstep::core {

struct parts {
  event_pool* pool = nullptr;
  transport* queues = nullptr;
  clock* clk = nullptr;
  scheduling* sched = nullptr;
  observer* obs = nullptr;  // optional
};

class runtime;

// A thread that the backend runs for lockstep::external_thread_start and schedules itself (the
// simulator: such a thread runs only while it holds the baton, and each of its API calls is a
// choice of the schedule). The thread has no active runtime, so that the API's common path pays
// nothing for it: its calls take the API's cold path, which asks the gate to wait for the
// thread's turn (enter) and then makes the call on the runtime it returns.
class external_gate {
 public:
  virtual ~external_gate() = default;
  // Returns once the calling thread may go on (the runtime to call), or leaves the thread's
  // body for good when the run is over (it never returns then).
  virtual runtime* enter() noexcept = 0;
  // The runtime, at once (a failed check on the thread ends the run without waiting).
  virtual runtime* owner() noexcept = 0;
};
// The calling thread's gate (nullptr: none), set by the backend on the thread it started.
void set_external_gate(external_gate* gate) noexcept;
external_gate* external_gate_of_thread() noexcept;

// The backend-typed entry points of the hot path (see hot_path.hpp): a runtime reaches its
// backend's parts through them, one indirect call per API call, and they call the backend's
// concrete classes directly (no virtual call inside).
// The runtime comes last: event_allocate and event_call receive their arguments in the
// registers these take them in, and only add the runtime (and the name), with no shuffling.
struct hot_path {
  event* (*allocate)(uint32_t core, event_fn fn, void* arg1, void* arg2, const char* name,
                     runtime& rt) noexcept;
  void (*call)(event* ev, runtime& rt) noexcept;
};

namespace detail {
// The runtime the API reaches (see runtime.cpp). Declared here so that runtime::active(), on
// the path of every API call, inlines; constinit lets a thread_local be read without a wrapper.
extern std::atomic<runtime*> g_active_runtime;
// The initial-exec TLS model: the library is compiled as position-independent code, where the
// default (general-dynamic) model makes every access a call to __tls_get_addr as far as the
// compiler knows — the linker turns it into a plain %fs access in an executable, but too late:
// the compiler has already saved and restored registers around the "call" on every API call.
// Initial-exec reads the variables straight from the thread pointer; it holds for the
// executable and the libraries loaded with it (a library dlopen'ed later still finds them in
// the static TLS reserve, as these are a few bytes).
#define LOCKSTEP_HOT_TLS __attribute__((tls_model("initial-exec")))
extern thread_local constinit runtime* t_active_runtime LOCKSTEP_HOT_TLS;
// The reactor index running on this thread and that reactor's core id, or no_core for both
// (see set_current_reactor). One object, so that a backend sets both with one store; the
// public current_core() reads the core id alone (no_core outside a run too, since a backend
// resets both when its reactor stops running here).
struct current_ids {
  uint32_t reactor;
  uint32_t core;
};
extern thread_local constinit current_ids t_current LOCKSTEP_HOT_TLS;
}  // namespace detail

// The reactor index running the calling code, or no_core outside a reactor. A backend sets it,
// with that reactor's core id, on the thread that runs a reactor (the simulator around each
// step, the real backend once per lcore thread) and resets both to no_core when the reactor
// stops running there. Core-owned and thread-local so that the API path reads it without a
// call into the backend.
inline uint32_t current_reactor() noexcept { return detail::t_current.reactor; }
inline void set_current_reactor(uint32_t index, uint32_t core) noexcept {
  detail::t_current = {index, core};
}

// A runtime's reactors in one block: one allocation per run rather than one aligned allocation
// each (a short simulator run paid about 2k instructions for those), each reactor on lines of
// its own, 128 bytes apart at least (the adjacent-line prefetch never couples two reactors).
// Reached through a table of their addresses, as they were one allocation each: the step's
// lookup stays one load from the table (an index times the stride would cost an instruction
// more per simulated step).
class reactor_block {
 public:
  static constexpr size_t stride = (sizeof(reactor) + 127) / 128 * 128;
  reactor_block() = default;
  ~reactor_block();
  reactor_block(const reactor_block&) = delete;
  reactor_block& operator=(const reactor_block&) = delete;
  // Makes reactor(rt, i) for i < count (once).
  void make(runtime& rt, uint32_t count);
  uint32_t size() const noexcept { return static_cast<uint32_t>(at_.size()); }
  reactor* operator[](uint32_t i) const noexcept { return at_[i]; }

 private:
  std::byte* bytes_ = nullptr;
  std::vector<reactor*> at_;  // the reactors made so far
};

class runtime {
 public:
  // core_ids: strictly increasing core ids (< core_id_count), one reactor each, indexed densely.
  runtime(const std::vector<uint32_t>& core_ids, const parts& p);
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  // Makes this the runtime the API reaches: from every thread (scope::process, for backends
  // whose reactors are threads) or from the calling thread only (scope::thread, for the
  // single-threaded simulator, so that simulations can run in parallel threads). False when a
  // runtime is already active for the calling thread.
  enum class scope { process, thread };
  bool activate(scope s) noexcept;
  void deactivate() noexcept;
  // For a runtime active with scope::thread whose reactors run on other threads too (the
  // simulator's thread_per_core): makes it the runtime the API reaches from the calling thread,
  // and undoes that. The thread that activated it keeps it.
  void enter_thread() noexcept { detail::t_active_runtime = this; }
  void leave_thread() noexcept {
    if (detail::t_active_runtime == this) detail::t_active_runtime = nullptr;
  }
  // True while some runtime is active with scope::thread (a simulation runs in this process,
  // on other threads than the caller's when active() is null).
  static bool thread_scoped_running() noexcept;
  static runtime* active() noexcept {
    runtime* rt = detail::t_active_runtime;
    return rt != nullptr ? rt : detail::g_active_runtime.load(std::memory_order_acquire);
  }

  // The hot path of this runtime: hot_path_for<backend_types<...>>() (hot_path.hpp) of the
  // backend's concrete parts; until a backend sets it, the generic one (virtual calls).
  void use_hot_path(const hot_path& h) noexcept { hot_ = h; }

  // The public API, for the active runtime.
  event* allocate(uint32_t core, event_fn fn, void* arg1, void* arg2, const char* name) noexcept {
    return hot_.allocate(core, fn, arg1, arg2, name, *this);
  }
  void call(event* ev) noexcept { hot_.call(ev, *this); }
  // The bodies of allocate and call, for a backend whose parts have the types of B (a
  // backend_types<...>): defined in hot_path.hpp.
  template <class B>
  static event* allocate_as(uint32_t core, event_fn fn, void* arg1, void* arg2,
                            const char* name, runtime& rt) noexcept;
  template <class B>
  static void call_as(event* ev, runtime& rt) noexcept;
  uint32_t core_count() const noexcept { return static_cast<uint32_t>(reactors_.size()); }
  uint32_t first_core() const noexcept { return core_ids_.front(); }
  uint32_t next_core(uint32_t core) const noexcept;
  poller* poller_register(poller_fn fn, void* arg, uint64_t period_us) noexcept;
  void poller_unregister(poller** p) noexcept;
  uint64_t now_ns() const noexcept;
  void stop(int rc) noexcept;
  [[noreturn]] void fail(const char* message) noexcept {
    parts_.sched->fail(message);
    std::abort();  // a backend's fail never returns; should one, nothing may continue
  }

  // A unit (an event's or a poller's function) was left by an exception; `message` says which
  // and what (core/uncaught_exception.hpp). Ends the run as fail does.
  [[noreturn]] void unit_threw(const char* message) noexcept {
    parts_.sched->unit_threw(message);
    std::abort();  // as fail
  }

  bool stop_requested() const noexcept { return stopped_.load(std::memory_order_relaxed); }
  int stop_rc() const noexcept { return rc_.load(std::memory_order_relaxed); }

  // Called by a backend's run() when no reactor runs anymore: drops every queued event of every
  // reactor (returned to the pool) and returns how many were dropped.
  uint64_t drop_queued() noexcept;

  reactor& at(uint32_t index) noexcept { return *reactors_[index]; }
  uint32_t reactor_of(uint32_t core) const noexcept {  // no_core when not a reactor core
    return core < core_id_count ? index_of_core_[core] : no_core;
  }
  uint32_t core_of(uint32_t index) const noexcept { return core_ids_[index]; }
  const parts& backend() const noexcept { return parts_; }
  // event_allocate from a thread that is not a reactor (an external thread): after app_stop it
  // returns nullptr (counted), so that such a thread's loop finds its end; otherwise as
  // allocate.
  event* allocate_external(uint32_t core, event_fn fn, void* arg1, void* arg2,
                           const char* name) noexcept {
    if (stop_requested()) [[unlikely]] return allocate_failed(no_core, core, fn, name, false);
    return allocate(core, fn, arg1, arg2, name);
  }
  // Allocation failures on threads that are not reactors.
  uint64_t external_alloc_failures() const noexcept {
    return external_alloc_failures_.load(std::memory_order_relaxed);
  }

  // State that a layer above the API keeps for one run (spdk_compat's threads and io_devices):
  // made by `make` on first use, from whichever thread asks first, owned by the runtime and
  // destroyed with it, so that every run starts clean and nothing outlives its run. One slot:
  // the first `make` wins; later callers get its attachment whatever `make` they pass.
  struct attachment {
    virtual ~attachment() = default;
  };
  attachment* attached(attachment* (*make)(runtime& rt)) noexcept;

 private:
  // The pieces of allocate_as (hot_path.hpp): the whole allocation, in line or (uncached) out
  // of line; the event filled in and lent; the observer's note in line, its record out of line.
  template <class B>
  static event* allocate_body(uint32_t core, event_fn fn, void* arg1, void* arg2,
                              const char* name, runtime& rt) noexcept;
  template <class B>
  static event* allocate_uncached(uint32_t core, event_fn fn, void* arg1, void* arg2,
                                  const char* name, runtime& rt) noexcept;
  template <class B>
  static event* lend(runtime& rt, uint32_t self, uint32_t target, event* ev, event_fn fn,
                     void* arg1, void* arg2, const char* name) noexcept;
  template <class B>
  static event* allocated(runtime& rt, uint32_t self, event* ev) noexcept;
  template <class B>
  static event* allocated_recorded(runtime& rt, uint32_t self, event* ev) noexcept;
  template <class B>
  static void call_recorded(event* ev, runtime& rt, uint32_t self) noexcept;

  // The cold ends of allocate_as and call_as, out of line.
  event* allocate_failed(uint32_t self, uint32_t core, event_fn fn, const char* name,
                         bool invalid_core) noexcept;
  [[noreturn]] void call_misuse(const event* ev) noexcept;

  parts parts_;
  hot_path hot_;
  std::vector<uint32_t> core_ids_;
  uint32_t index_of_core_[core_id_count];
  reactor_block reactors_;
  bool thread_scoped_ = false;  // activated with scope::thread and not deactivated yet
  std::atomic<bool> stopped_{false};
  std::atomic<int> rc_{0};
  std::atomic<uint64_t> external_alloc_failures_{0};
  std::atomic<attachment*> attachment_{nullptr};
  std::mutex attachment_mutex_;
};

}  // namespace lockstep::core
