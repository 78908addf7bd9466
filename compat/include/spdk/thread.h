/* spdk/thread.h (lockstep compatibility): spdk_thread, pollers, messages, io_devices and
 * io_channels with SPDK v23.01's signatures and rules, on lockstep's reactors.
 *
 * The model (docs/spdk_compat.md, "spdk_thread"):
 *   - An spdk_thread is a lightweight thread placed on one reactor core for its life:
 *     spdk_thread_create picks the core from its cpumask, round-robin over the mask's reactor
 *     cores in creation order (deterministic). Its messages and pollers run on that core, one at
 *     a time with the core's events, never in parallel with each other.
 *   - Every reactor core also has its own thread, made when the run starts: "app_thread" on the
 *     first core (id 1, spdk_thread_get_app_thread), "reactor_<core>" on the others. Code that
 *     runs on a core outside any created thread (an spdk_event, the start function, a poller
 *     registered there) runs on that thread, so event programs keep working unchanged.
 *   - A message is a lockstep event taken from the event pool and named after its function:
 *     spdk_thread_send_msg returns -ENOMEM when the pool is exhausted or (simulator) an
 *     allocation fault is injected. Messages from one thread to another run in the order they
 *     were sent (per sender/target pair FIFO); nothing else is promised.
 *   - Misuse (a put of another thread's channel, unregistering a device twice, exiting another
 *     thread, ...) is a check that ends the run with a message naming it (lockstep's rule; SPDK
 *     asserts in debug builds only).
 * Threads, devices and channels belong to the run: each run starts with none but the reactor
 * threads, and whatever is left when the run ends is freed with it. Outside a run the
 * functions refuse as lockstep's API does: a message, then NULL / an error code. */
#ifndef LOCKSTEP_SPDK_THREAD_H
#define LOCKSTEP_SPDK_THREAD_H

#include <assert.h>

#include "spdk/stdinc.h"
#include "spdk/cpuset.h"
#include "spdk/env.h"
#include "spdk/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a poller returns. */
enum spdk_thread_poller_rc {
  SPDK_POLLER_IDLE,
  SPDK_POLLER_BUSY,
};

struct spdk_thread;            /* opaque */
struct spdk_poller;            /* opaque */
struct spdk_io_channel_iter;   /* opaque */

/* SPDK's callback for frameworks that run threads themselves; see spdk_thread_lib_init. */
typedef int (*spdk_new_thread_fn)(struct spdk_thread *thread);
enum spdk_thread_op {
  SPDK_THREAD_OP_NEW,
  SPDK_THREAD_OP_RESCHED,
};
typedef int (*spdk_thread_op_fn)(struct spdk_thread *thread, enum spdk_thread_op op);
typedef bool (*spdk_thread_op_supported_fn)(enum spdk_thread_op op);

/* A message: fn(ctx), run later on the target thread. */
typedef void (*spdk_msg_fn)(void *ctx);
typedef void (*spdk_thread_pass_msg)(spdk_msg_fn fn, void *ctx, void *thread_ctx);
/* A poller: > 0 (SPDK_POLLER_BUSY) when it did work, 0 (SPDK_POLLER_IDLE) when not. */
typedef int (*spdk_poller_fn)(void *ctx);

/* An io_device's per-thread channel: create_cb fills ctx_buf (ctx_size bytes, zeroed) when a
 * thread first gets a channel, returns 0 or an error (then spdk_get_io_channel returns NULL);
 * destroy_cb tears it down after the thread's last put. */
typedef int (*spdk_io_channel_create_cb)(void *io_device, void *ctx_buf);
typedef void (*spdk_io_channel_destroy_cb)(void *io_device, void *ctx_buf);
typedef void (*spdk_io_device_unregister_cb)(void *io_device);
/* spdk_for_each_channel's per-channel function and completion. */
typedef void (*spdk_channel_msg)(struct spdk_io_channel_iter *i);
typedef void (*spdk_channel_for_each_cpl)(struct spdk_io_channel_iter *i, int status);

