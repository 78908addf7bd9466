/* spdk/event.h (lockstep compatibility): events between reactor cores, and the application
 * frame (spdk_app_opts, spdk_app_start, spdk_app_stop).
 *
 * Events map onto lockstep::event_allocate / lockstep::event_call with lockstep's guarantees:
 * an event runs exactly once, later (never inline), on its target core; events from one core
 * to one core run in call order; nothing else about order is promised. */
#ifndef LOCKSTEP_SPDK_EVENT_H
#define LOCKSTEP_SPDK_EVENT_H

#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/log.h"
#include "spdk/thread.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The function an event runs on its target core. */
typedef void (*spdk_event_fn)(void *arg1, void *arg2);

struct spdk_event; /* opaque: owned by lockstep's pool, lent between allocate and call */

/* Takes an event from the backend's finite pool, to run fn(arg1, arg2) on core `lcore`.
 * Returns NULL when the pool is exhausted, when the simulator injects an allocation failure,
 * or when lcore is not a reactor core: check it. The caller owns the event until
 * spdk_event_call. Callable from any core.
 *
 * The macro form records the function's spelling for traces (a trace shows
 * "process_task_on_core", not an address); the function of the same name exists too, so its
 * address can be taken: (spdk_event_allocate)(...) or &spdk_event_allocate. */
struct spdk_event *spdk_event_allocate(uint32_t lcore, spdk_event_fn fn, void *arg1, void *arg2);
struct spdk_event *lockstep_spdk_event_allocate_named(uint32_t lcore, spdk_event_fn fn,
                                                      void *arg1, void *arg2,
                                                      const char *fn_name);
#define spdk_event_allocate(lcore, fn, arg1, arg2) \
  lockstep_spdk_event_allocate_named((lcore), (fn), (arg1), (arg2), #fn)

/* Hands the event over; it runs once on its target core, later. After spdk_app_stop it may be
 * dropped instead (counted, returned to the pool).
 * Misuse ends the run as a failed check (simulator: outcome failed, with a message naming the
 * call site; real backend: the message, then abort): event == NULL (an unchecked failed
 * spdk_event_allocate), an event called twice.
 * The macro form passes the call site for that message; the function exists too. */
void spdk_event_call(struct spdk_event *event);
void lockstep_spdk_event_call_at(struct spdk_event *event, const char *file, int line,
                                 const char *func);
#define spdk_event_call(event) lockstep_spdk_event_call_at((event), __FILE__, __LINE__, __func__)

/* What the application frame calls on a shutdown request (SIGINT/SIGTERM on the real backend;
 * an injected request in the simulator), as an event on the main core. */
typedef void (*spdk_app_shutdown_cb)(void);

/* The application frame's options. Initialize with spdk_app_opts_init, then set fields.
 * Fields the lockstep backends do not use are accepted and ignored (see each). */
struct spdk_app_opts {
  const char *name;             /* the application's name: log lines of spdk_app_start */
  const char *reactor_mask;     /* cores to run reactors on: "0x3" (hex mask), "[0-1,3]" or
                                   "0-1,3" (lcore list); default "0x1" as SPDK */
  int main_core;                /* the main lcore (start function, shutdown_cb); -1: lowest */
  int mem_size;                 /* EAL memory in MB; default 256 */
  bool no_pci;                  /* EAL --no-pci; default true (lockstep needs no devices) */
  bool no_huge;                 /* EAL --no-huge; default true (lockstep's pools fit in
                                   ordinary pages) */
  const char *env_context;      /* further EAL arguments, separated by spaces */
  spdk_app_shutdown_cb shutdown_cb; /* default NULL: a shutdown request stops the app, rc 0 */
  enum spdk_log_level print_level;  /* default SPDK_LOG_NOTICE */
  uint32_t event_pool_size;     /* lockstep: events in the pool; 0: the backend's default */
  size_t opts_size;             /* set by spdk_app_opts_init */
};

/* Fills *opts with the defaults above. opts_size is sizeof(struct spdk_app_opts) as the
 * caller knows it (as in SPDK): fields beyond it are not written. */
void spdk_app_opts_init(struct spdk_app_opts *opts, size_t opts_size);

/* Runs the application on lockstep's real (DPDK) backend: one reactor per core of
 * opts->reactor_mask, start_fn(ctx) as the first event on the main core. Blocks until
 * spdk_app_stop is called and every reactor has stopped; returns spdk_app_stop's rc.
 * Fails without running start_fn: -EINVAL (with an SPDK_ERRLOG line) for invalid options
 * (NULL, opts_size not sizeof(struct spdk_app_opts), a malformed reactor_mask, a main_core
 * outside it); -ENOTSUP when this build has no real backend; -1 (lockstep::real::run_failed,
 * with EAL's message) when EAL cannot start. DPDK initializes EAL once per process: a second
 * spdk_app_start in one process runs on the first one's lcores (and says so). Call from the
 * main thread, outside any reactor.
 * To run the same start function in the simulator, see lockstep/spdk_compat.hpp (run_sim). */
int spdk_app_start(struct spdk_app_opts *opts, spdk_msg_fn start_fn, void *ctx);

/* Stops the application: every reactor stops after what it is running; events still queued
 * are dropped (counted). rc is what spdk_app_start (or run_sim's result) returns. The first
 * call's rc wins. Callable from any core. */
void spdk_app_stop(int rc);

/* Releases what spdk_app_start kept. lockstep keeps EAL initialized until process exit
 * (DPDK initializes it once per process), so this only ends the frame; harmless to call
 * when spdk_app_start failed. */
void spdk_app_fini(void);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_EVENT_H */
