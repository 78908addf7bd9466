/* lockstep/spdk_check.h: LOCKSTEP_CHECK for C code (SPDK-style applications).
 *
 * A checked invariant, on in every build (unlike assert, it does not vanish with NDEBUG). A
 * failure ends the running event at once: in the simulator the run ends with outcome failed and
 * the message (and the trace records it); on the real backend the message is printed and the
 * process aborts. */
#ifndef LOCKSTEP_SPDK_CHECK_H
#define LOCKSTEP_SPDK_CHECK_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void lockstep_c_check_failed(const char *condition, const char *message, const char *file,
                             int line);

#ifdef __cplusplus
}
#endif

#define LOCKSTEP_C_CHECK(cond, msg)                                \
  do {                                                             \
    if (!(cond)) lockstep_c_check_failed(#cond, (msg), __FILE__, __LINE__); \
  } while (0)

#endif /* LOCKSTEP_SPDK_CHECK_H */
