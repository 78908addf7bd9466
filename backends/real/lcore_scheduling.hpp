// Who is running on the DPDK backend, and what a failure does there.
//
// Each lcore's thread records its reactor index (and core id) with core::set_current_reactor
// while its reactor runs; every other thread (and an lcore outside a run) is no_core. A failure
// cannot abandon the running event on a real core: it prints the message and aborts, as
// LOCKSTEP_CHECK promises. Threads started with lockstep::external_thread_start are plain OS
// threads that the backend joins at the end of the run.
#pragma once

#include "../../core/backend.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lockstep::real {

class lcore_scheduling final : public core::scheduling {
 public:
  // Called by fail and unit_threw before the message is printed (options::record: the recording
  // is written first); on the failing thread, with the message. nullptr: none.
  void set_failure_hook(void (*hook)(void* ctx, const char* message) noexcept, void* ctx) noexcept {
    failure_hook_ = hook;
    failure_ctx_ = ctx;
  }
  [[noreturn]] void fail(const char* message) noexcept override;
  [[noreturn]] void unit_threw(const char* message) noexcept override;
  void on_stop(int /*rc*/) noexcept override {}  // every reactor loop polls the stop flag
  // An OS thread running `body`; its events go through the targets' multi-producer rings (it is
  // no reactor: current_reactor() is no_core on it). run() joins it (join_external_threads).
  void start_external_thread(std::function<void()> body) override;
  void yield_external_thread() noexcept override { std::this_thread::yield(); }
  // Once every lcore has stopped: waits until every external thread started in the run (also
  // those started meanwhile by external threads) has returned. Returns how many there were.
  uint32_t join_external_threads() noexcept;

 private:
  void (*failure_hook_)(void* ctx, const char* message) noexcept = nullptr;
  void* failure_ctx_ = nullptr;
  std::mutex external_mutex_;
  std::vector<std::thread> external_;  // started and not joined yet
};

}  // namespace lockstep::real
