/* spdk/likely.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/likely.h"

int only_likely_compiles(void);
int only_likely_compiles(void) { return 0; }
