/* spdk/log.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/log.h"

int only_log_compiles(void);
int only_log_compiles(void) { return 0; }