/* A channel's context lies this many bytes after the channel (spdk_io_channel_get_ctx). */
#define SPDK_IO_CHANNEL_STRUCT_SIZE 96
#define SPDK_DEFAULT_MSG_MEMPOOL_SIZE (262144 - 1)

/* --- The thread library ---------------------------------------------------------------- */

/* Sets the size of every thread's context area (spdk_thread_get_ctx) for threads created
 * after it. lockstep's reactors run the threads: new_thread_fn must be NULL (a framework that
 * polls threads itself is not supported: -ENOTSUP and an error line). Returns 0. Callable
 * outside a run, as in SPDK before the reactors start. */
int spdk_thread_lib_init(spdk_new_thread_fn new_thread_fn, size_t ctx_sz);
/* As spdk_thread_lib_init; thread_op_fn must be NULL, msg_mempool_size is not used (messages
 * come from the run's event pool: size it with the backend's event_pool_size). */
int spdk_thread_lib_init_ext(spdk_thread_op_fn thread_op_fn,
                             spdk_thread_op_supported_fn thread_op_supported_fn, size_t ctx_sz,
                             size_t msg_mempool_size);
/* Ends the library's use (resets the context size). Threads belong to runs: nothing to free. */
void spdk_thread_lib_fini(void);

/* --- Threads ---------------------------------------------------------------------------- */

/* Creates a thread named `name` (NULL: a name made from its id) placed on one reactor core of
 * cpumask (NULL: any reactor core), round-robin over those cores. Returns NULL, with an error
 * line, when cpumask holds no reactor core of the run, outside a run, or when memory runs out.
 * Callable from any reactor core. */
struct spdk_thread *spdk_thread_create(const char *name, const struct spdk_cpuset *cpumask);
/* The first core's thread ("app_thread"); NULL outside a run. */
struct spdk_thread *spdk_thread_get_app_thread(void);
/* Makes `thread` the calling core's current thread until changed (NULL: back to the thread of
 * whatever runs). Misuse: a thread placed on another core, or destroyed. */
void spdk_set_thread(struct spdk_thread *thread);
/* Asks the calling thread to exit: it becomes exiting now and exited, asynchronously, once it
 * has no poller (active or paused), no io_channel, no message in flight to it and no
 * unregistration of an io_device waiting on it. Returns 0 (also when already exiting).
 * Misuse: `thread` is not the calling thread, or is a reactor core's own thread. */
int spdk_thread_exit(struct spdk_thread *thread);
bool spdk_thread_is_exited(struct spdk_thread *thread);
bool spdk_thread_is_running(struct spdk_thread *thread);
/* Destroys an exited thread (its id is not reused). Misuse: not exited yet, already destroyed,
 * or a reactor core's own thread. */
void spdk_thread_destroy(struct spdk_thread *thread);
/* The thread's context area (spdk_thread_lib_init's ctx_sz bytes, zeroed), NULL when 0. */
void *spdk_thread_get_ctx(struct spdk_thread *thread);
/* The cpumask the thread was created with (the full set for NULL). */
struct spdk_cpuset *spdk_thread_get_cpumask(struct spdk_thread *thread);
/* Moving a thread to other cores is not supported: -ENOTSUP and an error line. */
int spdk_thread_set_cpumask(struct spdk_cpuset *cpumask);
/* The thread whose context area is ctx. */
struct spdk_thread *spdk_thread_get_from_ctx(void *ctx);
/* Whether the thread has active (non-paused) pollers: 1 or 0. */
int spdk_thread_has_active_pollers(struct spdk_thread *thread);
/* Whether the thread has any poller, paused ones included. */
bool spdk_thread_has_pollers(struct spdk_thread *thread);
/* No poller and no message in flight to it. */
bool spdk_thread_is_idle(struct spdk_thread *thread);
/* Threads of the run not yet destroyed (the reactor threads included); 0 outside a run. */
uint32_t spdk_thread_get_count(void);
/* The thread running the caller: inside a message its target, inside a poller its thread, else
 * the thread set with spdk_set_thread, else the core's own thread. NULL outside a reactor. */
