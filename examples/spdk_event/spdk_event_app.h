/* The application around the seed's event code (shared/seeds/event_framework_example.md):
 *
 *   start (on the first core): builds the round-robin work_distributor, starts the
 *     self-scheduling recurring_task on every core, and submits `tasks` tasks round-robin with
 *     submit_task_to_core. Each task's completion_cb counts it on the submitting core.
 *   when every task is accounted for (completed, or refused at submission), the submitting
 *     core starts initiate_graceful_shutdown over every core; each core's component stops its
 *     recurring task and reports to the first core; the final callback calls spdk_app_stop(0).
 *
 * Two builds of the same application: over the seed's code as written (spdk_event_app_seed)
 * and over the corrected code (spdk_event_app_fixed, event_framework_fixed.c).
 * The application checks its invariants with LOCKSTEP_C_CHECK, so a flaw ends a simulated run
 * as outcome failed with the check's message. Its state is process-wide (as an SPDK
 * application's is): one run at a time per process. */
#ifndef SPDK_EVENT_APP_H
#define SPDK_EVENT_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct spdk_event_app_config {
  uint32_t tasks; /* tasks submitted round-robin over every core */
};

/* What the run did, read after it returned. */
struct spdk_event_app_report {
  bool started;                /* the start function ran */
  uint32_t cores;
  uint32_t tasks;
  uint32_t submitted;          /* submit_task_to_core returned 0 */
  uint32_t submit_failed;      /* submit_task_to_core returned -ENOMEM */
  uint32_t completed_ok;       /* completion_cb with the task's result */
  uint32_t completed_enomem;   /* completion_cb with -ENOMEM */
  uint32_t final_callbacks;
  uint32_t components_shut_down;
  uint64_t recurring_runs;     /* counted by the fixed recurring_task only */
};

struct spdk_event_app {
  const char *variant; /* "seed" or "fixed" */
  /* The start function for spdk_app_start / run_sim; ctx: struct spdk_event_app_config *. */
  void (*start)(void *ctx);
  void (*report)(struct spdk_event_app_report *out);
  /* After the run: 0 when every task completed exactly once on its submitting core with its
   * result (or -ENOMEM), the final callback ran once and every component shut down; else -1
   * with the first thing wrong in why[]. */
  int (*verify)(char *why, size_t why_size);
  /* Frees the run's state (call after report/verify, before the next run). */
  void (*reset)(void);
};

extern const struct spdk_event_app spdk_event_app_seed;
extern const struct spdk_event_app spdk_event_app_fixed;

/* The log flags the application logs under (SPDK_INFOLOG), space-separated: what -L accepts.
 * As an SPDK application refuses a -L flag that no code registered (and lists the known ones),
 * the example's drivers refuse any other flag rather than enable one nothing logs under. */
#define SPDK_EVENT_APP_LOG_FLAGS "event"

#ifdef __cplusplus
}
#endif

#endif /* SPDK_EVENT_APP_H */
