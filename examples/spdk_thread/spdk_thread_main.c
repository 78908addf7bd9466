/* spdk_thread_real: the spdk_thread example (the counter module) deployed on lockstep's real
 * (DPDK) backend through an SPDK-style main: spdk_app_opts_init, spdk_app_start, spdk_app_fini.
 *
 *   spdk_thread_real [-m REACTOR_MASK] [-w WORKERS] [-u RUN_US] [--variant racy|fixed]
 *
 * Exit code 0 when every I/O was counted, every channel destroyed, the unregister callback ran
 * once and every worker was destroyed; 1 when not; 2 bad usage; 3 the application could not
 * start. */
#include "spdk/event.h"

#include "spdk_thread_app.h"

static int usage(const char *why, FILE *out)
{
  fprintf(out,
          "spdk_thread_real: %s\n"
          "usage: spdk_thread_real [-m REACTOR_MASK] [-w WORKERS] [-u RUN_US] [--variant racy|fixed]\n"
          "  -m REACTOR_MASK  the lcores, as SPDK's -m (\"0x3\", \"[0-1]\"); default 0x3\n"
          "  -w WORKERS       worker spdk_threads, 1..16; default 3\n"
          "  -u RUN_US        microseconds of I/O before the teardown, 1..10000000; default 20000\n"
          "  --variant V      racy (the module as first written) or fixed (default)\n",
          why);
  return 2;
}

/* A decimal number in [lo, hi], digits only. */
static int parse_u32(const char *text, uint32_t lo, uint32_t hi, uint32_t *out)
{
  if (*text == '\0' || strlen(text) > 9) {
    return -1;
  }
  uint32_t v = 0;
  for (const char *p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') {
      return -1;
    }
    v = v * 10u + (uint32_t)(*p - '0');
  }
  if (v < lo || v > hi) {
    return -1;
  }
  *out = v;
  return 0;
}

int main(int argc, char **argv)
{
  struct spdk_app_opts opts;
  struct spdk_thread_app_config cfg = {.workers = 3, .run_us = 20000};
  const struct spdk_thread_app *app = &spdk_thread_app_fixed;

  spdk_app_opts_init(&opts, sizeof(opts));
  opts.name = "spdk_thread_real";
  opts.reactor_mask = "0x3";

  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    char why[256];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage("the spdk_thread example on the real (DPDK) backend", stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      snprintf(why, sizeof why, "'%s' needs a value or is unknown", arg);
      return usage(why, stderr);
    }
    const char *value = argv[++i];
    if (strcmp(arg, "-m") == 0) {
      opts.reactor_mask = value;
    } else if (strcmp(arg, "-w") == 0) {
      if (parse_u32(value, 1, 16, &cfg.workers) != 0) {
        return usage("-w takes 1..16", stderr);
      }
    } else if (strcmp(arg, "-u") == 0) {
      if (parse_u32(value, 1, 10000000, &cfg.run_us) != 0) {
        return usage("-u takes 1..10000000", stderr);
      }
    } else if (strcmp(arg, "--variant") == 0) {
      if (strcmp(value, "racy") == 0) {
        app = &spdk_thread_app_racy;
      } else if (strcmp(value, "fixed") == 0) {
        app = &spdk_thread_app_fixed;
      } else {
        return usage("--variant takes racy or fixed", stderr);
      }
    } else {
      snprintf(why, sizeof why, "unknown option '%s'", arg);
      return usage(why, stderr);
    }
  }

  int rc = spdk_app_start(&opts, app->start, &cfg);
  spdk_app_fini();
  if (rc != 0) {
    fprintf(stderr, "spdk_thread_real: spdk_app_start returned %d\n", rc);
    return rc < 0 ? 3 : 1;
  }
  struct spdk_thread_app_report r;
  app->report(&r);
  char why[256] = {0};
  const int verdict = app->verify(why, sizeof why);
  printf("real: rc=%d variant=%s workers=%u channels=%u/%u turns=%u submitted=%llu "
         "completed=%llu unregister_cbs=%u destroyed=%u\n",
         rc, app->variant, r.workers_created, r.channels_created, r.channels_destroyed,
         r.teardown_turns, (unsigned long long)r.submitted, (unsigned long long)r.completed,
         r.unregister_cbs, r.workers_destroyed);
  printf("verdict: %s%s\n", verdict == 0 ? "correct" : "WRONG: ", verdict == 0 ? "" : why);
  app->reset();
  return verdict == 0 ? 0 : 1;
}
