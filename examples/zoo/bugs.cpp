#include "bugs.hpp"

#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>

namespace zoo {
namespace {

using lockstep::sim::options;
using lockstep::sim::outcome;
using lockstep::sim::result;

// A run's verdict: the planted symptom, or whatever else went wrong.
std::string judge(const result& r, const char* planted_message) {
  if (r.outcome == outcome::failed && r.failure.find(planted_message) != std::string::npos)
    return std::string("planted: ") + planted_message;
  if (r.outcome != outcome::stopped)
    return std::string("outcome ") + lockstep::sim::to_string(r.outcome) +
           (r.failure.empty() ? "" : ": " + r.failure);
  if (r.leaked_events != 0) return std::to_string(r.leaked_events) + " events leaked";
  return {};
}

// Sends fn(a1, a2) to `core`; the zoo programs that do not plant an allocation bug run without
// allocation faults, so a failure here is a zoo defect and says so.
void send(uint32_t core, lockstep::event_fn fn, void* a1, void* a2, const char* name) {
  lockstep::event* ev = lockstep::event_allocate_named(core, fn, a1, a2, name);
  LOCKSTEP_CHECK(ev != nullptr, "zoo: allocation failed in a program that expects none");
  lockstep::event_call(ev);
}

// --- two_senders: an ordering assumption across two senders ---------------------------------
// Core 1 configures a device on core 3, core 2 submits I/O to it. Per-pair FIFO orders each
// sender's events, but nothing orders core 1's against core 2's: the submit can come first.
namespace two_senders {
struct state {
  bool configured = false;
  uint32_t submitted = 0;
};
void submit(void* a, void*) {
  auto* s = static_cast<state*>(a);
  LOCKSTEP_CHECK(s->configured, "two_senders: I/O submitted before the device was configured");
  if (++s->submitted == 1) lockstep::app_stop(0);
}
void configure(void* a, void*) { static_cast<state*>(a)->configured = true; }
void on_core1(void* a, void*) { send(3, configure, a, nullptr, "configure"); }
void on_core2(void* a, void*) { send(3, submit, a, nullptr, "submit"); }
std::string run(const options& o, result* r) {
  state s;
  *r = lockstep::sim::run(o, [&s] {
    send(1, on_core1, &s, nullptr, "on_core1");
    send(2, on_core2, &s, nullptr, "on_core2");
  });
  return judge(*r, "I/O submitted before the device was configured");
}
}  // namespace two_senders

// --- lost_completion: a completion lost when an allocation fails ------------------------------
// Core 0 sends one request to each of 8 workers (cores 1..3 round-robin) and stops when every
// request has completed. Core 0 handles a failed request allocation (the request completes with
// -ENOMEM), but a worker whose reply allocation fails drops the reply: the run hangs.
namespace lost_completion {
constexpr uint32_t requests = 8;
struct state {
  uint32_t completed = 0;
  int results[requests] = {};
};
void finish(state* s) {
  if (++s->completed == requests) lockstep::app_stop(0);
}
void reply(void* a, void* idx) {
  auto* s = static_cast<state*>(a);
  s->results[reinterpret_cast<uintptr_t>(idx)] = 1;
  finish(s);
}
void request(void* a, void* idx) {
  lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(0, reply, a, idx);
  if (ev != nullptr) lockstep::event_call(ev);  // planted: no retry, the completion is lost
}
std::string run(const options& o, result* r) {
  state s;
  *r = lockstep::sim::run(o, [&s] {
    for (uintptr_t i = 0; i < requests; ++i) {
      lockstep::event* ev =
          LOCKSTEP_EVENT_ALLOCATE(static_cast<uint32_t>(1 + i % 3), request, &s,
                                  reinterpret_cast<void*>(i));
      if (ev == nullptr) {
        s.results[i] = -ENOMEM;  // handled: completes with an error
        finish(&s);
        continue;
      }
      lockstep::event_call(ev);
    }
  });
  if (r->outcome == outcome::hang && s.completed < requests)
    return "planted: a completion was lost after an allocation failure (hang)";
  return judge(*r, "(no planted check)");
}
}  // namespace lost_completion

// --- shutdown_use_after_free: state used after the shutdown path freed it --------------------
// Core 0 streams work items to core 1, each pointing at a session. The shutdown callback frees
// the session first and then asks core 1 to stop; work items already queued for core 1 run
// before the stop request (per-pair FIFO) and touch the freed session. (The session is not
// really freed: it is marked, so that the bug shows as a check, not as undefined behaviour.)
namespace shutdown_uaf {
constexpr uint32_t items = 40;
struct session {
  bool freed = false;
  uint64_t bytes = 0;
};
struct state {
  session sess;
  uint32_t sent = 0;
  lockstep::poller* producer = nullptr;
};
thread_local state* current = nullptr;  // what the shutdown callback (no argument) acts on
void work(void* a, void*) {
  auto* s = static_cast<session*>(a);
  LOCKSTEP_CHECK(!s->freed, "shutdown_uaf: a work item used the session after shutdown freed it");
  s->bytes += 512;
}
void stop_worker(void*, void*) { lockstep::app_stop(0); }
void finished(void*, void*) { lockstep::app_stop(0); }
int produce(void* a) {
  auto* st = static_cast<state*>(a);
  if (st->sess.freed) return 0;
  if (st->sent == items) {
    lockstep::poller_unregister(&st->producer);
    send(1, finished, nullptr, nullptr, "finished");  // after every work item (FIFO)
    return 1;
  }
  ++st->sent;
  send(1, work, &st->sess, nullptr, "work");
  return 1;
}
void on_shutdown() {
  state* st = current;
  st->sess.freed = true;  // planted: freed before core 1 has drained its queue
  lockstep::poller_unregister(&st->producer);
  send(1, stop_worker, nullptr, nullptr, "stop_worker");
}
void configure(options& o) {
  o.shutdown_ppm = 20'000;
  o.shutdown_cb = on_shutdown;
}
std::string run(const options& o, result* r) {
  state st;
  current = &st;
  *r = lockstep::sim::run(o, [&st] { st.producer = lockstep::poller_register(produce, &st, 0); });
  current = nullptr;
  return judge(*r, "used the session after shutdown freed it");
}
}  // namespace shutdown_uaf

// --- timeout_race: a double completion when a timeout races a reply ---------------------------
// Core 0 sends 10 requests one after the other to core 1, each guarded by a 1 us timeout
// poller. Core 1 needs a few steps per request. When the timeout fires first, the request
// completes with -ETIMEDOUT; the late reply then completes it again (planted: the reply handler
// does not check whether the request already completed).
namespace timeout_race {
constexpr uint32_t requests = 10;
constexpr uintptr_t work_steps = 5;
struct state {
  uint32_t current = 0;
  uint32_t completions[requests] = {};
  lockstep::poller* timeout = nullptr;
};
void next_request(state* s);
void complete(state* s, uint32_t id) {
  ++s->completions[id];
  LOCKSTEP_CHECK(s->completions[id] == 1, "timeout_race: a request completed twice");
  if (id == s->current) next_request(s);
}
void reply(void* a, void* id) {
  auto* s = static_cast<state*>(a);
  if (s->timeout != nullptr) lockstep::poller_unregister(&s->timeout);
  complete(s, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(id)));
}
int on_timeout(void* a) {
  auto* s = static_cast<state*>(a);
  lockstep::poller_unregister(&s->timeout);
  complete(s, s->current);  // -ETIMEDOUT
  return 1;
}
// On core 1: a request takes work_steps events, then replies.
void serve(void* a, void* packed) {
  const auto v = reinterpret_cast<uintptr_t>(packed);
  const uintptr_t id = v >> 8, left = v & 0xFF;
  if (left > 0) {
    send(1, serve, a, reinterpret_cast<void*>((id << 8) | (left - 1)), "serve");
  } else {
    send(0, reply, a, reinterpret_cast<void*>(id), "reply");
  }
}
void next_request(state* s) {
  uint32_t id = 0;
  while (id < requests && s->completions[id] != 0) ++id;
  if (id == requests) {
    lockstep::app_stop(0);
    return;
  }
  s->current = id;
  send(1, serve, s, reinterpret_cast<void*>((uintptr_t{id} << 8) | work_steps), "serve");
  s->timeout = lockstep::poller_register(on_timeout, s, 1);
}
std::string run(const options& o, result* r) {
  state s;
  *r = lockstep::sim::run(o, [&s] { next_request(&s); });
  return judge(*r, "a request completed twice");
}
}  // namespace timeout_race

// --- three_events: a bug that needs one specific order of three events ------------------------
// Three cores each run a job of different length (1, 20 and 40 steps) and then publish that
// they finished. The planted bug fires only when the jobs finish longest first: C (40 steps),
// then B (20), then A (1 step). A uniformly random walk almost never holds core 1 back for 60
// steps; a PCT priority order (core 3 > core 2 > core 1) does exactly that.
namespace three_events {
struct state {
  std::atomic<uint32_t> finished{0};
  uint32_t position[3] = {};  // finishing position of A, B, C
};
struct job {
  state* s;
  uint32_t which;  // 0 = A, 1 = B, 2 = C
  uint32_t left;
};
void step(void* a, void*) {
  auto* j = static_cast<job*>(a);
  if (j->left > 0) {
    --j->left;
    send(lockstep::current_core(), step, j, nullptr, "step");
    return;
  }
  state* s = j->s;
  s->position[j->which] = s->finished.fetch_add(1);
  if (s->position[j->which] == 2) {
    LOCKSTEP_CHECK(!(s->position[2] == 0 && s->position[1] == 1 && s->position[0] == 2),
                   "three_events: jobs finished in the order C, B, A");
    lockstep::app_stop(0);
  }
}
std::string run(const options& o, result* r) {
  state s;
  job jobs[3] = {{&s, 0, 0}, {&s, 1, 19}, {&s, 2, 39}};
  *r = lockstep::sim::run(o, [&jobs] {
    for (uint32_t k = 0; k < 3; ++k) send(k + 1, step, &jobs[k], nullptr, "step");
  });
  return judge(*r, "jobs finished in the order C, B, A");
}
}  // namespace three_events

void no_faults(options&) {}
void alloc_faults(options& o) { o.alloc_fail_ppm = 20'000; }

}  // namespace

const std::vector<bug>& bugs() {
  static const std::vector<bug> all = {
      {"two_senders", "an ordering assumed between two senders to one core", no_faults,
       two_senders::run},
      {"lost_completion", "a completion lost when a reply allocation fails", alloc_faults,
       lost_completion::run},
      {"shutdown_uaf", "state used after the shutdown path freed it", shutdown_uaf::configure,
       shutdown_uaf::run},
      {"timeout_race", "a double completion when a timeout races a reply", no_faults,
       timeout_race::run},
      {"three_events", "needs one order of three events (C, B, A)", no_faults,
       three_events::run},
  };
  return all;
}

const bug* find(const std::string& name) {
  for (const bug& b : bugs())
    if (name == b.name) return &b;
  return nullptr;
}

lockstep::sim::options options_for(const bug& b, lockstep::sim::options base) {
  base.cores = 4;
  b.configure(base);
  return base;
}

}  // namespace zoo
