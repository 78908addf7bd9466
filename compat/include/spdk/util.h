/* spdk/util.h (lockstep compatibility): small arithmetic and container helpers, with SPDK's
 * names and meanings. */
#ifndef LOCKSTEP_SPDK_UTIL_H
#define LOCKSTEP_SPDK_UTIL_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SPDK_CACHE_LINE_SIZE 64

/* Macros: each argument may be evaluated twice. */
#define spdk_min(a, b) (((a) < (b)) ? (a) : (b))
#define spdk_max(a, b) (((a) > (b)) ? (a) : (b))

/* Number of elements of an array (not a pointer). */
#define SPDK_COUNTOF(arr) (sizeof(arr) / sizeof((arr)[0]))

/* The struct `type` whose member `member` is at `ptr`. */
#define SPDK_CONTAINEROF(ptr, type, member) ((type *)((uintptr_t)(ptr) - offsetof(type, member)))

/* sizeof a member, without an object. */
#define SPDK_SIZEOF_MEMBER(type, member) (sizeof(((type *)0)->member))

#define SPDK_SEC_TO_USEC 1000000ULL
#define SPDK_SEC_TO_NSEC 1000000000ULL

/* Ceiling division of unsigned integers. */
#define SPDK_CEIL_DIV(x, y) (((x) + (y)-1) / (y))

/* val rounded down / up to a multiple of align (a power of two), in val's type. */
#define SPDK_ALIGN_FLOOR(val, align) \
  (__typeof__(val))((val) & (~((__typeof__(val))((align)-1))))
#define SPDK_ALIGN_CEIL(val, align) \
  SPDK_ALIGN_FLOOR(((val) + ((__typeof__(val))(align)-1)), align)

#ifndef SPDK_STATIC_ASSERT /* SPDK's spdk/assert.h spells it the same way */
#if defined(__cplusplus)
#define SPDK_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define SPDK_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif
#endif

/* floor(log2(x)); 0 for x == 0 (as SPDK: log2(0) is undefined). */
uint32_t spdk_u32log2(uint32_t x);
uint64_t spdk_u64log2(uint64_t x);

/* The smallest power of two >= x (x >= 2; as SPDK, x of 0 or 1 gives 2). */
static inline uint32_t spdk_align32pow2(uint32_t x) { return 1u << (1 + spdk_u32log2(x - 1)); }
static inline uint64_t spdk_align64pow2(uint64_t x) { return 1ULL << (1 + spdk_u64log2(x - 1)); }

/* True when x is a power of two (0 is not). */
static inline bool spdk_u32_is_pow2(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }
static inline bool spdk_u64_is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* num / divisor, rounded up. */
static inline uint64_t spdk_divide_round_up(uint64_t num, uint64_t divisor)
{
  return (num + divisor - 1) / divisor;
}

/* Serial number arithmetic (RFC 1982) on 32 bits. */
#define SPDK_SN32_CMPMAX (1U << (32 - 1))
static inline uint32_t spdk_sn32_add(uint32_t s1, uint32_t s2) { return (uint32_t)(s1 + s2); }
static inline bool spdk_sn32_lt(uint32_t s1, uint32_t s2)
{
  return s1 != s2 && ((s1 < s2 && s2 - s1 < SPDK_SN32_CMPMAX) ||
                      (s1 > s2 && s1 - s2 > SPDK_SN32_CMPMAX));
}
static inline bool spdk_sn32_gt(uint32_t s1, uint32_t s2)
{
  return s1 != s2 && ((s1 < s2 && s2 - s1 > SPDK_SN32_CMPMAX) ||
                      (s1 > s2 && s1 - s2 < SPDK_SN32_CMPMAX));
}

/* Sets min(count, data_size) bytes of data to ch, through volatile stores that the compiler
 * does not remove (for clearing secrets). data == NULL does nothing. */
static inline void spdk_memset_s(void *data, size_t data_size, int ch, size_t count)
{
  volatile unsigned char *bytes = (volatile unsigned char *)data;
  size_t i;
  if (bytes == NULL) return;
  if (count > data_size) count = data_size;
  for (i = 0; i < count; i++) bytes[i] = (unsigned char)ch;
}

/* Scatter-gather helpers. */
/* Sets every byte of the iovecs to c. */
void spdk_iov_memset(struct iovec *iovs, int iovcnt, int c);
/* Makes *iov the single iovec {buf, buflen} and sets *iovcnt to 1. */
void spdk_iov_one(struct iovec *iov, int *iovcnt, void *buf, size_t buflen);
/* Copies from the source iovecs to the destination iovecs until either ends; returns the bytes
 * copied. */
size_t spdk_iovcpy(struct iovec *siov, size_t siovcnt, struct iovec *diov, size_t diovcnt);
/* Copies buf_len bytes (at most what the iovecs hold) from the iovecs into buf, or back. */
void spdk_copy_iovs_to_buf(void *buf, size_t buf_len, struct iovec *iovs, int iovcnt);
void spdk_copy_buf_to_iovs(struct iovec *iovs, int iovcnt, void *buf, size_t buf_len);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_UTIL_H */
