/* spdk/event.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/event.h"

int only_event_compiles(void);
int only_event_compiles(void) { return 0; }
