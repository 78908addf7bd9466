/* The counter module as first written: completions counted by messages to the app_thread. */
#define COUNTER_FIXED 0
#define COUNTER_APP_NAME spdk_thread_app_racy
#define COUNTER_VARIANT "racy"
#include "counter_module.c.inc"
