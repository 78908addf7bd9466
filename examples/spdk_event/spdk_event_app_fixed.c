/* The example application over the corrected event code. */
#include "event_framework_fixed.c"

#define SPDK_EVENT_APP_NAME spdk_event_app_fixed
#define SPDK_EVENT_APP_VARIANT "fixed"
#include "application.c.inc"
