/* spdk/stdinc.h (lockstep compatibility): the C standard headers SPDK-style code relies on,
 * brought in by every spdk/ header as SPDK's own stdinc.h does. */
#ifndef LOCKSTEP_SPDK_STDINC_H
#define LOCKSTEP_SPDK_STDINC_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#endif /* LOCKSTEP_SPDK_STDINC_H */
