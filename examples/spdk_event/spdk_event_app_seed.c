/* The example application over the seed's event code, as the seed writes it. */
#include "event_framework_example.c"

#define SPDK_EVENT_APP_NAME spdk_event_app_seed
#define SPDK_EVENT_APP_VARIANT "seed"
#include "application.c.inc"
