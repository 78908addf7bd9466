/* An SPDK-style program with its own main, built against an installed lockstep and linked with
 * lockstep::spdk_app_sim: spdk_app_parse_args, then spdk_app_start in the simulator; every core
 * reports to the main core, which stops with rc 0 once all have. Exit code 0 when the counts
 * add up after spdk_app_fini. */
#include "spdk/stdinc.h"

#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/util.h"

static int g_rounds = 1;
static uint32_t g_reports;
static uint32_t g_done[128];

static int parse_arg(int ch, char *arg)
{
  if (ch != 'x') return -EINVAL;
  g_rounds = (int)spdk_strtol(arg, 10);
  return g_rounds > 0 ? 0 : -EINVAL;
}

static void usage(void) { printf(" -x <n>   reports per core\n"); }

static void report(void *arg1, void *arg2)
{
  (void)arg2;
  g_done[(uintptr_t)arg1]++;
  if (++g_reports == spdk_env_get_core_count() * (uint32_t)g_rounds) spdk_app_stop(0);
}

static void on_core(void *arg1, void *arg2)
{
  (void)arg1;
  (void)arg2;
  const uint32_t here = spdk_env_get_current_core();
  spdk_event_call(spdk_event_allocate(spdk_env_get_main_core(), report,
                                      (void *)(uintptr_t)here, NULL));
}

static void start(void *ctx)
{
  uint32_t core;
  int i;
  (void)ctx;
  for (i = 0; i < g_rounds; i++) {
    SPDK_ENV_FOREACH_CORE(core) { spdk_event_call(spdk_event_allocate(core, on_core, NULL, NULL)); }
  }
}

int main(int argc, char **argv)
{
  struct spdk_app_opts opts = {};
  uint32_t core, total = 0;
  int rc;
  spdk_app_opts_init(&opts, sizeof(opts));
  opts.name = "consumer_app";
  rc = spdk_app_parse_args(argc, argv, &opts, "x:", NULL, parse_arg, usage);
  if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) return rc;
  rc = spdk_app_start(&opts, start, NULL);
  spdk_app_fini();
  SPDK_ENV_FOREACH_CORE(core) {
    printf("core %u: %u\n", core, g_done[core]);
    total += g_done[core];
  }
  return rc == 0 && total == spdk_env_get_core_count() * (uint32_t)g_rounds ? 0 : 1;
}
