/* spdk/env.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/env.h"

int only_env_compiles(void);
int only_env_compiles(void) { return 0; }
