// The public API: each call reaches the active runtime, or refuses outside a run.
#include "runtime.hpp"

#include <lockstep/lockstep.hpp>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lockstep {
namespace {

// Returns `value`, so that callers return its result: a tail call, which spares the API's
// common path the registers it would otherwise save around a call it almost never makes.
template <class T>
[[gnu::noinline, gnu::cold]] T refuse(const char* call, const char* answer, T value) noexcept {
  if (core::runtime::thread_scoped_running()) {
    // A simulation runs, but not on this thread: a thread the program started itself, which
    // the simulator cannot schedule. lockstep::external_thread_start starts one it can.
    std::fprintf(stderr,
                 "lockstep: %s called outside a run (from a thread that is not one of the "
                 "simulation's cores: the simulator schedules only its cores and the threads "
                 "started with lockstep::external_thread_start "
                 "(lockstep_external_thread_start in C), not a thread the program starts "
                 "itself; start it with lockstep::external_thread_start, which both backends "
                 "run; see docs/exploration.md); %s\n",
                 call, answer);
    return value;
  }
  std::fprintf(stderr, "lockstep: %s called outside a run (no backend's run() is executing); %s\n",
               call, answer);
  return value;
}

[[gnu::noinline, gnu::cold]] void refuse(const char* call, const char* answer) noexcept {
  (void)refuse<int>(call, answer, 0);
}

// The runtime for a thread without an active runtime: an external thread that its backend
// schedules (core::external_gate) gets it once its turn comes; any other thread gets nullptr.
[[gnu::noinline, gnu::cold]] core::runtime* outside() noexcept {
  core::external_gate* gate = core::external_gate_of_thread();
  return gate == nullptr ? nullptr : gate->enter();
}

[[gnu::noinline, gnu::cold]] event* allocate_outside(uint32_t core, event_fn fn, void* arg1,
                                                     void* arg2, const char* fn_name) noexcept {
  if (core::runtime* rt = outside()) return rt->allocate_external(core, fn, arg1, arg2, fn_name);
  return refuse<event*>("event_allocate", "returning nullptr", nullptr);
}

}  // namespace

event* event_allocate(uint32_t core, event_fn fn, void* arg1, void* arg2) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] return allocate_outside(core, fn, arg1, arg2, nullptr);
  return rt->allocate(core, fn, arg1, arg2, nullptr);
}

event* event_allocate_named(uint32_t core, event_fn fn, void* arg1, void* arg2,
                            const char* fn_name) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] return allocate_outside(core, fn, arg1, arg2, fn_name);
  return rt->allocate(core, fn, arg1, arg2, fn_name);
}

void event_call(event* ev) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] {
    rt = outside();
    if (rt == nullptr) return refuse("event_call", "the event is not run");
  }
  rt->call(ev);
}

// The running reactor's core id as the backend set it (core::set_current_reactor): no_core
// outside a reactor and outside a run, without reaching the runtime.
uint32_t current_core() noexcept { return core::detail::t_current.core; }

uint32_t core_count() noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) rt = outside();
  return rt == nullptr ? 0 : rt->core_count();
}

uint32_t first_core() noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) rt = outside();
  return rt == nullptr ? no_core : rt->first_core();
}

uint32_t next_core(uint32_t core) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) rt = outside();
  return rt == nullptr ? no_core : rt->next_core(core);
}

poller* poller_register(poller_fn fn, void* arg, uint64_t period_us) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] rt = outside();
  if (rt == nullptr) [[unlikely]] {
    refuse("poller_register", "returning nullptr");
    return nullptr;
  }
  return rt->poller_register(fn, arg, period_us);
}

void poller_unregister(poller** p) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] rt = outside();
  if (rt == nullptr) [[unlikely]] {
    refuse("poller_unregister", "nothing done");
    return;
  }
  rt->poller_unregister(p);
}

uint64_t now_ns() noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) rt = outside();
  return rt == nullptr ? 0 : rt->now_ns();
}

void app_stop(int rc) noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) [[unlikely]] rt = outside();
  if (rt == nullptr) [[unlikely]] {
    refuse("app_stop", "nothing done");
    return;
  }
  rt->stop(rc);
}

void external_thread_start(std::function<void()> body) {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) rt = outside();
  if (rt == nullptr) return refuse("external_thread_start", "no thread started");
  if (!body) rt->fail("external_thread_start: the body is empty (there is nothing to run)");
  rt->backend().sched->start_external_thread(std::move(body));
}

void external_thread_yield() noexcept {
  // A thread the backend does not schedule itself (the real backend's): the OS's turn.
  if (core::runtime* rt = core::runtime::active()) return rt->backend().sched->yield_external_thread();
  // The simulator's external thread: a choice of the schedule; elsewhere nothing to do.
  (void)outside();
}

namespace detail {
namespace {

// The text of the failing check, between check_message and check_end. Per thread (a simulation
// runs on its thread; every lcore fails on its own), reused from one failure to the next: the
// failure path leaves the handler's frames without unwinding them, so the text may live
// nowhere in them.
thread_local std::string t_check_text;

}  // namespace

void check_message(const char* condition, const char* message, const char* file,
                   int line) noexcept {
  std::string& text = t_check_text;
  text = message != nullptr ? message : "";
  text += " [LOCKSTEP_CHECK(";
  text += condition;
  text += ") at ";
  text += file;
  text += ":";
  text += std::to_string(line);
  text += "]";
}

void check_message(const char* condition, const std::string& message, const char* file,
                   int line) noexcept {
  check_message(condition, message.c_str(), file, line);
}

void check_end() noexcept {
  core::runtime* rt = core::runtime::active();
  // An external thread the backend schedules holds its turn while its code runs: it fails now.
  if (core::external_gate* gate = core::external_gate_of_thread(); rt == nullptr && gate)
    rt = gate->owner();
  if (rt == nullptr) {
    std::fprintf(stderr, "lockstep: check failed outside a run: %s\n", t_check_text.c_str());
    std::abort();
  }
  // The backend copies the text before it leaves this frame (core::scheduling::fail).
  rt->fail(t_check_text.c_str());
}

void check_failed(const char* condition, const char* message, const char* file,
                  int line) noexcept {
  check_message(condition, message, file, line);
  check_end();
}

}  // namespace detail
}  // namespace lockstep
