// Happens-before edges that ThreadSanitizer cannot see by itself.
//
// DPDK is not built with ThreadSanitizer: an event returned to the mempool on one lcore and taken
// out on another passes through DPDK's (uninstrumented) ring, so TSan would see the two lcores'
// accesses to the event as unordered. The pool marks the hand-over explicitly instead — release
// on put, acquire on get — which is exactly the ordering DPDK's ring provides. Outside TSan
// builds these are empty.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define LOCKSTEP_REAL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOCKSTEP_REAL_TSAN 1
#endif
#endif

#ifdef LOCKSTEP_REAL_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace lockstep::real {

inline void tsan_release(void* addr) noexcept {
#ifdef LOCKSTEP_REAL_TSAN
  __tsan_release(addr);
#else
  (void)addr;
#endif
}

inline void tsan_acquire(void* addr) noexcept {
#ifdef LOCKSTEP_REAL_TSAN
  __tsan_acquire(addr);
#else
  (void)addr;
#endif
}

}  // namespace lockstep::real
