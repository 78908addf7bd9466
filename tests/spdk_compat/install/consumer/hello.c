/* SPDK-style C code built against an installed lockstep: an event to the last core, which
 * stops the application with rc 5. */
#include "spdk/event.h"

#include "lockstep/spdk_check.h"

static void hello(void *arg1, void *arg2)
{
  (void)arg1;
  (void)arg2;
  SPDK_NOTICELOG("hello from core %u\n", spdk_env_get_current_core());
  spdk_app_stop(5);
}

void hello_start(void *ctx);
void hello_start(void *ctx)
{
  (void)ctx;
  struct spdk_event *e = spdk_event_allocate(spdk_env_get_last_core(), hello, NULL, NULL);
  LOCKSTEP_C_CHECK(e != NULL, "the pool has an event");
  spdk_event_call(e);
}