struct spdk_thread *spdk_get_thread(void);
const char *spdk_thread_get_name(const struct spdk_thread *thread);
/* Ids count from 1 in creation order (the reactor threads first), never reused in a run. */
uint64_t spdk_thread_get_id(const struct spdk_thread *thread);
/* The thread with that id; NULL (and an error line) for 0, an id never given, or a destroyed
 * thread. */
struct spdk_thread *spdk_thread_get_by_id(uint64_t id);

/* --- Messages --------------------------------------------------------------------------- */

/* Sends fn(ctx) to run once on `thread`, later (never inline). Returns 0; -ENOMEM when no event
 * can be allocated (pool exhausted, or an allocation fault injected); -EIO when the thread has
 * exited. Messages from one thread to one thread run in send order. Callable from any reactor
 * core. The trace names the message after fn. Misuse: thread NULL or destroyed, fn NULL. */
int spdk_thread_send_msg(const struct spdk_thread *thread, spdk_msg_fn fn, void *ctx);
/* Sends fn(NULL) to `thread` through its one critical slot: -EIO when the slot is taken.
 * The message runs before the thread's next message, or on its own when an event can be
 * allocated for it now. */
int spdk_thread_send_critical_msg(struct spdk_thread *thread, spdk_msg_fn fn);
/* Runs fn(ctx) now when `thread` is the caller's, else sends it. */
static inline int spdk_thread_exec_msg(const struct spdk_thread *thread, spdk_msg_fn fn,
                                       void *ctx) {
  assert(thread != NULL);
  if (spdk_get_thread() == thread) {
    fn(ctx);
    return 0;
  }
  return spdk_thread_send_msg(thread, fn, ctx);
}
/* Runs fn(ctx) on every running thread once, each on its own thread, one after another in
 * creation order, then cpl(ctx) on the calling thread. The messages of the walk are retried
 * when an allocation fails (it never loses a thread). */
void spdk_for_each_thread(spdk_msg_fn fn, void *ctx, spdk_msg_fn cpl);

/* --- Pollers ---------------------------------------------------------------------------- */

/* Registers fn(arg) on the calling thread: every iteration of its core's reactor when
 * period_microseconds is 0, else first one period after registration and then every period.
 * Returns NULL (with an error line) outside a reactor core or on an exited thread. */
struct spdk_poller *spdk_poller_register(spdk_poller_fn fn, void *arg,
                                         uint64_t period_microseconds);
/* As spdk_poller_register; traces name pollers by their function. */
struct spdk_poller *spdk_poller_register_named(spdk_poller_fn fn, void *arg,
                                               uint64_t period_microseconds, const char *name);
