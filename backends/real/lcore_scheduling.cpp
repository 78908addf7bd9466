#include "lcore_scheduling.hpp"

#include <rte_lcore.h>

#include "../../core/uncaught_exception.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lockstep::real {

void lcore_scheduling::fail(const char* message) noexcept {
  if (failure_hook_ != nullptr) failure_hook_(failure_ctx_, message);
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
  if (failure_hook_ != nullptr) failure_hook_(failure_ctx_, message);
  std::fprintf(stderr, "lockstep: lcore %u: %s; aborting\n", rte_lcore_id(), message);
  std::fflush(stderr);
  std::abort();
}

void lcore_scheduling::start_external_thread(std::function<void()> body) {
  std::lock_guard<std::mutex> lock(external_mutex_);
  external_.emplace_back([body = std::move(body)] {
    // As a unit on an lcore: an exception that leaves the body ends the run (here: the message,
    // then abort), never std::terminate without a word.
    try {
      body();
      return;
    } catch (...) {
      core::note_uncaught_exception();
    }
    std::fprintf(stderr, "lockstep: external thread: %s; aborting\n",
                 core::uncaught_exception_text_in("an external thread's body"));
    std::fflush(stderr);
    std::abort();
  });
}

uint32_t lcore_scheduling::join_external_threads() noexcept {
  uint32_t joined = 0;
  for (;;) {
    std::vector<std::thread> batch;
    {
      std::lock_guard<std::mutex> lock(external_mutex_);
      batch.swap(external_);
    }
    if (batch.empty()) return joined;
    for (std::thread& t : batch) t.join();
    joined += static_cast<uint32_t>(batch.size());
  }
}

}  // namespace lockstep::real
