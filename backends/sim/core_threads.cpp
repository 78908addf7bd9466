#include "core_threads.hpp"

namespace lockstep::sim {

core_threads::core_threads(uint32_t cores, std::function<void(uint32_t)> entry) {
  slots_.resize(holders_max);
  for (uint32_t c = 0; c < cores; ++c) slots_[c] = std::make_unique<slot>();
  // Every slot exists before any thread starts: a thread reads only its own slot until it
  // holds the baton, and then the others through give().
  try {
    for (uint32_t c = 0; c < cores; ++c) {
      slots_[c]->thread = std::thread([this, c, entry] {
        sleep(c);
        if (!stopping_) entry(c);
      });
    }
  } catch (...) {
    stop_all();  // the threads started so far (joinable ones only)
    throw;
  }
}

void core_threads::add(uint32_t id, std::function<void()> entry) {
  std::unique_ptr<slot>& at = slots_[id];
  if (at != nullptr && at->thread.joinable()) at->thread.join();  // it gave the baton for good
  auto fresh = std::make_unique<slot>();
  slot* s = fresh.get();
  s->thread = std::thread([this, s, entry = std::move(entry)] {
    s->go.acquire();
    if (!stopping_) entry();
  });
  at = std::move(fresh);
}

core_threads::~core_threads() { stop_all(); }

void core_threads::stop_all() noexcept {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  // Every core thread sleeps (or has given the baton back and is leaving): one release each
  // wakes it to leave. A leaving thread's semaphore may stay released; nobody waits on it.
  for (auto& s : slots_)
    if (s != nullptr && s->thread.joinable()) s->go.release();
  for (auto& s : slots_)
    if (s != nullptr && s->thread.joinable()) s->thread.join();
}

}  // namespace lockstep::sim
