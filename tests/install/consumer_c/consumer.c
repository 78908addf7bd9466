/* Links lockstep's SPDK-compatible C API from C and calls into it. Outside a run,
 * spdk_event_allocate refuses (NULL, with a message), in every build: the program needs neither
 * EAL nor a simulation, only that the link pulled in lockstep's C++ code and its runtime. */
#include "spdk/event.h"
#include "lockstep/external_thread.h"

#include <stdio.h>

static void body(void *arg)
{
  (void)arg;
}

static void nothing(void *arg1, void *arg2)
{
  (void)arg1;
  (void)arg2;
}

int main(void)
{
  struct spdk_app_opts opts;
  spdk_app_opts_init(&opts, sizeof(opts));
  struct spdk_event *ev = spdk_event_allocate(0, nothing, NULL, NULL);
  int started = lockstep_external_thread_start(body, NULL);
  printf("c consumer: opts_size=%zu allocate outside a run=%s external thread outside a run=%s\n",
         opts.opts_size, ev == NULL ? "NULL" : "an event", started < 0 ? "refused" : "started");
  return ev == NULL && started < 0 ? 0 : 1;
}
