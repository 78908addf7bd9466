/* spdk/thread.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/thread.h"

int only_thread_compiles(void);
int only_thread_compiles(void) { return 0; }
