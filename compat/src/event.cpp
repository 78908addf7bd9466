// spdk/event.h, spdk/env.h, spdk/thread.h and lockstep/spdk_check.h onto lockstep's API.
#include "spdk/event.h"

#include "lockstep/spdk_check.h"

#include "app_frame.hpp"

#include <lockstep/lockstep.hpp>
#include <lockstep/spdk_compat.hpp>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

namespace {

lockstep::event* to_lockstep(spdk_event* ev) noexcept {
  return reinterpret_cast<lockstep::event*>(ev);
}
spdk_event* to_spdk(lockstep::event* ev) noexcept { return reinterpret_cast<spdk_event*>(ev); }
}  // namespace

extern "C" {

// The parentheses keep the function-like macros of spdk/event.h from expanding here.
struct spdk_event*(spdk_event_allocate)(uint32_t lcore, spdk_event_fn fn, void* arg1,
                                        void* arg2) {
  return to_spdk(lockstep::event_allocate(lcore, fn, arg1, arg2));
}

struct spdk_event* lockstep_spdk_event_allocate_named(uint32_t lcore, spdk_event_fn fn,
                                                      void* arg1, void* arg2,
                                                      const char* fn_name) {
  return to_spdk(lockstep::event_allocate_named(lcore, fn, arg1, arg2, fn_name));
}

void lockstep_spdk_event_call_at(struct spdk_event* event, const char* file, int line,
                                 const char* func) {
  // Inside a run a NULL event is the classic unchecked allocation: name the caller, not this
  // file. Outside a run lockstep's own refusal applies.
  if (event == nullptr && lockstep::core_count() != 0) {
    // The failure path leaves this frame without unwinding it: the message may not own heap
    // memory, so it lives in a per-thread buffer.
    thread_local char msg[512];
    std::snprintf(msg, sizeof msg,
                  "spdk_event_call(NULL) in %s(): spdk_event_allocate returned NULL (pool "
                  "exhausted or allocation fault injected) and the caller did not check it",
                  func != nullptr ? func : "?");
    lockstep::detail::check_failed("event != NULL", msg, file != nullptr ? file : "?", line);
  }
  lockstep::event_call(to_lockstep(event));
}

void(spdk_event_call)(struct spdk_event* event) {
  lockstep_spdk_event_call_at(event, "?", 0, "?");
}

uint32_t spdk_env_get_current_core(void) { return lockstep::current_core(); }

// Inside a run: the running backend's cores. Outside: those of the last spdk_app_start (kept after
// it returns, as SPDK's env keeps its cores after spdk_app_fini), or none before the first.
uint32_t spdk_env_get_core_count(void) {
  if (const uint32_t n = lockstep::core_count(); n != 0) return n;
  return static_cast<uint32_t>(lockstep::spdk_compat::detail::frame().cores.size());
}

uint32_t spdk_env_get_first_core(void) {
  if (lockstep::core_count() != 0) return lockstep::first_core();
  const auto& cores = lockstep::spdk_compat::detail::frame().cores;
  return cores.empty() ? lockstep::no_core : cores.front();
}

uint32_t spdk_env_get_next_core(uint32_t prev_core) {
  if (lockstep::core_count() != 0) return lockstep::next_core(prev_core);
  for (uint32_t c : lockstep::spdk_compat::detail::frame().cores)
    if (c > prev_core && prev_core != lockstep::no_core) return c;
  return lockstep::no_core;
}

uint32_t spdk_env_get_last_core(void) {
  uint32_t last = lockstep::no_core;
  for (uint32_t c = spdk_env_get_first_core(); c != lockstep::no_core;
       c = spdk_env_get_next_core(c))
    last = c;
  return last;
}

// lockstep's ticks are nanoseconds on both backends, so that tick arithmetic in application
// code means the same thing in the simulator and on hardware.
uint64_t spdk_get_ticks(void) { return lockstep::now_ns(); }
uint64_t spdk_get_ticks_hz(void) { return 1'000'000'000; }

// The poller functions live in poller.cpp (bound to the calling spdk_thread).

void spdk_app_stop(int rc) { lockstep::app_stop(rc); }

void lockstep_c_check_failed(const char* condition, const char* message, const char* file,
                             int line) {
  lockstep::detail::check_failed(condition, message, file, line);
}

int spdk_app_parse_core_mask(const char* mask, struct spdk_cpuset* cpumask) {
  std::string error;
  const std::vector<uint32_t> cores = lockstep::spdk_compat::parse_reactor_mask(mask, &error);
  if (cores.empty() || cpumask == nullptr) return -1;
  spdk_cpuset_zero(cpumask);
  for (const uint32_t core : cores) spdk_cpuset_set_cpu(cpumask, core, true);
  return 0;
}

const struct spdk_cpuset* spdk_app_get_core_mask(void) {
  thread_local spdk_cpuset mask;
  spdk_cpuset_zero(&mask);
  if (lockstep::core_count() != 0) {
    for (uint32_t c = lockstep::first_core(); c != lockstep::no_core; c = lockstep::next_core(c))
      spdk_cpuset_set_cpu(&mask, c, true);
  } else {
    for (const uint32_t c : lockstep::spdk_compat::detail::frame().cores)
      spdk_cpuset_set_cpu(&mask, c, true);
  }
  return &mask;
}

namespace {
std::atomic<bool> g_context_switch_monitor{true};  // SPDK's default: on
}  // namespace

void spdk_framework_enable_context_switch_monitor(bool enabled) {
  g_context_switch_monitor.store(enabled, std::memory_order_relaxed);
}
bool spdk_framework_context_switch_monitor_enabled(void) {
  return g_context_switch_monitor.load(std::memory_order_relaxed);
}

bool spdk_interrupt_mode_is_enabled(void) { return false; }

}  // extern "C"
