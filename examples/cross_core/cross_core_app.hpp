// The cross-core request/response example: core 0 submits tasks round-robin over every core,
// each task is computed on its target core and its result comes back to its origin core; when
// every task has completed, a graceful shutdown asks every core's component to finish and ends
// in app_stop(0). Allocation failures are expected and handled by retrying from pollers, so the
// application completes under any interleaving and any pattern of allocation failures.
//
// Backend-neutral: it uses only <lockstep/lockstep.hpp>, so the same code runs in the simulator
// and on DPDK lcores.
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace cross_core {

struct config {
  uint32_t tasks = 64;           // tasks submitted by core 0
  uint32_t window = 16;          // tasks in flight at most
  uint64_t retry_period_us = 5;  // how often pollers retry what allocation refused
  // When a task's request cannot be allocated: false (default) retries it later; true completes
  // the task at once on its origin with status -ENOMEM (fail fast, as a caller with a deadline
  // would want).
  bool enomem_completes = false;
};

struct task {
  uint32_t id = 0;
  uint32_t origin = lockstep::no_core;
  uint32_t target = lockstep::no_core;
  uint64_t input = 0;
  uint64_t result = 0;
  int status = 0;                // 0, -ENOMEM (enomem_completes) or -ECANCELED (shutdown request)
  uint32_t completions = 0;      // how often the origin saw it complete (must end at 1)
  uint32_t completed_on = lockstep::no_core;
};

struct core_state;

// All state of one application run. Create one per run; inspect it after the run returns.
class app {
 public:
  explicit app(config cfg);
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  // The start function: pass [&a] { a.start(); } to a backend's run().
  void start();

  // A shutdown request (a backend's shutdown_cb: SIGINT on the real backend, an injected request
  // in the simulator), on the origin core: tasks not yet submitted complete with -ECANCELED,
  // tasks in flight complete normally, then the graceful shutdown runs as after the last task.
  // Acts on the app started last on this thread; a request before start or after the final
  // callback is ignored.
  static void shutdown_request();

  const config& cfg() const { return cfg_; }
  const std::vector<task>& tasks() const { return tasks_; }
  uint32_t completed() const { return completed_; }
  uint32_t final_callbacks() const { return final_callbacks_; }
  // Application handlers (events and pollers) that ran after the final callback: must stay 0,
  // since the final callback stops the application.
  uint32_t handlers_after_final() const { return handlers_after_final_; }
  // Tasks processed per core id (the round-robin's fairness).
  std::vector<uint32_t> processed_per_core() const;
  // True when the run did what the application promises: every task completed exactly once on
  // its origin core with the right result (or with -ENOMEM / -ECANCELED as configured and
  // requested), the shutdown ran its final callback once, and no handler ran after it.
  bool complete_and_correct() const;

  static uint64_t compute(uint64_t input);  // the "work" done on the target core

 private:
  friend struct handlers;
  config cfg_;
  std::vector<task> tasks_;
  std::vector<std::unique_ptr<core_state>> cores_;  // by core id
  uint32_t origin_ = lockstep::no_core;
  uint32_t next_submit_ = 0;
  uint32_t in_flight_ = 0;
  uint32_t completed_ = 0;
  uint32_t next_core_ = lockstep::no_core;  // round-robin cursor
  bool shutdown_started_ = false;
  uint32_t components_running_ = 0;
  uint32_t final_callbacks_ = 0;
  uint32_t handlers_after_final_ = 0;
  lockstep::poller* driver_ = nullptr;
};

}  // namespace cross_core
