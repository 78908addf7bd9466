#include "ping_scenario.hpp"

#include <deque>
#include <vector>

namespace trace_test {
namespace {

struct state {
  ping_config cfg;
  uint32_t sent = 0;
  uint32_t answered = 0;
  std::vector<std::deque<uint32_t>> unsent;  // per core: answers whose allocation failed
  std::vector<lockstep::poller*> pollers;
  std::vector<bool> setup_sent;              // per core: register_retry was sent
};

void on_answer(void* arg1, void*);

// Static on purpose: dladdr cannot name it, the ELF symbol table can.
static void send_result_to_origin(void* arg1, void* arg2) {
  auto* s = static_cast<state*>(arg1);
  lockstep::event* ev = lockstep::event_allocate(0, on_answer, s, arg2);
  if (ev == nullptr) {
    s->unsent[lockstep::current_core()].push_back(
        static_cast<uint32_t>(reinterpret_cast<uintptr_t>(arg2)));
    return;
  }
  lockstep::event_call(ev);
}

static int retry_poller(void* arg) {
  auto* s = static_cast<state*>(arg);
  auto& q = s->unsent[lockstep::current_core()];
  int work = 0;
  while (!q.empty()) {
    lockstep::event* ev = lockstep::event_allocate(
        0, on_answer, s, reinterpret_cast<void*>(static_cast<uintptr_t>(q.front())));
    if (ev == nullptr) break;
    lockstep::event_call(ev);
    q.pop_front();
    ++work;
  }
  return work;
}

static void register_retry(void* arg1, void*) {
  auto* s = static_cast<state*>(arg1);
  s->pollers[lockstep::current_core()] = lockstep::poller_register(retry_poller, s, 1);
}

void send_next(state* s) {
  // Requests go only to cores whose retry poller is being set up (per-pair FIFO: the set-up
  // event runs first), so that every answer can be retried.
  for (uint32_t c = lockstep::next_core(0); c != lockstep::no_core; c = lockstep::next_core(c)) {
    if (s->setup_sent[c]) continue;
    lockstep::event* ev = lockstep::event_allocate(c, register_retry, s, nullptr);
    if (ev == nullptr) return;  // the driver poller tries again
    lockstep::event_call(ev);
    s->setup_sent[c] = true;
  }
  while (s->sent < s->cfg.rounds) {
    uint32_t target = 1 + s->sent % (lockstep::core_count() - 1);
    lockstep::event* ev = lockstep::event_allocate(
        target, send_result_to_origin, s, reinterpret_cast<void*>(uintptr_t{s->sent}));
    if (ev == nullptr) return;  // the driver poller tries again
    lockstep::event_call(ev);
    ++s->sent;
  }
}

void on_answer(void* arg1, void*) {
  auto* s = static_cast<state*>(arg1);
  ++s->answered;
  LOCKSTEP_CHECK(s->cfg.fail_at == 0 || s->answered < s->cfg.fail_at,
                 "the ping scenario fails here on purpose");
  if (s->answered == s->cfg.rounds) lockstep::app_stop(0);
}

int driver(void* arg) {
  send_next(static_cast<state*>(arg));
  return 0;
}

}  // namespace

lockstep::sim::result run_ping(const lockstep::sim::options& opts, const ping_config& cfg) {
  state s;
  s.cfg = cfg;
  s.unsent.resize(opts.cores);
  s.pollers.resize(opts.cores, nullptr);
  s.setup_sent.resize(opts.cores, false);
  lockstep::poller* drv = nullptr;
  return lockstep::sim::run(opts, [&] {
    drv = lockstep::poller_register(driver, &s, 2);
    LOCKSTEP_CHECK(drv != nullptr, "poller_register failed on core 0");
    send_next(&s);
  });
}

}  // namespace trace_test
