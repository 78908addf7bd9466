// The application frame's process-wide record (spdk_app_start): which cores the application
// runs on, its main core and shutdown callback, kept after spdk_app_start returns so that core
// enumeration stays valid (SPDK programs print per-core figures after spdk_app_fini).
//
// Threading: written only by spdk_app_start on the calling (main) thread, before the run starts
// and after it ends; read by reactors during the run (main core, shutdown callback) and by
// anyone outside it. The run's threads start after the writes and end before the next ones.
#pragma once

#include "spdk/event.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::spdk_compat::detail {

struct app_frame {
  std::vector<uint32_t> cores;            // increasing; empty before the first spdk_app_start
  uint32_t main_core = UINT32_MAX;
  int shm_id = -1;
  spdk_app_shutdown_cb shutdown_cb = nullptr;
  bool running = false;                   // between the start of the run and its end
};

app_frame& frame() noexcept;

// The backends of spdk_app_start, after the options were checked and the frame recorded.
// `lcores` is the reactor mask's lcores (increasing). Each returns spdk_app_start's result.
int run_app_on_real(const spdk_app_opts& opts, const std::vector<uint32_t>& lcores,
                    spdk_msg_fn start_fn, void* ctx);
int run_app_in_sim(const spdk_app_opts& opts, const std::vector<uint32_t>& lcores,
                   spdk_msg_fn start_fn, void* ctx);

// The application's name for log lines.
inline const char* app_name(const spdk_app_opts& opts) noexcept {
  return opts.name != nullptr ? opts.name : "app";
}

}  // namespace lockstep::spdk_compat::detail
