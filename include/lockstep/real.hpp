// lockstep::real — the DPDK backend: one reactor per EAL lcore.
//
// run() initializes DPDK's EAL (once per process), starts one reactor on every lcore of the EAL
// core list (the main lcore runs its reactor too, on the thread that called run), and runs
// `start` as the first event on the main lcore. Events come from an rte_mempool with a per-lcore
// cache; now_ns() is derived from the TSC.
//
// Hand-over: each ordered pair of reactors has its own single-producer/single-consumer queue;
// event_call pushes the event into it at once (events a core sends to itself go to a plain list
// instead: a same-core fast path, still in call order). When a pair's queue is full (128 events
// waiting), the sender keeps the event and every later one for that target in call order and
// hands them over at the end of its bursts and iterations as the target makes room — event_call
// never fails. Threads that are not lcores send through one multi-producer ring per target.
// Either way a handler must not spin waiting for another core's answer to an event it sent (an
// event held back by a full queue leaves only when the handler returns; the simulator cannot
// run such waiting either).
//
// Threading: run() must be called from the process's main thread — the thread that becomes
// EAL's main lcore on the first call — and never from inside a run. Every lockstep API call
// may be made from any lcore concurrently. Threads that are not lcores may allocate and call
// events (they count as an external sender: per-pair FIFO holds per thread); start them with
// lockstep::external_thread_start, which the simulator runs too (it refuses a thread the program
// starts itself), and run() joins them before it returns. After app_stop their allocations
// return nullptr.
//
// Failures: a LOCKSTEP_CHECK failure or API misuse prints the message on stderr and aborts the
// process (the running event cannot be abandoned on a real core).
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lockstep::real {

struct options {
  // EAL arguments (without argv[0]). The default runs two lcores anywhere, without hugepages;
  // docs/real_backend.md gives production arguments (hugepages, isolated cores, -l,
  // --main-lcore). When they name none of --file-prefix (--file-prefix X or
  // --file-prefix=X), --no-shconf or --in-memory, run adds --file-prefix=lockstep_pid<pid>: each
  // process keeps its runtime files apart, so that several processes run side by side (DPDK's
  // shared default prefix admits one primary process per machine). This vector stays as given
  // (a later run's eal_args are compared with it, not with the addition).
  std::vector<std::string> eal_args = {"-l", "0-1", "--no-huge", "--no-pci", "-m", "256"};
  // Events in the pool (1 .. 2^24). 2^k - 1 uses memory best (an rte_mempool detail).
  uint32_t event_pool_size = 262143;
  // Called as an event on the main lcore when SIGINT or SIGTERM arrives during the run;
  // nullptr means app_stop(0). Requests that arrive while one is queued or running coalesce.
  void (*shutdown_cb)() = nullptr;
  // Record the run's trace (per-lcore buffers; off by default) and write it to trace_path when
  // the run ends, in the simulator's trace format (docs/trace_format.md): cores are reactor
  // indices (the header's options line lists their lcores), times are TSC nanoseconds since the
  // run began. A failed check aborts the process before the trace is written.
  bool trace = false;
  std::string trace_path = "lockstep_real.trace";
  // Addition: record the run for a replay in the simulator (docs/record_replay.md): when not
  // empty, the path the recording is written to, in the trace's format (written here instead of
  // trace_path), also when a check fails: the failing lcore stops the others between their
  // iterations, writes the recording with the failure, then aborts as always. Without `trace`
  // it is recorded in compact per-lcore entries while the reactors run whole iterations (about
  // 8 ns more per local event); with `trace` too, from the trace (every step timed).
  // lockstep::sim::replay_recording (lockstep/recording.hpp) replays it.
  std::string record;
};

struct run_stats {
  uint64_t events_executed = 0;  // including the start event and shutdown requests
  uint64_t alloc_failures = 0;   // every nullptr from event_allocate: exhausted pool or bad core
  uint64_t dropped_events = 0;   // queued when the app stopped, returned to the pool
  // Additions beyond the contract:
  uint64_t leaked_events = 0;    // allocated and never called: not back in the pool at the end
  uint64_t pollers_run = 0;
  uint32_t lcores = 0;           // reactors that ran (0: the run did not start)
  // The signal (SIGINT or SIGTERM) whose arrival queued the shutdown request (the first, if
  // several did); 0 when none arrived during the run: it ended by the application's own
  // app_stop. Set whatever the shutdown_cb, the default included.
  int interrupted_by = 0;
  std::string failure;           // when the run did not start: why (also printed on stderr)
};

// The return value of run() when it could not start (bad options, EAL or memory failure, a run
// already executing, a call from the wrong thread); the reason is printed on stderr and
// `start` was not called. An application that wants to tell this apart from its own app_stop
// rc can check run_stats::lcores == 0.
inline constexpr int run_failed = -1;

// Initializes DPDK EAL from opts.eal_args on the first call, starts one reactor per lcore, runs
// `start` as an event on the main lcore's reactor, and returns the rc given to app_stop once
// every reactor has stopped, every external thread started in the run
// (lockstep::external_thread_start) has returned — a body must end once the application has
// stopped — and every queued event has been dropped (counted in
// stats->dropped_events and returned to the pool). stats may be nullptr.
//
// SIGINT and SIGTERM are handled during the run (opts.shutdown_cb as an event on the main lcore;
// stats->interrupted_by names the signal) and the previous handlers are restored before run
// returns. A signal that is ignored when run starts (SIG_IGN, inherited by a shell's background
// job or set by nohup) stays ignored: no handler is installed for it.
//
// EAL initializes once per process: later calls reuse it; eal_args that differ from the first
// call's are reported on stderr and have no effect. A failed EAL initialization cannot be
// retried (DPDK keeps its half-parsed state): that call and every later one return run_failed.
// EAL is cleaned up (rte_eal_cleanup) at process exit.
//
// Events not yet called when run returns are invalid afterwards (their pool is freed).
int run(const options& opts, std::function<void()> start, run_stats* stats = nullptr);

}  // namespace lockstep::real
