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
/* "Any NUMA socket": the socket_id argument of the allocation functions. */
#define SPDK_ENV_SOCKET_ID_ANY (-1)

/* Flags of spdk_malloc / spdk_zmalloc (at least one, as SPDK asks). lockstep allocates from the
 * process heap: the memory is not pinned for devices (lockstep drives none) and is not shared
 * between processes. */
#define SPDK_MALLOC_DMA 0x01
#define SPDK_MALLOC_SHARE 0x02

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

/* The core of the main reactor (where spdk_app_start runs the start function and the shutdown
 * callback): the lowest core unless spdk_app_opts.main_core chose another. UINT32_MAX before
 * the first run. */
uint32_t spdk_env_get_main_core(void);

/* Core enumeration outside a run: after spdk_app_start returns (and after spdk_app_fini), the
 * functions above keep answering for that application's cores (spdk_env_get_current_core
 * excepted: no reactor runs the caller), as in SPDK, where a program prints per-core figures
 * after spdk_app_fini. Before the first spdk_app_start they give the answers noted above. */

/* Every reactor core id in increasing order. */
#define SPDK_ENV_FOREACH_CORE(i)                        \
  for ((i) = spdk_env_get_first_core(); (i) < UINT32_MAX; \
       (i) = spdk_env_get_next_core((i)))

/* The backend clock in ticks. lockstep's ticks are nanoseconds (spdk_get_ticks_hz() is
 * 1000000000) on both backends: TSC-derived on the real backend, the core's virtual clock in
 * the simulator. 0 outside a run. */
uint64_t spdk_get_ticks(void);
uint64_t spdk_get_ticks_hz(void);

/* Waits `us` microseconds of backend time, keeping the core: a busy wait on the real backend
 * (as SPDK); in the simulator the calling core's virtual clock moves on by `us` (the other
 * cores do not run meanwhile on the real machine either: this core is busy). Outside a run:
 * a plain sleep. */
void spdk_delay_us(unsigned int us);
/* A short pause for spin loops (the CPU's pause instruction). */
void spdk_pause(void);

/* The NUMA socket of `core`: 0 (lockstep does not place memory by socket). */
uint32_t spdk_env_get_socket_id(uint32_t core);

/* Memory with SPDK's allocation interface, from the process heap.
 * align: 0, or a power of two; the buffer is aligned to at least SPDK_ENV's cache line (64
 * bytes) either way. phys_addr (deprecated in SPDK): when not NULL, receives the virtual
 * address (lockstep does no DMA). socket_id: a socket or SPDK_ENV_SOCKET_ID_ANY (not used).
 * flags: SPDK_MALLOC_DMA and/or SPDK_MALLOC_SHARE.
 * Returns NULL when memory runs out, for size 0, or for an align that is not a power of two.
 * Free with spdk_free (spdk_dma_* with spdk_dma_free; the two are the same here). */
void *spdk_malloc(size_t size, size_t align, uint64_t *phys_addr, int socket_id, uint32_t flags);
/* As spdk_malloc, zeroed. */
void *spdk_zmalloc(size_t size, size_t align, uint64_t *phys_addr, int socket_id, uint32_t flags);
/* Resizes buf (from spdk_malloc/spdk_zmalloc; NULL allocates) keeping its contents; NULL when
 * memory runs out (buf is then left as it was). */
void *spdk_realloc(void *buf, size_t size, size_t align);
/* Frees a buffer of spdk_malloc / spdk_zmalloc / spdk_realloc; NULL does nothing. */
void spdk_free(void *buf);

void *spdk_dma_malloc(size_t size, size_t align, uint64_t *phys_addr);
void *spdk_dma_malloc_socket(size_t size, size_t align, uint64_t *phys_addr, int socket_id);
void *spdk_dma_zmalloc(size_t size, size_t align, uint64_t *phys_addr);
void *spdk_dma_zmalloc_socket(size_t size, size_t align, uint64_t *phys_addr, int socket_id);
void *spdk_dma_realloc(void *buf, size_t size, size_t align, uint64_t *phys_addr);
void spdk_dma_free(void *buf);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_ENV_H */
