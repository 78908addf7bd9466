/* spdk/likely.h (lockstep compatibility): branch hints, as SPDK spells them. */
#ifndef LOCKSTEP_SPDK_LIKELY_H
#define LOCKSTEP_SPDK_LIKELY_H

#include "spdk/stdinc.h"

/* The condition is expected to be false / true (any non-zero value counts as true). */
#define spdk_unlikely(cond) __builtin_expect((cond), 0)
#define spdk_likely(cond) __builtin_expect(!!(cond), 1)

#endif /* LOCKSTEP_SPDK_LIKELY_H */
