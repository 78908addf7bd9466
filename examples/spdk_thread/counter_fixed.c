/* The counter module corrected: completions counted in the channel, on its own thread. */
#define COUNTER_FIXED 1
#define COUNTER_APP_NAME spdk_thread_app_fixed
#define COUNTER_VARIANT "fixed"
#include "counter_module.c.inc"
