// The C11 test application (c_app.c): what the C++ tests read back after a run.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct c_app_result {
  uint32_t cores_seen;        // SPDK_ENV_FOREACH_CORE iterations
  uint32_t last_core;         // spdk_env_get_last_core
  // Per core (written by that core only, so that the real backend's cores do not race):
  uint32_t events_run[128];        // on_core events run (three per core: macro, function,
                                   // function through its address)
  uint32_t events_wrong_core[128]; // on_core ran elsewhere than its target
  uint32_t poller_runs;
  uint64_t ticks_hz;
  int poller_unregistered;    // the poller set itself to NULL
};

extern struct c_app_result g_c_app;
// Start function: sends on_core to every core twice (macro, and the function through its
// address), runs a poller that unregisters itself after 3 runs, logs at every level, and calls
// spdk_app_stop(7) when everything has run.
void c_app_start(void* ctx);
// Start function: calls spdk_event_call(NULL) (misuse).
void c_app_call_null(void* ctx);
// Start function: LOCKSTEP_C_CHECK(1 == 2, ...) fails.
void c_app_check_fails(void* ctx);

// spdk_mempool, spdk_ring and spdk_spinlock used from C, outside a run: 0, or the step that
// went wrong.
int c_app_env_pools(void);

#ifdef __cplusplus
}
#endif
