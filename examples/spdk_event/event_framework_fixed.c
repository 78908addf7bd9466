/* The seed's event code (event_framework_example.c) with the flaws that allocation failures
 * reveal corrected. Each change is marked "FIX n" and explained in docs/spdk_compat.md. What is
 * not marked is the seed's code as written. Included by spdk_event_app_fixed.c (its functions
 * are static, as in the seed). */
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/log.h"

#include "retry_event.h"

static int process_work(void *data, size_t size);
static void send_result_to_origin(void *arg1, void *arg2);
static void shutdown_component_on_core(void *arg1, void *arg2);

struct cross_core_task {
    int task_id;
    void *data;
    size_t data_size;
    uint32_t target_core;
    uint32_t origin_core;
    void (*completion_cb)(void *ctx, int result);
    void *cb_ctx;
};

// Event handler that processes work on target core
static void process_task_on_core(void *arg1, void *arg2)
{
    struct cross_core_task *task = arg1;
    (void)arg2;

    SPDK_INFOLOG("event", "Processing task %d on core %u\n",
                 task->task_id, spdk_env_get_current_core());

    // Simulate work processing
    int result = process_work(task->data, task->data_size);

    // Send result back to origin core.
    // FIX 1: when no event is free, the result still goes to the origin core, later, from a
    // retry poller on this core. The seed called completion_cb here, on the target core, with
    // -ENOMEM: the callback ran on the wrong core (racing with the origin's state) and reported
    // a failure for work that had been done.
    if (SEND_EVENT_OR_RETRY(task->origin_core, send_result_to_origin, task,
                            (void *)(uintptr_t)result) != 0) {
        // Not even the retry could be set up (out of memory): the completion cannot reach the
        // origin, and calling it here would be the seed's flaw. Stop the application.
        SPDK_ERRLOG("Cannot return task %d to core %u: out of memory\n", task->task_id,
                    task->origin_core);
        spdk_app_stop(-ENOMEM);
    }
}

// Event handler that receives results back on origin core
static void send_result_to_origin(void *arg1, void *arg2)
{
    struct cross_core_task *task = arg1;
    int result = (int)(uintptr_t)arg2;

    SPDK_INFOLOG("event", "Task %d completed with result %d\n",
                 task->task_id, result);

    // Call completion callback on original core
    task->completion_cb(task->cb_ctx, result);

    // Cleanup
    free(task->data);
    free(task);
}

// Submit task to be processed on specific core
static int submit_task_to_core(int task_id, void *data, size_t size,
                              uint32_t target_core,
                              void (*completion_cb)(void *ctx, int result),
                              void *cb_ctx)
{
    struct cross_core_task *task = calloc(1, sizeof(*task));
    if (!task) {
        return -ENOMEM;
    }

    // Copy data for cross-core access
    task->data = malloc(size);
    if (!task->data) {
        free(task);
        return -ENOMEM;
    }
    memcpy(task->data, data, size);

    task->task_id = task_id;
    task->data_size = size;
    task->target_core = target_core;
    task->origin_core = spdk_env_get_current_core();
    task->completion_cb = completion_cb;
    task->cb_ctx = cb_ctx;

    // Create and send event to target core
    struct spdk_event *event = spdk_event_allocate(target_core, process_task_on_core,
                                                  task, NULL);
    if (!event) {
        free(task->data);
        free(task);
        return -ENOMEM;
    }

    spdk_event_call(event);
    return 0;
}

// Example: Round-robin work distribution
struct work_distributor {
    uint32_t next_core;
    uint32_t core_count;
    uint32_t *available_cores;
};

static void init_work_distributor(struct work_distributor *dist)
{
    dist->core_count = spdk_env_get_core_count();
    dist->available_cores = calloc(dist->core_count, sizeof(uint32_t));
    dist->next_core = 0;
    // FIX 4: the seed wrote through a NULL available_cores when calloc failed. The caller
    // sees available_cores == NULL and core_count == 0.
    if (!dist->available_cores) {
        dist->core_count = 0;
        return;
    }

    // Get list of available cores
    uint32_t i = 0;
    uint32_t core;
    SPDK_ENV_FOREACH_CORE(core) {
        dist->available_cores[i++] = core;
    }
}

static uint32_t get_next_core(struct work_distributor *dist)
{
    uint32_t core = dist->available_cores[dist->next_core];
    dist->next_core = (dist->next_core + 1) % dist->core_count;
    return core;
}

// Application shutdown coordination using events
struct shutdown_coordinator {
    int pending_shutdowns;
    void (*final_callback)(void);
};

static void component_shutdown_complete(void *arg1, void *arg2)
{
    struct shutdown_coordinator *coord = arg1;
    (void)arg2;

    coord->pending_shutdowns--;
    SPDK_INFOLOG("event", "Component shutdown complete, %d remaining\n",
                 coord->pending_shutdowns);

    if (coord->pending_shutdowns == 0) {
        // All components shut down, call final callback
        coord->final_callback();
        free(coord);
    }
}

static void initiate_graceful_shutdown(int component_count,
                                     void (*final_callback)(void))
{
    struct shutdown_coordinator *coord = calloc(1, sizeof(*coord));
    // FIX 2: the seed wrote through a NULL coord when calloc failed.
    if (!coord) {
        SPDK_ERRLOG("Cannot coordinate the shutdown: out of memory\n");
        spdk_app_stop(-ENOMEM);
        return;
    }
    // FIX 5: one shutdown event goes to every core, so every core reports once: the count is
    // the number of cores. With the seed's component_count, a smaller count freed coord while
    // reports were still to come (use after free), a larger one never reached zero (hang).
    if ((uint32_t)component_count != spdk_env_get_core_count()) {
        SPDK_WARNLOG("component_count %d differs from the %u cores that report\n",
                     component_count, spdk_env_get_core_count());
    }
    coord->pending_shutdowns = (int)spdk_env_get_core_count();
    coord->final_callback = final_callback;

    // Send shutdown events to all cores
    uint32_t core;
    SPDK_ENV_FOREACH_CORE(core) {
        // FIX 3: the seed called spdk_event_call(NULL) when the allocation failed. Skipping
        // the core instead would leave pending_shutdowns above zero for ever (a hang): the
        // event must still be delivered, so it is retried from a poller.
        if (SEND_EVENT_OR_RETRY(core, shutdown_component_on_core, coord, NULL) != 0) {
            SPDK_ERRLOG("Cannot shut core %u down: out of memory\n", core);
            spdk_app_stop(-ENOMEM);
            return;
        }
    }
}

// Self-scheduling events (re-execute on same core)
// FIX 6: arg1 is the core's "stop requested" flag and arg2 its run counter. The seed's task
// could not be stopped (only spdk_app_stop dropped it), and it stopped for good, silently, the
// first time its allocation failed.
static void recurring_task(void *arg1, void *arg2)
{
    const bool *stop_requested = arg1;
    uint64_t *runs = arg2;
    if (*stop_requested) {
        return;
    }
    // Do work...
    (*runs)++;

    // Schedule next iteration
    if (SEND_EVENT_OR_RETRY(spdk_env_get_current_core(), recurring_task, arg1, arg2) != 0) {
        SPDK_ERRLOG("Recurring task on core %u stops: out of memory\n",
                    spdk_env_get_current_core());
    }
}
