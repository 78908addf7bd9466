/* spdk/env.h (lockstep compatibility): cores and ticks of the running lockstep backend.
 *
 * Every function reaches whichever lockstep backend's run is executing (the simulator or the
 * DPDK backend). Core ids are the backend's: lcore ids on the real backend, 0..cores-1 in the
 * simulator. Callable from any core; outside a run they give the neutral answers below. */
#ifndef LOCKSTEP_SPDK_ENV_H
#define LOCKSTEP_SPDK_ENV_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "Any core" / "no core", as in SPDK. */
#define SPDK_ENV_LCORE_ID_ANY UINT32_MAX

/* The core whose reactor runs the caller; SPDK_ENV_LCORE_ID_ANY outside a reactor. */
uint32_t spdk_env_get_current_core(void);
/* Number of reactor cores; 0 outside a run. */
uint32_t spdk_env_get_core_count(void);
/* Lowest reactor core id; UINT32_MAX outside a run. */
uint32_t spdk_env_get_first_core(void);
/* Highest reactor core id; UINT32_MAX outside a run. */
uint32_t spdk_env_get_last_core(void);
/* The next reactor core id after prev_core, in increasing order; UINT32_MAX after the last. */
uint32_t spdk_env_get_next_core(uint32_t prev_core);

/* Every reactor core id in increasing order. */
#define SPDK_ENV_FOREACH_CORE(i)                        \
  for ((i) = spdk_env_get_first_core(); (i) < UINT32_MAX; \
       (i) = spdk_env_get_next_core((i)))

/* The backend clock in ticks. lockstep's ticks are nanoseconds (spdk_get_ticks_hz() is
 * 1000000000) on both backends: TSC-derived on the real backend, the core's virtual clock in
 * the simulator. 0 outside a run. */
uint64_t spdk_get_ticks(void);
uint64_t spdk_get_ticks_hz(void);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_ENV_H */
