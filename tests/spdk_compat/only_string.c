/* spdk/string.h compiles on its own in strict C11 (it includes what it needs). */
#include "spdk/string.h"

int only_string_compiles(void);
int only_string_compiles(void) { return 0; }
