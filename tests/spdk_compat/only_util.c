/* spdk/util.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/util.h"

int only_util_compiles(void);
int only_util_compiles(void) { return 0; }
