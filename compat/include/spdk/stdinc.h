/* spdk/stdinc.h (lockstep compatibility): the system headers SPDK code relies on.
 *
 * SPDK's own stdinc.h is included first by every SPDK file and brings in one fixed set of
 * standard C, POSIX, GNU and Linux headers; SPDK programs use what they declare (getopt and
 * optarg, pthreads, usleep, sys/queue.h's lists, ...) without including them. This header brings
 * in the same set, so that such programs compile unchanged. Every compat header includes it.
 *
 * In strict ISO C modes (-std=c11 without GNU extensions) the POSIX and GNU headers still
 * compile, but declare only what the feature-test macros in force allow; SPDK itself is built
 * as gnu11. */
#ifndef LOCKSTEP_SPDK_STDINC_H
#define LOCKSTEP_SPDK_STDINC_H

#ifdef __cplusplus
extern "C" {
#endif

/* Standard C */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* POSIX */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

/* GNU: getopt_long and struct option (spdk_app_parse_args takes them) */
#include <getopt.h>

/* Linux */
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#ifdef __cplusplus
}
#endif

#endif /* LOCKSTEP_SPDK_STDINC_H */
