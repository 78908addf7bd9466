// The compat logger's per-thread print level, for run_sim (not part of the public headers).
#pragma once

#include "spdk/log.h"

namespace lockstep::spdk_compat::detail {

// While alive, the calling thread prints at `level` instead of the process's print level.
class thread_print_level {
 public:
  explicit thread_print_level(spdk_log_level level) noexcept;
  ~thread_print_level();
  thread_print_level(const thread_print_level&) = delete;
  thread_print_level& operator=(const thread_print_level&) = delete;

 private:
  int saved_;
};

// The calling thread prints at `level` from now on (for a thread that ends with its run, such as
// a simulated core's under thread_per_core: nothing to restore).
void set_thread_print_level(spdk_log_level level) noexcept;

}  // namespace lockstep::spdk_compat::detail
