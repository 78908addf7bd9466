/* spdk_event_real: the SPDK event example deployed on lockstep's real (DPDK) backend through
 * an SPDK-style main: spdk_app_opts_init, spdk_app_start with a start function, spdk_app_fini.
 *
 *   spdk_event_real [-m REACTOR_MASK] [-t TASKS] [-L FLAG] [--variant seed|fixed]
 *
 * -m chooses the lcores as SPDK's -m does ("0x3", "[0-1]"); default 0x3. Exit code 0 when
 * every task completed exactly once on its submitting core and the graceful shutdown ran; 1 when
 * not; 2 bad usage; 3 the application could not start (the reason is the last line). */
#include "spdk/event.h"

#include <ctype.h>

#include "spdk_event_app.h"

/* Whether -L names the flag the example logs under, spelled bare or in double quotes (as
 * spdk_log_set_flag accepts it). */
static int known_log_flag(const char *value)
{
  const size_t len = strlen(value);
  const size_t known = strlen(SPDK_EVENT_APP_LOG_FLAGS);
  if (len == known + 2 && value[0] == '"' && value[len - 1] == '"') {
    return strncmp(value + 1, SPDK_EVENT_APP_LOG_FLAGS, known) == 0;
  }
  return strcmp(value, SPDK_EVENT_APP_LOG_FLAGS) == 0;
}

static int usage(const char *why, FILE *out)
{
  fprintf(out,
          "spdk_event_real: %s\n"
          "usage: spdk_event_real [-m REACTOR_MASK] [-t TASKS] [-L FLAG] [--variant seed|fixed]\n"
          "  -m REACTOR_MASK  the lcores, as SPDK's -m (\"0x3\", \"[0-1]\"); default 0x3\n"
          "  -t TASKS         tasks submitted round-robin (0..10000000); default 1000\n"
          "  -L FLAG          print that log flag's lines (known flags: %s)\n"
          "  --variant V      seed (the seed's code as written) or fixed (default)\n",
          why, SPDK_EVENT_APP_LOG_FLAGS);
  return 2;
}

int main(int argc, char **argv)
{
  struct spdk_app_opts opts;
  struct spdk_event_app_config cfg = {.tasks = 1000};
  const struct spdk_event_app *app = &spdk_event_app_fixed;

  spdk_app_opts_init(&opts, sizeof(opts));
  opts.name = "spdk_event_real";
  opts.reactor_mask = "0x3";

  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    char why[256];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      usage("the SPDK event example on the real (DPDK) backend", stdout);
      return 0;
    }
    if (strcmp(arg, "-m") != 0 && strcmp(arg, "-t") != 0 && strcmp(arg, "-L") != 0 &&
        strcmp(arg, "--variant") != 0) {
      snprintf(why, sizeof why, "unknown option '%s'", arg);
      return usage(why, stderr);
    }
    if (i + 1 >= argc) {
      snprintf(why, sizeof why, "%s needs a value", arg);
      return usage(why, stderr);
    }
    const char *value = argv[++i];
    if (strcmp(arg, "-m") == 0) {
      opts.reactor_mask = value;
    } else if (strcmp(arg, "-t") == 0) {
      char *end = NULL;
      unsigned long tasks = strtoul(value, &end, 10);
      /* Digits only: strtoul would also take a sign and leading spaces. */
      if (!isdigit((unsigned char)value[0]) || *end != '\0' || tasks > 10000000ul) {
        snprintf(why, sizeof why, "-t takes 0..10000000 (got '%.64s')", value);
        return usage(why, stderr);
      }
      cfg.tasks = (uint32_t)tasks;
    } else if (strcmp(arg, "-L") == 0) {
      /* As an SPDK application does: a flag nothing logs under is refused, with the known ones. */
      if (!known_log_flag(value)) {
        snprintf(why, sizeof why, "unknown -L flag '%.64s' (known flags: %s)", value,
                 SPDK_EVENT_APP_LOG_FLAGS);
        return usage(why, stderr);
      }
      if (spdk_log_set_flag(value) != 0) {
        return usage("-L: cannot enable the flag", stderr);
      }
    } else if (strcmp(arg, "--variant") == 0) {
      if (strcmp(value, "seed") == 0) {
        app = &spdk_event_app_seed;
      } else if (strcmp(value, "fixed") == 0) {
        app = &spdk_event_app_fixed;
      } else {
        snprintf(why, sizeof why, "--variant takes seed or fixed (got '%.64s')", value);
        return usage(why, stderr);
      }
    }
  }

  int rc = spdk_app_start(&opts, app->start, &cfg);
  struct spdk_event_app_report r;
  app->report(&r);
  if (!r.started) {
    /* Nothing ran, so there is no verdict: spdk_app_start's reason is the last line. */
    app->reset();
    spdk_app_fini();
    return 3;
  }
  printf("real: rc=%d variant=%s cores=%u tasks=%u submitted=%u refused=%u ok=%u enomem=%u "
         "final_callbacks=%u components=%u recurring_runs=%" PRIu64 "\n",
         rc, app->variant, r.cores, r.tasks, r.submitted, r.submit_failed, r.completed_ok,
         r.completed_enomem, r.final_callbacks, r.components_shut_down, r.recurring_runs);
  if (rc == 0) {
    char why[256];
    if (app->verify(why, sizeof why) != 0) {
      printf("verdict: %s\n", why);
      rc = 1;
    } else {
      printf("verdict: correct\n");
    }
  }
  app->reset();
  spdk_app_fini();
  return rc == 0 ? 0 : 1;
}