#define SPDK_POLLER_REGISTER(fn, arg, period_microseconds) \
  spdk_poller_register_named(fn, arg, period_microseconds, #fn)
/* Unregisters *ppoller and sets it to NULL; *ppoller == NULL does nothing. Safe from inside
 * the poller itself. Misuse: ppoller NULL, or a poller of another thread. */
void spdk_poller_unregister(struct spdk_poller **ppoller);
/* Stops calling the poller until spdk_poller_resume (a paused poller still keeps its thread from
 * exiting). Pausing a paused poller, or resuming a running one, does nothing. A resumed timed
 * poller runs first one period after the resume. Misuse: a poller of another thread. */
void spdk_poller_pause(struct spdk_poller *poller);
void spdk_poller_resume(struct spdk_poller *poller);

/* --- io_devices and io_channels --------------------------------------------------------- */

/* Registers io_device (any unique address) with its channel callbacks; ctx_size bytes of
 * context per channel. Misuse: io_device, create_cb or destroy_cb NULL; outside a thread.
 * A second registration of the same address is refused with an error line (as SPDK). */
void spdk_io_device_register(void *io_device, spdk_io_channel_create_cb create_cb,
                             spdk_io_channel_destroy_cb destroy_cb, uint32_t ctx_size,
                             const char *name);
/* Unregisters io_device: no new channel can be got; unregister_cb (if not NULL) runs on the
 * calling thread, as a message, once every channel of the device is gone (and any
 * spdk_for_each_channel on it completed). Misuse: not registered, or unregistered twice. */
void spdk_io_device_unregister(void *io_device, spdk_io_device_unregister_cb unregister_cb);
/* The calling thread's channel to io_device, created (create_cb) on the first get and
 * reference counted after. NULL (with an error line) when the device is not registered or is
 * being unregistered, the thread has exited, create_cb failed, or memory ran out. */
struct spdk_io_channel *spdk_get_io_channel(void *io_device);
/* Drops one reference; after the last, the channel is destroyed later, by a message to its
 * thread (destroy_cb runs there, unless a get took the channel again meanwhile). Misuse: ch
 * NULL, a channel of another thread, or a put without a reference. */
void spdk_put_io_channel(struct spdk_io_channel *ch);
/* The channel's context area (ctx_size bytes). */
static inline void *spdk_io_channel_get_ctx(struct spdk_io_channel *ch) {
  return (uint8_t *)ch + SPDK_IO_CHANNEL_STRUCT_SIZE;
}
/* The channel whose context area is ctx. */
struct spdk_io_channel *spdk_io_channel_from_ctx(void *ctx);
/* The thread the channel belongs to. */
struct spdk_thread *spdk_io_channel_get_thread(struct spdk_io_channel *ch);
void *spdk_io_channel_get_io_device(struct spdk_io_channel *ch);
/* The channel's reference count (gets minus puts). */
int spdk_io_channel_get_ref_count(struct spdk_io_channel *ch);

/* Calls fn(i) on every thread that has a channel to io_device, one thread after another in
 * thread creation order, each on its own thread; fn ends its turn with
 * spdk_for_each_channel_continue(i, status). A non-zero status ends the walk early. Then
 * cpl(i, status) runs on the calling thread. A channel released before its turn is skipped.
 * Misuse: io_device not registered. */
void spdk_for_each_channel(void *io_device, spdk_channel_msg fn, void *ctx,
                           spdk_channel_for_each_cpl cpl);
void *spdk_io_channel_iter_get_io_device(struct spdk_io_channel_iter *i);
/* The channel of this turn (NULL in the completion). */
struct spdk_io_channel *spdk_io_channel_iter_get_channel(struct spdk_io_channel_iter *i);
void *spdk_io_channel_iter_get_ctx(struct spdk_io_channel_iter *i);
/* Ends fn's turn. Misuse: called on another thread than the turn's, or twice for one turn. */
void spdk_for_each_channel_continue(struct spdk_io_channel_iter *i, int status);

/* SPDK's interrupt mode (reactors sleeping on file descriptors): lockstep's reactors always
 * poll, so it is never enabled. */
bool spdk_interrupt_mode_is_enabled(void);

/* SPDK's spinlock (v23.01): a spinlock that knows its holder, for short critical
 * sections inside one message, poller or event of an SPDK thread. Misuse ends the run as a
 * failed check naming it (as SPDK aborts): locking from a thread that is not an SPDK thread,
 * locking a lock the caller holds (a deadlock), unlocking a lock the caller does not hold,
 * destroying a held lock, and holding a lock past the end of what took it — found when a
 * message returns holding one, when the next message starts on a core where a lock is still
 * held, and when another thread of the same core (or, in the simulator, where only one thing
 * runs at a time, of any core) finds the lock taken. On the real backend a lock held by a
 * thread of another core is waited for, as SPDK does. */
struct spdk_spinlock {
  int locked;                 /* 0 or 1, changed atomically (no pthread type: strict C11 too) */
  struct spdk_thread *thread; /* the holder, or NULL */
};
void spdk_spin_init(struct spdk_spinlock *sspin);
void spdk_spin_destroy(struct spdk_spinlock *sspin);
void spdk_spin_lock(struct spdk_spinlock *sspin);
void spdk_spin_unlock(struct spdk_spinlock *sspin);
/* Whether the calling SPDK thread holds the lock. */
bool spdk_spin_held(struct spdk_spinlock *sspin);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_THREAD_H */
