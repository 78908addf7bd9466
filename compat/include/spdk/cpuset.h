/* spdk/cpuset.h (lockstep compatibility): sets of CPU (core) ids, as SPDK's.
 *
 * A cpuset is a plain value: copy it, keep it on the stack. spdk_thread_create reads one as the
 * set of reactor cores the new thread may be placed on. Callable from any thread, inside or
 * outside a run. */
#ifndef LOCKSTEP_SPDK_CPUSET_H
#define LOCKSTEP_SPDK_CPUSET_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The number of CPU ids a set holds (0 .. SPDK_CPUSET_SIZE - 1). */
#define SPDK_CPUSET_SIZE 1024

struct spdk_cpuset {
  char str[SPDK_CPUSET_SIZE / 4 + 1]; /* spdk_cpuset_fmt's text */
  uint8_t cpus[SPDK_CPUSET_SIZE / 8]; /* bit i of byte i / 8: cpu i */
};

/* A new, empty set from the heap; NULL when memory runs out. Free with spdk_cpuset_free. */
struct spdk_cpuset *spdk_cpuset_alloc(void);
void spdk_cpuset_free(struct spdk_cpuset *set);
/* Whether the two sets hold the same cpus. */
bool spdk_cpuset_equal(const struct spdk_cpuset *set1, const struct spdk_cpuset *set2);
/* dst = src; dst &= src; dst |= src; dst ^= src. */
void spdk_cpuset_copy(struct spdk_cpuset *dst, const struct spdk_cpuset *src);
void spdk_cpuset_and(struct spdk_cpuset *dst, const struct spdk_cpuset *src);
void spdk_cpuset_or(struct spdk_cpuset *dst, const struct spdk_cpuset *src);
void spdk_cpuset_xor(struct spdk_cpuset *dst, const struct spdk_cpuset *src);
/* Every cpu flipped (an empty set becomes the full set). */
void spdk_cpuset_negate(struct spdk_cpuset *set);
/* Empties the set. */
void spdk_cpuset_zero(struct spdk_cpuset *set);
/* Adds (state true) or removes cpu; a cpu >= SPDK_CPUSET_SIZE is ignored, as in SPDK. */
void spdk_cpuset_set_cpu(struct spdk_cpuset *set, uint32_t cpu, bool state);
/* Whether cpu is in the set; false for cpu >= SPDK_CPUSET_SIZE. */
bool spdk_cpuset_get_cpu(const struct spdk_cpuset *set, uint32_t cpu);
/* How many cpus the set holds. */
uint32_t spdk_cpuset_count(const struct spdk_cpuset *set);
/* The set as a hex mask without "0x" and without leading zeros ("3" for cpus 0 and 1, "0" for
 * the empty set), kept in set->str (valid until the set changes). */
const char *spdk_cpuset_fmt(struct spdk_cpuset *set);
/* Parses a hex mask ("0x3", "3") or a list in brackets ("[0-1,3]"; SPDK's form) into set.
 * Returns 0, or -1 when mask is NULL or malformed or names a cpu >= SPDK_CPUSET_SIZE (set is
 * then unspecified). */
int spdk_cpuset_parse(struct spdk_cpuset *set, const char *mask);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_CPUSET_H */
