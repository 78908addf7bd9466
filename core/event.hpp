// The definitions behind the opaque public types lockstep::event and lockstep::poller.
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>

namespace lockstep {

// Where an event is in its life. A state other than the expected one is misuse (called twice)
// or a framework bug, and is checked on every transition.
enum class event_state : uint16_t {
  idle = 0,        // not lent, queued or running: in the pool, or (stepped a whole iteration at
                   // a time) ran and on its way back with its burst (see reactor::run_event);
                   // a backend's own special events rest here between their runs
  allocated = 1,   // lent to the application by event_allocate
  queued = 2,      // handed over by event_call, waiting in the target's queue
  running = 3,     // its function is executing
  done = 4,        // executed, waiting to be returned to the pool with its batch
};

// One cache line: the transport and the pool touch nothing else.
struct alignas(64) event {
  event_fn fn;
  void* arg1;
  void* arg2;
  uint16_t target;   // reactor index (not the core id)
  uint16_t sender;   // reactor index of the caller of event_call; external_sender otherwise
  event_state state;
  uint16_t flags;
  uint64_t id;       // trace id, assigned by the backend's observer (0 when none)
  uint64_t sent_ns;  // clock::send_stamp_ns at event_call (the simulator keeps causality with it)
  const char* name;  // function name for traces, or nullptr
  event* next;       // intrusive link for backends that queue events in lists: whoever holds
                     // the event (pool, transport) sets it; event_allocate leaves it as is
};
static_assert(sizeof(event) == 64);

// A sender that is not a reactor (a signal handler's request, the simulator's start event).
inline constexpr uint16_t external_sender = UINT16_MAX;

// Poller life: registered pollers are active or timed; unregistering marks them dead, and the
// owning reactor frees them once no iteration refers to them.
enum class poller_state : uint8_t { active, dead };

struct poller {
  poller_fn fn;
  void* arg;
  uint64_t period_ns;    // 0: every iteration
  uint64_t next_due_ns;  // timed pollers: the backend clock value at which it runs next
  uint64_t seq;          // registration order on its reactor: ties are broken by it
  uint32_t reactor;      // owning reactor index
  poller_state state;
  uint64_t timer_round = 0;  // timed pollers: the reactor's timer phase it last ran in
};

}  // namespace lockstep
