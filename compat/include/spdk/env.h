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

/* Memory pools (spdk_mempool), as SPDK's env gives them: `count` elements of `ele_size` bytes,
 * made once, taken and returned many times; thread-safe (any core, any thread).
 * lockstep's pool is the same on both backends: one block from the process heap (each element
 * aligned to 64 bytes), a free list under a lock; elements are handed out lowest address first
 * and returned last-in first-out, so that a simulation takes them in the same order every time.
 * cache_size (DPDK's per-lcore caches) is accepted and not used: every get and put takes the lock.
 * spdk_mempool_create returns NULL (errno set) when name is NULL, empty or longer than
 * SPDK_MEMPOOL_NAME_MAX characters (ENAMETOOLONG: a name is never truncated), a pool of that name
 * exists (EEXIST), count or ele_size is 0 (EINVAL), or memory runs out (ENOMEM). */
struct spdk_mempool;
#define SPDK_MEMPOOL_DEFAULT_CACHE_SIZE SIZE_MAX
/* The longest pool name, as DPDK's mempools allow (RTE_MEMPOOL_NAMESIZE - 1). */
#define SPDK_MEMPOOL_NAME_MAX 25
/* Called once per element at creation (spdk_mempool_create_ctor) and by spdk_mempool_obj_iter. */
typedef void(spdk_mempool_obj_cb_t)(struct spdk_mempool *mp, void *opaque, void *obj,
                                    unsigned obj_idx);
/* Called once per memory chunk (lockstep's pools have one) by spdk_mempool_mem_iter; iova is
 * the address (lockstep does no DMA). */
typedef void(spdk_mempool_mem_cb_t)(struct spdk_mempool *mp, void *opaque, void *addr,
                                    uint64_t iova, size_t len, unsigned mem_idx);
struct spdk_mempool *spdk_mempool_create(const char *name, size_t count, size_t ele_size,
                                         size_t cache_size, int socket_id);
struct spdk_mempool *spdk_mempool_create_ctor(const char *name, size_t count, size_t ele_size,
                                              size_t cache_size, int socket_id,
                                              spdk_mempool_obj_cb_t *obj_init, void *obj_init_arg);
char *spdk_mempool_get_name(struct spdk_mempool *mp);
/* Frees the pool and its elements (those still taken too); NULL does nothing. */
void spdk_mempool_free(struct spdk_mempool *mp);
/* An element, or NULL when every element is taken (an exhausted pool: not an error). */
void *spdk_mempool_get(struct spdk_mempool *mp);
/* All `count` elements, or none: 0, or -ENOMEM (ele_arr untouched) when fewer are free. */
int spdk_mempool_get_bulk(struct spdk_mempool *mp, void **ele_arr, size_t count);
/* Returns an element. Misuse, which ends the run as a failed check (aborts outside a run): an
 * element that is not one of this pool's, or one that is already in the pool (a double put). */
void spdk_mempool_put(struct spdk_mempool *mp, void *ele);
void spdk_mempool_put_bulk(struct spdk_mempool *mp, void **ele_arr, size_t count);
/* The number of free elements. */
size_t spdk_mempool_count(const struct spdk_mempool *pool);
/* Calls obj_cb on every element in address order; returns how many. */
uint32_t spdk_mempool_obj_iter(struct spdk_mempool *mp, spdk_mempool_obj_cb_t obj_cb,
                               void *obj_cb_arg);
/* Calls mem_cb on the pool's one memory chunk; returns 1. */
uint32_t spdk_mempool_mem_iter(struct spdk_mempool *mp, spdk_mempool_mem_cb_t mem_cb,
                               void *mem_cb_arg);
/* The pool of that name, or NULL. */
struct spdk_mempool *spdk_mempool_lookup(const char *name);

/* Rings of pointers (spdk_ring), as SPDK's env gives them: exactly `count` slots; thread-safe
 * whatever the type (lockstep takes a lock for every operation; the type is checked, not used).
 * spdk_ring_create returns NULL for a type that is not one of the three or for count 0. */
struct spdk_ring;
enum spdk_ring_type {
  SPDK_RING_TYPE_SP_SC, /* single producer, single consumer */
  SPDK_RING_TYPE_MP_SC, /* multiple producers, single consumer */
  SPDK_RING_TYPE_MP_MC, /* multiple producers, multiple consumers */
};
struct spdk_ring *spdk_ring_create(enum spdk_ring_type type, size_t count, int socket_id);
/* Frees the ring (what is still queued is not freed: the pointers are the caller's). */
void spdk_ring_free(struct spdk_ring *ring);
size_t spdk_ring_count(struct spdk_ring *ring);
/* Queues all `count` objects or none (as SPDK: a bulk enqueue): returns count or 0; free_space,
 * when not NULL, receives the free slots after the call. */
size_t spdk_ring_enqueue(struct spdk_ring *ring, void **objs, size_t count, size_t *free_space);
/* Dequeues up to `count` objects, oldest first; returns how many. */
size_t spdk_ring_dequeue(struct spdk_ring *ring, void **objs, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_ENV_H */
