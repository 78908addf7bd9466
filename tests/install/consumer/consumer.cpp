#include <lockstep/lockstep.hpp>
#include <lockstep/sim.hpp>

#include <cstdio>

static void done(void*, void*) { lockstep::app_stop(5); }

int main() {
  lockstep::sim::options o;
  o.cores = 2;
  // The event that stops the run is sent by an external thread (an installed header's API).
  auto r = lockstep::sim::run(o, [] {
    lockstep::external_thread_start(
        [] { lockstep::event_call(lockstep::event_allocate(1, done, nullptr, nullptr)); });
  });
  std::printf("outcome=%s rc=%d\n", lockstep::sim::to_string(r.outcome), r.rc);
  return r.outcome == lockstep::sim::outcome::stopped && r.rc == 5 ? 0 : 1;
}
