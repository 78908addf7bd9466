/* spdk/log.h (lockstep compatibility): leveled logging with per-flag enablement.
 *
 * Every line is prefixed with the backend's time and the core that logs it:
 *   [    1234567 ns core 1] event_framework_example.c:42:process_task_on_core: *ERROR*: ...
 * (ns from lockstep::now_ns: TSC-based on the real backend, virtual in the simulator; "core -"
 * outside a reactor core).
 *
 * What prints:
 *   - SPDK_ERRLOG, SPDK_WARNLOG, SPDK_NOTICELOG: when their level is at most the print level.
 *     The print level is SPDK_LOG_NOTICE by default; a simulation run through
 *     lockstep::spdk_compat::run_sim uses its own level for the run's thread, SPDK_LOG_DISABLED
 *     unless asked, so that exploring thousands of seeds stays quiet (see docs/spdk_compat.md).
 *   - SPDK_INFOLOG(flag, ...) and SPDK_DEBUGLOG(flag, ...): only when `flag` is enabled
 *     (spdk_log_set_flag), and the print level is not SPDK_LOG_DISABLED. Enabling a flag is
 *     the request to see its lines, as SPDK's `-L flag` option does.
 * `flag` may be an identifier (SPDK_INFOLOG(event, ...)) or a string literal
 * (SPDK_INFOLOG("event", ...)); both name the flag "event". Flags need no registration.
 * Lines go to stderr, or to the sink set with spdk_log_set_sink. Thread-safe: each line is
 * written whole. */
#ifndef LOCKSTEP_SPDK_LOG_H
#define LOCKSTEP_SPDK_LOG_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

enum spdk_log_level {
  SPDK_LOG_DISABLED = -1,
  SPDK_LOG_ERROR,
  SPDK_LOG_WARN,
  SPDK_LOG_NOTICE,
  SPDK_LOG_INFO,
  SPDK_LOG_DEBUG,
};

/* SPDK's type of a user-provided log function (spdk_app_opts.log): kept for compatibility. */
typedef void logfunc(int level, const char *file, const int line, const char *func,
                     const char *format, va_list args);

/* The print level for this process (and for simulation runs that do not set their own). */
void spdk_log_set_print_level(enum spdk_log_level level);
/* The print level in effect for the calling thread. */
enum spdk_log_level spdk_log_get_print_level(void);
/* SPDK's syslog level: kept for compatibility; lockstep writes one stream, so it is stored
 * and returned, and does not filter. */
void spdk_log_set_level(enum spdk_log_level level);
enum spdk_log_level spdk_log_get_level(void);

/* Enables / disables a log flag (a name of at most 63 characters; quotes around it are
 * ignored, so "\"event\"" and "event" are the same flag). set returns 0, or -EINVAL for a
 * NULL, empty or too long name, or -ENOMEM when 64 distinct flags are already known. */
int spdk_log_set_flag(const char *flag);
int spdk_log_clear_flag(const char *flag);
bool spdk_log_get_flag(const char *flag);

/* Where whole lines go (each ends with '\n'); NULL restores stderr. Process-wide. */
typedef void (*spdk_log_sink_fn)(const char *line, void *ctx);
void spdk_log_set_sink(spdk_log_sink_fn sink, void *ctx);

/* Writes one line at `level` when the print level allows it (the macros below call this). */
void spdk_log(enum spdk_log_level level, const char *file, const int line, const char *func,
              const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Writes one line of flag `flag` (spelled as in the source: an identifier or a quoted
 * literal) when the flag is enabled. */
void spdk_log_flagged(enum spdk_log_level level, const char *flag, const char *file,
                      const int line, const char *func, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The same as spdk_log, with a va_list. */
void spdk_vlog(enum spdk_log_level level, const char *file, const int line, const char *func,
               const char *format, va_list ap);

/* spdk_log_open(logf): from then on every message (whatever its level; a flagged one when its
 * flag is enabled) goes to logf, unformatted, instead of being written as a line — as SPDK
 * does with spdk_app_opts.log. spdk_log_open(NULL) (SPDK: open syslog) changes nothing:
 * lockstep writes one stream, the sink's. spdk_log_close() goes back to writing lines. */
void spdk_log_open(logfunc *logf);
void spdk_log_close(void);
/* Whether lines begin with the backend time ("[   1234 ns core 2] "; default) or with the core
 * alone ("[core 2] "). */
void spdk_log_enable_timestamps(bool value);
/* syslog's priority for a level (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO; -1 for
 * SPDK_LOG_DISABLED), as SPDK maps them. */
int spdk_log_to_syslog_level(enum spdk_log_level level);
/* Writes `label` and then len bytes of buf to fp, 16 a line: offset, hex and printable text. */
void spdk_log_dump(FILE *fp, const char *label, const void *buf, size_t len);
/* Whether the flag is enabled (SPDK tests it before costly debug output). */
#define SPDK_DEBUGLOG_FLAG_ENABLED(name) spdk_log_get_flag(name)

/* SPDK code declares its flags at file scope: SPDK_LOG_REGISTER_COMPONENT(event). lockstep's
 * flags need no registration, so this only keeps such code compiling (it declares nothing
 * that takes space). */
#define SPDK_LOG_REGISTER_COMPONENT(FLAG) extern int lockstep_spdk_log_component_unused

#define SPDK_ERRLOG(...) spdk_log(SPDK_LOG_ERROR, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define SPDK_WARNLOG(...) spdk_log(SPDK_LOG_WARN, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define SPDK_NOTICELOG(...) spdk_log(SPDK_LOG_NOTICE, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define SPDK_INFOLOG(FLAG, ...) \
  spdk_log_flagged(SPDK_LOG_INFO, #FLAG, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define SPDK_DEBUGLOG(FLAG, ...) \
  spdk_log_flagged(SPDK_LOG_DEBUG, #FLAG, __FILE__, __LINE__, __func__, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_LOG_H */
