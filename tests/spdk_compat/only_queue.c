/* spdk/queue.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/queue.h"

int only_queue_compiles(void);
int only_queue_compiles(void) { return 0; }
