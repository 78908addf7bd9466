/* spdk/event.h (lockstep compatibility): events between reactor cores, and the application
 * frame (spdk_app_opts, spdk_app_start, spdk_app_stop).
 *
 * Events map onto lockstep::event_allocate / lockstep::event_call with lockstep's guarantees:
 * an event runs exactly once, later (never inline), on its target core; events from one core
 * to one core run in call order; nothing else about order is promised. */
#ifndef LOCKSTEP_SPDK_EVENT_H
#define LOCKSTEP_SPDK_EVENT_H

#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/log.h"
#include "spdk/thread.h"

struct spdk_pci_addr; /* spdk/env.h (PCI devices: kept in options, unused by lockstep) */

#ifdef __cplusplus
extern "C" {
#endif

/* The function an event runs on its target core. */
typedef void (*spdk_event_fn)(void *arg1, void *arg2);

struct spdk_event; /* opaque: owned by lockstep's pool, lent between allocate and call */

/* Takes an event from the backend's finite pool, to run fn(arg1, arg2) on core `lcore`.
 * Returns NULL when the pool is exhausted, when the simulator injects an allocation failure,
 * or when lcore is not a reactor core: check it. The caller owns the event until
 * spdk_event_call. Callable from any core.
 *
 * The macro form records the function's spelling for traces (a trace shows
 * "process_task_on_core", not an address); the function of the same name exists too, so its
 * address can be taken: (spdk_event_allocate)(...) or &spdk_event_allocate. */
struct spdk_event *spdk_event_allocate(uint32_t lcore, spdk_event_fn fn, void *arg1, void *arg2);
struct spdk_event *lockstep_spdk_event_allocate_named(uint32_t lcore, spdk_event_fn fn,
                                                      void *arg1, void *arg2,
                                                      const char *fn_name);
#define spdk_event_allocate(lcore, fn, arg1, arg2) \
  lockstep_spdk_event_allocate_named((lcore), (fn), (arg1), (arg2), #fn)

/* Hands the event over; it runs once on its target core, later. After spdk_app_stop it may be
 * dropped instead (counted, returned to the pool).
 * Misuse ends the run as a failed check (simulator: outcome failed, with a message naming the
 * call site; real backend: the message, then abort): event == NULL (an unchecked failed
 * spdk_event_allocate), an event called twice.
 * The macro form passes the call site for that message; the function exists too. */
void spdk_event_call(struct spdk_event *event);
void lockstep_spdk_event_call_at(struct spdk_event *event, const char *file, int line,
                                 const char *func);
#define spdk_event_call(event) lockstep_spdk_event_call_at((event), __FILE__, __LINE__, __func__)

/* What the application frame calls on a shutdown request (SIGINT/SIGTERM on the real backend;
 * an injected request in the simulator), as an event on the main core. */
typedef void (*spdk_app_shutdown_cb)(void);

/* The application frame's options, with SPDK's field names. Initialize with
 * spdk_app_opts_init, then set fields (or let spdk_app_parse_args set them from the command line).
 * What lockstep does with each is noted; fields marked "kept" are stored for code that reads
 * them and otherwise unused: lockstep has no RPC server, JSON configuration, trace points, PCI
 * devices or shared-memory multi-process mode. spdk_app_start warns (SPDK_WARNLOG) about the
 * unused fields whose setting would change what SPDK does (json_config_file,
 * delay_subsystem_init, pci_allowed/pci_blocked, log). */
struct spdk_app_opts {
  const char *name;             /* the application's name: log lines of spdk_app_start */
  const char *json_config_file; /* kept; warned about (no subsystems to configure) */
  bool json_config_ignore_errors; /* kept */
  const char *rpc_addr;         /* kept (no RPC server); default "/var/tmp/spdk.sock" */
  const char *reactor_mask;     /* cores to run reactors on: "0x3" (hex mask), "[0-1,3]" or
                                   "0-1,3" (lcore list); default "0x1" as SPDK */
  const char *tpoint_group_mask; /* kept (lockstep traces: lockstep::real::options.trace) */
  int shm_id;                   /* kept; default -1 */
  spdk_app_shutdown_cb shutdown_cb; /* default NULL: a shutdown request stops the app, rc 0 */
  bool enable_coredump;         /* kept; default true */
  int mem_channel;              /* EAL -n when > 0; default -1 */
  int main_core;                /* the main lcore (start function, shutdown_cb); -1: lowest */
  int mem_size;                 /* EAL memory in MB; default 256 (SPDK: -1, DPDK's default) */
  bool no_pci;                  /* EAL --no-pci; default true (lockstep needs no devices) */
  bool hugepage_single_segments; /* EAL --single-file-segments */
  bool unlink_hugepage;         /* EAL --huge-unlink */
  const char *hugedir;          /* EAL --huge-dir */
  enum spdk_log_level print_level;  /* default SPDK_LOG_NOTICE */
  size_t num_pci_addr;          /* kept */
  struct spdk_pci_addr *pci_blocked; /* kept; warned about */
  struct spdk_pci_addr *pci_allowed; /* kept; warned about */
  const char *iova_mode;        /* EAL --iova-mode */
  bool delay_subsystem_init;    /* kept; warned about (start_fn is not delayed) */
  uint64_t num_entries;         /* kept; default 32768 */
  void *env_context;            /* further EAL arguments: a char string, separated by spaces */
  logfunc *log;                 /* kept; warned about (lines go to the compat log) */
  uint64_t base_virtaddr;       /* EAL --base-virtaddr when not the default 0x200000000000 */
  size_t opts_size;             /* set by spdk_app_opts_init */
  bool disable_signal_handlers; /* kept; warned about (the real backend turns SIGINT/SIGTERM
                                   into a shutdown request during every run) */
  size_t msg_mempool_size;      /* kept; default 262143 */
  const char **rpc_allowlist;   /* kept */
  const char *vf_token;         /* kept */
  /* lockstep's own: */
  bool no_huge;                 /* EAL --no-huge; default true (lockstep's pools fit in
                                   ordinary pages) */
  uint32_t event_pool_size;     /* events in the pool; 0: the backend's default */
};

/* Fills *opts with the defaults above. opts_size is sizeof(struct spdk_app_opts) as the
 * caller knows it (as in SPDK): fields beyond it are not written. */
void spdk_app_opts_init(struct spdk_app_opts *opts, size_t opts_size);

/* Runs the application: one reactor per core of opts->reactor_mask, start_fn(ctx) as the
 * first event on the main core. Blocks until spdk_app_stop is called and every reactor has
 * stopped; returns spdk_app_stop's rc.
 * Which backend runs it is chosen when the program is linked: lockstep's real (DPDK) backend,
 * or the simulator for a program that also links lockstep::spdk_app_sim (see
 * docs/spdk_compat.md: "SPDK programs in the simulator"). In the simulator the mask's count of
 * cores are simulated as cores 0..n-1, the run's options come from the environment variable
 * LOCKSTEP_SPDK_SIM, a summary line with the replay line goes to stderr, and an outcome other
 * than stopped (hang, step_limit, failed) returns -1.
 * Fails without running start_fn: -EINVAL (with an SPDK_ERRLOG line) for invalid options
 * (NULL, opts_size not sizeof(struct spdk_app_opts), a malformed reactor_mask, a main_core
 * outside it, bad LOCKSTEP_SPDK_SIM options); -ENOTSUP when the chosen backend is not in this
 * build; -1 (lockstep::real::run_failed, with EAL's message) when EAL cannot start. DPDK
 * initializes EAL once per process: a second spdk_app_start in one process runs on the first
 * one's lcores (and says so). Call from the main thread, outside any reactor.
 * To run a start function many times in the simulator (exploring seeds), see
 * lockstep/spdk_compat.hpp (run_sim). */
int spdk_app_start(struct spdk_app_opts *opts, spdk_msg_fn start_fn, void *ctx);

/* Starts the shutdown as a SIGINT/SIGTERM would: opts.shutdown_cb (or, without one,
 * spdk_app_stop(0)) runs as an event on the main core. For applications whose shutdown is not
 * started by a signal. Callable from any core of a running application (from outside a run:
 * an error line, nothing done; when the event pool has no event for it: an error line, and
 * spdk_app_stop(0) instead, so that the application still ends). */
void spdk_app_start_shutdown(void);

/* The shm_id of the running (or last) application's options; -1 before the first. */
int spdk_app_get_shm_id(void);

/* SPDK's common options, in getopt form. An application's own getopt string must not repeat
 * any of these letters. */
#define SPDK_APP_GETOPT_STRING "c:de:ghi:m:n:p:r:s:uvA:B:L:RW:"

enum spdk_app_parse_args_rvals {
  SPDK_APP_PARSE_ARGS_HELP = 0,
  SPDK_APP_PARSE_ARGS_SUCCESS = 1,
  SPDK_APP_PARSE_ARGS_FAIL = 2
};
typedef enum spdk_app_parse_args_rvals spdk_app_parse_args_rvals_t;

/* Parses the command line into *opts (initialized by spdk_app_opts_init), as SPDK's does: the
 * common options of SPDK_APP_GETOPT_STRING and their long forms, plus the application's own:
 * getopt_str (its short options; may be NULL), app_long_opts (its long options, terminated by
 * an all-zero entry; may be NULL), and `parse`, called with each of the application's options
 * (ch, optarg) and returning 0, or non-zero to fail. `usage` prints the application's own lines
 * after the common ones (may be NULL).
 * Common options that lockstep applies: -m/--cpumask, -p/--main-core, -s/--mem-size (MB, or
 * with a k/m/g suffix), -n/--mem-channels, -u/--no-pci, -g, -R, --huge-dir, --iova-mode,
 * --base-virtaddr, --env-context, -L/--logflag (spdk_log_set_flag), --silence-noticelog
 * (print level WARN), -h/--help, -v/--version. Kept in opts and otherwise unused (see struct
 * spdk_app_opts): -c/--config/--json, --json-ignore-init-errors, -d, -e, -i, -r/--rpc-socket,
 * --wait-for-rpc, --num-trace-entries, --rpcs-allowed, --vfio-vf-token, --msg-mempool-size,
 * --disable-cpumask-locks, --max-delay. Refused (FAIL, with a message): -A/-B/-W (PCI lists:
 * lockstep uses no PCI devices).
 * Returns SPDK_APP_PARSE_ARGS_SUCCESS; SPDK_APP_PARSE_ARGS_HELP after printing the usage for -h
 * (or the version for -v); SPDK_APP_PARSE_ARGS_FAIL with an error line (and the usage for an
 * unknown option or a bad value) for: an unknown option, a bad value, an application option
 * letter that repeats a common one, `parse` returning non-zero (or missing when the application
 * has options). Uses getopt_long (and so optind), from the main thread, before spdk_app_start. */
spdk_app_parse_args_rvals_t spdk_app_parse_args(int argc, char **argv,
                                                struct spdk_app_opts *opts,
                                                const char *getopt_str,
                                                const struct option *app_long_opts,
                                                int (*parse)(int ch, char *arg),
                                                void (*usage)(void));

/* Prints the usage of the common options (and the application's lines); only after
 * spdk_app_parse_args. */
void spdk_app_usage(void);

/* Stops the application: every reactor stops after what it is running; events still queued
 * are dropped (counted). rc is what spdk_app_start (or run_sim's result) returns. The first
 * call's rc wins. Callable from any core. */
void spdk_app_stop(int rc);

/* Releases what spdk_app_start kept. lockstep keeps EAL initialized until process exit
 * (DPDK initializes it once per process), so this only ends the frame; harmless to call
 * when spdk_app_start failed. */
void spdk_app_fini(void);

/* The reactor mask syntax of -m ("0x3", "[0-1,3]", "0-1,3") into a cpuset: 0, or -1 when the
 * mask is malformed or selects no core (cpumask is then left as it was). */
int spdk_app_parse_core_mask(const char *mask, struct spdk_cpuset *cpumask);
/* The cores the application's reactors run on: in a run (spdk_app_start or a simulation) its
 * cores, else those of the last spdk_app_start (empty before the first). The set belongs to the
 * calling thread and is rewritten by its next call (explorations run many applications at once:
 * there is no one process-wide mask). */
const struct spdk_cpuset *spdk_app_get_core_mask(void);
/* SPDK's context-switch monitor: lockstep's reactors do not count context switches, so the
 * setting is stored and returned, and does nothing else. */
void spdk_framework_enable_context_switch_monitor(bool enabled);
bool spdk_framework_context_switch_monitor_enabled(void);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_EVENT_H */
