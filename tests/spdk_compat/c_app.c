/* Strict C11 use of every SPDK compatibility header, function and macro. */
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/thread.h"

#include "lockstep/spdk_check.h"

#include "c_app.h"

SPDK_LOG_REGISTER_COMPONENT(c_app_ident);

struct c_app_result g_c_app;

static uint32_t g_expected;      /* events still to run */
static struct spdk_poller *g_poller;
static bool g_poller_done;

static void maybe_stop(void)
{
  if (g_expected == 0 && g_poller_done) {
    SPDK_NOTICELOG("c_app: all done\n");
    spdk_app_stop(7);
  }
}

static void back_on_first(void *arg1, void *arg2)
{
  (void)arg1;
  (void)arg2;
  g_expected--;
  maybe_stop();
}

static void on_core(void *arg1, void *arg2)
{
  const uint32_t target = (uint32_t)(uintptr_t)arg1;
  (void)arg2;
  SPDK_INFOLOG(c_app_ident, "on_core %u (identifier flag)\n", target);
  SPDK_INFOLOG("c_app_literal", "on_core %u (literal flag)\n", target);
  SPDK_DEBUGLOG(c_app_ident, "debug on core %u\n", target);
  const uint32_t here = spdk_env_get_current_core();
  LOCKSTEP_C_CHECK(here < 128, "core ids are below 128");
  if (here != target) {
    g_c_app.events_wrong_core[here]++;
  }
  g_c_app.events_run[here]++;
  struct spdk_event *back = spdk_event_allocate(spdk_env_get_first_core(), back_on_first, NULL,
                                                NULL);
  LOCKSTEP_C_CHECK(back != NULL, "the test's pool is large enough");
  spdk_event_call(back);
}

static int counting_poller(void *arg)
{
  uint32_t *runs = arg;
  (*runs)++;
  if (*runs == 3) {
    spdk_poller_unregister(&g_poller);
    g_c_app.poller_unregistered = g_poller == NULL;
    g_poller_done = true;
    maybe_stop();
  }
  return SPDK_POLLER_BUSY;
}

void c_app_start(void *ctx)
{
  (void)ctx;
  struct spdk_event *(*allocate)(uint32_t, spdk_event_fn, void *, void *) = &spdk_event_allocate;
  void (*call)(struct spdk_event *) = &spdk_event_call;
  memset(&g_c_app, 0, sizeof g_c_app);
  g_poller_done = false;
  g_expected = 0;
  g_c_app.ticks_hz = spdk_get_ticks_hz();
  g_c_app.last_core = spdk_env_get_last_core();
  SPDK_ERRLOG("error %d\n", 1);
  SPDK_WARNLOG("warning %d\n", 2);
  SPDK_NOTICELOG("notice %d", 3); /* no newline: the logger adds one */

  uint32_t core;
  SPDK_ENV_FOREACH_CORE(core) {
    g_c_app.cores_seen++;
    struct spdk_event *a = spdk_event_allocate(core, on_core, (void *)(uintptr_t)core, NULL);
    struct spdk_event *b = (spdk_event_allocate)(core, on_core, (void *)(uintptr_t)core, NULL);
    struct spdk_event *c = allocate(core, on_core, (void *)(uintptr_t)core, NULL);
    LOCKSTEP_C_CHECK(a != NULL && b != NULL && c != NULL, "the test's pool is large enough");
    spdk_event_call(a);
    (spdk_event_call)(b);
    call(c);
    g_expected += 3;
  }
  g_poller = SPDK_POLLER_REGISTER(counting_poller, &g_c_app.poller_runs, 0);
  LOCKSTEP_C_CHECK(g_poller != NULL, "poller registered on a reactor core");
  (void)spdk_get_ticks();
}

void c_app_call_null(void *ctx)
{
  (void)ctx;
  struct spdk_event *none = NULL;
  spdk_event_call(none);
  spdk_app_stop(1); /* not reached: the check ends the event */
}

void c_app_check_fails(void *ctx)
{
  (void)ctx;
  LOCKSTEP_C_CHECK(1 == 2, "one is not two");
  spdk_app_stop(1); /* not reached */
}

/* spdk_mempool, spdk_ring and spdk_spinlock from C: 0 when each behaves, else the step. */
int c_app_env_pools(void)
{
  struct spdk_mempool *mp = spdk_mempool_create("c_app_pool", 2, sizeof(struct spdk_spinlock),
                                                SPDK_MEMPOOL_DEFAULT_CACHE_SIZE,
                                                SPDK_ENV_SOCKET_ID_ANY);
  if (mp == NULL) {
    return 1;
  }
  struct spdk_spinlock *lock = spdk_mempool_get(mp);
  void *two[2] = {NULL, NULL};
  if (lock == NULL || spdk_mempool_get_bulk(mp, two, 2) != -ENOMEM) {
    return 2;
  }
  spdk_spin_init(lock);
  spdk_spin_destroy(lock);
  spdk_mempool_put(mp, lock);
  if (spdk_mempool_count(mp) != 2 || spdk_mempool_lookup("c_app_pool") != mp) {
    return 3;
  }
  spdk_mempool_free(mp);
  struct spdk_ring *ring = spdk_ring_create(SPDK_RING_TYPE_MP_MC, 2, SPDK_ENV_SOCKET_ID_ANY);
  size_t free_space = 0;
  if (ring == NULL || spdk_ring_enqueue(ring, two, 2, &free_space) != 2 || free_space != 0) {
    return 4;
  }
  if (spdk_ring_dequeue(ring, two, 2) != 2 || spdk_ring_count(ring) != 0) {
    return 5;
  }
  spdk_ring_free(ring);
  return 0;
}
