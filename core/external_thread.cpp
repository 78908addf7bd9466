// The C API of external threads (include/lockstep/external_thread.h), over the C++ one.
#include "runtime.hpp"

#include <lockstep/external_thread.h>
#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <cstdio>
#include <new>
#include <system_error>

extern "C" int lockstep_external_thread_start(void (*fn)(void* arg), void* arg) {
  if (fn == nullptr) return -EINVAL;
  if (lockstep::core::runtime::active() == nullptr &&
      lockstep::core::external_gate_of_thread() == nullptr) {
    std::fprintf(stderr, "lockstep: lockstep_external_thread_start called outside a run; "
                         "no thread started\n");
    return -EPERM;
  }
  try {
    lockstep::external_thread_start([fn, arg] { fn(arg); });
  } catch (const std::system_error&) {
    return -EAGAIN;
  } catch (const std::bad_alloc&) {
    return -ENOMEM;
  }
  return 0;
}

extern "C" void lockstep_external_thread_yield(void) { lockstep::external_thread_yield(); }
