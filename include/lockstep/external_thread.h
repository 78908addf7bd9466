/* lockstep — threads that are not reactors, from C (lockstep::external_thread_start and
 * lockstep::external_thread_yield in lockstep/lockstep.hpp say the same for C++).
 *
 * An external thread is a thread of the application that is not a reactor and still allocates
 * and calls events, calls app_stop, reads now_ns or core_count — as SPDK's threads that send
 * through its multi-producer ring. Both backends run it, and agree:
 *   - real backend: an OS thread; its events go through the targets' multi-producer rings
 *     (per-pair FIFO from the thread to each core).
 *   - simulator: a thread that runs only while it holds the simulator's baton; every lockstep
 *     call it makes is a point of the schedule (the decision stream picks whether it goes on or
 *     a core steps), so its interleavings with the cores replay and shrink like any other. It is
 *     a sender of its own (per-pair FIFO to each core); allocation faults strike its
 *     allocations. A thread the program starts itself (pthread_create, std::thread) is refused
 *     by the simulator: start it with this call instead.
 * The backend's run returns only after every external thread started in it has returned. After
 * app_stop, event_allocate from an external thread returns NULL (counted as an allocation
 * failure), so that a loop of sends finds its end: a body must return once the application
 * has stopped (the simulator ends a body still running when its run is over at its next
 * lockstep call, without running it further).
 */
#ifndef LOCKSTEP_EXTERNAL_THREAD_H
#define LOCKSTEP_EXTERNAL_THREAD_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts fn(arg) on an external thread of the running application. Call it from inside a run
 * (an event, a poller, the start function, or another external thread). Returns 0, -EINVAL when
 * fn is NULL, -EPERM outside a run (with a message on stderr), -EAGAIN when the system cannot
 * start a thread. Too many live external threads in one simulation (cores plus external
 * threads above 63) is misuse: it ends the run as a failed check does. */
int lockstep_external_thread_start(void (*fn)(void *arg), void *arg);

/* Lets others run: on the real backend the OS's turn (sched_yield), in the simulator a point of
 * the schedule. A body that waits for something (a flag another core sets) calls it in its
 * loop, so that the simulator can run the cores meanwhile. */
void lockstep_external_thread_yield(void);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_EXTERNAL_THREAD_H */
