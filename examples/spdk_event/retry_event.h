/* send_event_or_retry: what to do when spdk_event_allocate returns NULL and the event must
 * still be delivered. Waiting in a loop would never end when this core's own queue holds the
 * events the pool is missing, so the retry goes to a poller on the calling core, which tries
 * every reactor iteration until the pool gives an event, sends it, and unregisters itself.
 * Ordering: a retried event may arrive after events this core sends later.
 * A retry still pending when the application stops is never run: its memory stays on a list
 * of its core, and retry_events_release_all frees it after the run. */
#ifndef SPDK_EVENT_RETRY_EVENT_H
#define SPDK_EVENT_RETRY_EVENT_H

#include "spdk/event.h"

struct retry_event {
  struct retry_event *next; /* on the list of its core */
  struct retry_event *prev;
  struct spdk_poller *poller;
  uint32_t core;
  spdk_event_fn fn;
  const char *fn_name;
  void *arg1;
  void *arg2;
};

/* Pending retries per core; each list is touched by its own core only (a poller runs on the
 * core that registered it), and by retry_events_release_all when no reactor runs. */
#define RETRY_EVENT_CORES_MAX 128
static struct retry_event *g_retry_pending[RETRY_EVENT_CORES_MAX];

static void retry_event_unlink(struct retry_event *r, uint32_t self)
{
  if (r->prev != NULL) {
    r->prev->next = r->next;
  } else {
    g_retry_pending[self] = r->next;
  }
  if (r->next != NULL) {
    r->next->prev = r->prev;
  }
}

static void retry_events_release_all(void)
{
  for (uint32_t c = 0; c < RETRY_EVENT_CORES_MAX; ++c) {
    while (g_retry_pending[c] != NULL) {
      struct retry_event *r = g_retry_pending[c];
      g_retry_pending[c] = r->next;
      free(r);
    }
  }
}

static int retry_event_poll(void *arg)
{
  struct retry_event *r = arg;
  struct spdk_event *ev =
      lockstep_spdk_event_allocate_named(r->core, r->fn, r->arg1, r->arg2, r->fn_name);
  if (ev == NULL) {
    return SPDK_POLLER_IDLE;
  }
  spdk_event_call(ev);
  spdk_poller_unregister(&r->poller);
  retry_event_unlink(r, spdk_env_get_current_core());
  free(r);
  return SPDK_POLLER_BUSY;
}

/* Sends fn(arg1, arg2) to `core` now, or later from a retry poller on this core. Returns 0, or
 * -ENOMEM when not even the retry could be set up (no memory for it). Call on a reactor core. */
static int send_event_or_retry(uint32_t core, spdk_event_fn fn, const char *fn_name, void *arg1,
                               void *arg2)
{
  struct spdk_event *ev = lockstep_spdk_event_allocate_named(core, fn, arg1, arg2, fn_name);
  if (ev != NULL) {
    spdk_event_call(ev);
    return 0;
  }
  const uint32_t self = spdk_env_get_current_core();
  if (self >= RETRY_EVENT_CORES_MAX) {
    return -ENOMEM; /* not on a reactor core: nowhere to retry from */
  }
  struct retry_event *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    return -ENOMEM;
  }
  r->core = core;
  r->fn = fn;
  r->fn_name = fn_name;
  r->arg1 = arg1;
  r->arg2 = arg2;
  r->poller = SPDK_POLLER_REGISTER(retry_event_poll, r, 0);
  if (r->poller == NULL) {
    free(r);
    return -ENOMEM;
  }
  r->next = g_retry_pending[self];
  if (r->next != NULL) {
    r->next->prev = r;
  }
  g_retry_pending[self] = r;
  return 0;
}

/* Passes the function's spelling, for traces (as spdk_event_allocate does). */
#define SEND_EVENT_OR_RETRY(core, fn, arg1, arg2) \
  send_event_or_retry((core), (fn), #fn, (arg1), (arg2))

#endif /* SPDK_EVENT_RETRY_EVENT_H */
