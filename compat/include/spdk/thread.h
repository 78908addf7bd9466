/* spdk/thread.h (lockstep compatibility): pollers and message functions.
 *
 * lockstep has one reactor per core and no spdk_thread objects: a poller belongs to the core
 * that registers it, as an SPDK poller belongs to the thread that registers it on a reactor
 * with one thread per core. */
#ifndef LOCKSTEP_SPDK_THREAD_H
#define LOCKSTEP_SPDK_THREAD_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a poller returns. */
enum spdk_thread_poller_rc {
  SPDK_POLLER_IDLE = 0,
  SPDK_POLLER_BUSY = 1,
};

/* A function run later with one context pointer (spdk_app_start's start function). */
typedef void (*spdk_msg_fn)(void *ctx);
/* A poller: > 0 (SPDK_POLLER_BUSY) when it did work, 0 (SPDK_POLLER_IDLE) when not. */
typedef int (*spdk_poller_fn)(void *ctx);

struct spdk_poller; /* opaque */

/* Registers fn(arg) on the calling core: every reactor iteration when period_microseconds is
 * 0, else first one period after registration and then every period. Returns NULL when called
 * outside a reactor core. The poller runs on this core only. */
struct spdk_poller *spdk_poller_register(spdk_poller_fn fn, void *arg,
                                         uint64_t period_microseconds);
/* As spdk_poller_register; `name` is accepted for SPDK compatibility (lockstep's traces
 * name pollers by their function). */
struct spdk_poller *spdk_poller_register_named(spdk_poller_fn fn, void *arg,
                                               uint64_t period_microseconds, const char *name);
#define SPDK_POLLER_REGISTER(fn, arg, period_us) \
  spdk_poller_register_named((fn), (arg), (period_us), #fn)

/* Unregisters *ppoller and sets it to NULL; *ppoller == NULL does nothing. Safe from inside
 * the poller itself. Misuse (ends the run as a failed check): ppoller == NULL, or a poller
 * registered by another core. */
void spdk_poller_unregister(struct spdk_poller **ppoller);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_THREAD_H */
