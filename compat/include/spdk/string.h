/* spdk/string.h (lockstep compatibility): SPDK's string helpers, with SPDK's return
 * conventions. None of them needs a running lockstep backend; all are thread-safe. */
#ifndef LOCKSTEP_SPDK_STRING_H
#define LOCKSTEP_SPDK_STRING_H

#include "spdk/stdinc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sprintf into a newly allocated string (free() it); NULL when memory runs out. */
char *spdk_sprintf_alloc(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
char *spdk_vsprintf_alloc(const char *format, va_list args);

/* buffer (allocated with malloc, or NULL) with the formatted text appended, reallocated; the
 * result replaces buffer. On failure NULL, and buffer is left as it was (still the caller's). */
char *spdk_sprintf_append_realloc(char *buffer, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
char *spdk_vsprintf_append_realloc(char *buffer, const char *format, va_list args);

/* Lowercases s in place; returns s. */
char *spdk_strlwr(char *s);

/* strsep with quotes: splits *stringp at the first delimiter outside '...' or "..." quotes,
 * removing the quotes and backslash escapes in place; a newline ends the string. Delimiters
 * after the field are skipped. Returns the field and sets *stringp to the next one, or to
 * NULL at the end; returns NULL when *stringp is NULL. */
char *spdk_strsepq(char **stringp, const char *delim);

/* Removes leading and trailing white space in place; returns s (NULL for NULL). */
char *spdk_str_trim(char *s);

/* The message for errno value errnum, into buf (always terminated); "Unknown error N" for a
 * value the C library does not know. */
void spdk_strerror_r(int errnum, char *buf, size_t buflen);
/* The same, in a per-thread buffer that the next call on this thread overwrites. */
const char *spdk_strerror(int errnum);

/* Removes trailing '\r' and '\n' characters in place; returns how many were removed. */
size_t spdk_str_chomp(char *s);

/* Copies src into the size bytes of dst without a terminator, padding with pad; a longer src
 * is cut at size bytes. */
void spdk_strcpy_pad(void *dst, const char *src, size_t size, int pad);
/* The length of str (size bytes) without its trailing pad bytes. */
size_t spdk_strlen_pad(const void *str, size_t size, int pad);

/* Splits "host:port", "[v6 host]:port", "host" or "[v6 host]" in place: *host and *port point
 * into ip (*port NULL without a port). 0, or -EINVAL when ip is malformed. */
int spdk_parse_ip_addr(char *ip, char **host, char **port);

/* Parses "<number>[k|K|m|M|g|G][b|B]" into bytes (the prefixes are binary: 1k is 1024);
 * *has_prefix tells whether a prefix was given. 0, or a negative errno: -EINVAL when the text
 * does not start with a number or has an unknown prefix. */
int spdk_parse_capacity(const char *cap_str, uint64_t *cap, bool *has_prefix);

/* True when all size bytes of data are zero. */
bool spdk_mem_all_zero(const void *data, size_t size);

/* strtol / strtoll with SPDK's checks: the value (>= 0) on success; a negative errno on
 * failure: -EINVAL when characters follow the number, -ERANGE on overflow or for a negative
 * number, -errno for another error (an invalid base). As strtol, leading white space and a
 * '+' are accepted, and an empty string gives 0. base: 2..36, or 0 for C's prefixes. */
long int spdk_strtol(const char *nptr, int base);
long long int spdk_strtoll(const char *nptr, int base);

/* A NULL-terminated array of the pieces of str split at any character of delim (empty pieces
 * kept), allocated with malloc; NULL when memory runs out. Free with spdk_strarray_free. */
char **spdk_strarray_from_string(const char *str, const char *delim);
/* A copy of a NULL-terminated array of strings; NULL when memory runs out. */
char **spdk_strarray_dup(const char **strarray);
/* Frees an array from the two functions above (NULL does nothing). */
void spdk_strarray_free(char **strarray);

/* Copies src into dst (size bytes) with every occurrence of search replaced by replace.
 * 0, or -EINVAL (a NULL argument or an empty search), or -EINVAL when the result with its
 * terminator does not fit in size. */
int spdk_strcpy_replace(char *dst, size_t size, const char *src, const char *search,
                        const char *replace);

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_STRING_H */
