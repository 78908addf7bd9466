#include "lcore_scheduling.hpp"

#include <rte_lcore.h>

#include <cstdio>
#include <cstdlib>

namespace lockstep::real {

void lcore_scheduling::fail(const char* message) noexcept {
  const unsigned lcore = rte_lcore_id();
  if (lcore == LCORE_ID_ANY) {
    std::fprintf(stderr, "lockstep: check failed on a thread that is not an lcore: %s\n", message);
  } else {
    std::fprintf(stderr, "lockstep: check failed on lcore %u: %s\n", lcore, message);
  }
  std::fflush(stderr);
  std::abort();
}

// Units run on lcores only; the message names the function and the exception.
void lcore_scheduling::unit_threw(const char* message) noexcept {
  std::fprintf(stderr, "lockstep: lcore %u: %s; aborting\n", rte_lcore_id(), message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace lockstep::real
