/* The spdk_thread example: an SPDK-style module ("counter") with an io_device, one io_channel per
 * worker spdk_thread, and a teardown by spdk_for_each_channel.
 *
 *   start (app_thread): registers the counter io_device, creates `workers` spdk_threads on the
 *     cores other than the first (round-robin, through a cpumask), and starts each: the worker
 *     gets its channel and registers a poller that submits one I/O per call.
 *   after `run_us` microseconds the app_thread tears the module down: spdk_for_each_channel
 *     visits each worker's channel on its thread (stop the poller, collect the channel's counts,
 *     put the channel, exit the thread); its completion unregisters the io_device; the
 *     unregister callback frees the device and reaps the exited workers; then spdk_app_stop(0).
 *
 * Two builds: "racy", where each I/O's completion is counted by a message to the app_thread, and
 * "fixed", where it is counted in the worker's own channel (see docs/spdk_compat.md). The module
 * checks what it relies on with LOCKSTEP_C_CHECK. Its state is process-wide (as an SPDK
 * module's): one run at a time per process. */
#ifndef SPDK_THREAD_APP_H
#define SPDK_THREAD_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct spdk_thread_app_config {
  uint32_t workers; /* worker spdk_threads (1..16) */
  uint32_t run_us;  /* microseconds of I/O before the teardown starts */
};

/* What the run did, read after it returned. */
struct spdk_thread_app_report {
  uint32_t workers_created;
  uint32_t workers_destroyed;
  uint32_t channels_created;   /* create_cb calls */
  uint32_t channels_destroyed; /* destroy_cb calls */
  uint32_t unregister_cbs;     /* the io_device's unregister callback */
  uint32_t teardown_turns;     /* spdk_for_each_channel visits */
  uint64_t submitted;          /* I/Os submitted, summed by the teardown walk */
  uint64_t completed;          /* I/Os whose completion the module counted */
};

struct spdk_thread_app {
  const char *variant; /* "racy" or "fixed" */
  /* The start function for spdk_app_start / run_sim; ctx: struct spdk_thread_app_config *. */
  void (*start)(void *ctx);
  void (*report)(struct spdk_thread_app_report *out);
  /* After the run: 0 when every submitted I/O was counted as completed, every channel destroyed,
   * the unregister callback ran once and every worker was destroyed; else -1 and why[]. */
  int (*verify)(char *why, size_t why_size);
  /* Resets the module's state (call after report/verify, before the next run). */
  void (*reset)(void);
};

extern const struct spdk_thread_app spdk_thread_app_racy;
extern const struct spdk_thread_app spdk_thread_app_fixed;

#ifdef __cplusplus
}
#endif

#endif /* SPDK_THREAD_APP_H */
