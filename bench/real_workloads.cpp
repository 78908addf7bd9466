#include "real_workloads.hpp"

#include "eal_session.hpp"
#include "stopwatch.hpp"

#include <lockstep/real.hpp>

#include <cstdio>
#include <functional>
#include <optional>

namespace lockstep::bench {
namespace {

real::options bench_options(const std::string& record) {
  real::options o;
  o.eal_args = bench_eal_args();
  o.record = record;
  return o;
}

// Runs one real::run; false (and a message) when it did not start or ended with rc != 0.
// `record`: see real_workloads.hpp (the recording is removed after the run).
bool run_real(const std::function<void()>& start, const std::string& record = {}) {
  real::run_stats st;
  const int rc = real::run(bench_options(record), start, &st);
  if (!record.empty()) std::remove(record.c_str());
  if (st.lcores == 0 || rc != 0) {
    std::fprintf(stderr, "lockstep_bench: real::run %s (rc %d)\n",
                 st.lcores == 0 ? "did not start" : "failed", rc);
    return false;
  }
  return true;
}

// Every workload stops itself by app_stop(0) once the measuring core has seen `target` events;
// the events still in flight then are dropped (not part of the figure).
// One cache line per core, written by that core only; an event reads only the context of the
// core it runs on (its next core's id is copied in), as the raw loop's events do: contexts
// sharing a line, or an event reading the other core's, would add a cache-line transfer per
// event that is the benchmark's, not lockstep's.
struct alignas(64) core_ctx {
  uint64_t executed = 0;
  uint64_t target = 0;  // only the measuring core's is non-zero
  uint32_t core = 0;
  uint32_t next_core = 0;    // next->core
  core_ctx* next = nullptr;  // the context of the core its events go to
  stopwatch* clock = nullptr;
  double elapsed_ns = 0;
  bool alloc_failed = false;
};

// Runs on ctx->core: counts, then sends one event to the next core (itself for the local shape).
void hop(void* arg1, void*) {
  auto* c = static_cast<core_ctx*>(arg1);
  if (++c->executed == c->target) {
    c->elapsed_ns = c->clock->elapsed_ns();
    app_stop(0);
    return;
  }
  event* ev = event_allocate(c->next_core, hop, c->next, nullptr);
  if (ev == nullptr) {
    c->alloc_failed = true;
    app_stop(1);
    return;
  }
  event_call(ev);
}

bool post(core_ctx* c, uint32_t n) {
  for (uint32_t k = 0; k < n; ++k) {
    event* ev = event_allocate(c->core, hop, c, nullptr);
    if (ev == nullptr) return false;
    event_call(ev);
  }
  return true;
}

}  // namespace

bool real_backend_available(std::string* why) {
  if (!ensure_eal(why)) return false;
  return true;
}

double real_local_ns_per_event(uint64_t events, uint32_t in_flight, const std::string& record) {
  core_ctx c;
  c.target = events;
  c.next = &c;
  std::optional<stopwatch> sw;
  bool ok = true;
  if (!run_real([&] {
        c.core = c.next_core = current_core();
        sw.emplace();
        c.clock = &*sw;
        if (!post(&c, in_flight)) {
          ok = false;
          app_stop(1);
        }
      }, record) ||
      !ok || c.executed != events)
    return -1;
  return c.elapsed_ns / static_cast<double>(events);
}

namespace {

// Two cores bouncing events: every event the main core runs sends the next one to the other
// core and back. The start event posts `to_other` events to the other core and `to_main` to the
// main core; the run ends when the main core has run `main_target` events. False when it could
// not run (one lcore only, an allocation refused, or the count not reached).
bool run_pair(core_ctx* main_ctx, core_ctx* other_ctx, uint64_t main_target, uint32_t to_other,
              uint32_t to_main, const std::string& record) {
  main_ctx->target = main_target;
  main_ctx->next = other_ctx;
  other_ctx->next = main_ctx;
  std::optional<stopwatch> sw;
  bool ok = true;
  return run_real([&] {
           main_ctx->core = current_core();
           other_ctx->core = next_core(main_ctx->core);
           if (other_ctx->core == no_core) other_ctx->core = first_core();
           main_ctx->next_core = other_ctx->core;
           other_ctx->next_core = main_ctx->core;
           sw.emplace();
           main_ctx->clock = other_ctx->clock = &*sw;
           if (other_ctx->core == main_ctx->core || !post(other_ctx, to_other) ||
               !post(main_ctx, to_main)) {
             ok = false;
             app_stop(1);
           }
         }, record) &&
         ok && main_ctx->executed == main_target;
}

}  // namespace

double real_roundtrip_ns(uint64_t round_trips) {
  // One event: main -> other -> main is one round trip, counted on the main core.
  core_ctx main_ctx, other_ctx;
  if (!run_pair(&main_ctx, &other_ctx, round_trips, 1, 0, {})) return -1;
  return main_ctx.elapsed_ns / static_cast<double>(round_trips);
}

double real_cross_events_per_s_per_core(uint64_t events_per_core, uint32_t in_flight,
                                        const std::string& record) {
  // Two cores; each event sends the next one to the other core. `in_flight` events start on each
  // core (the start event sends them: the other core's "to the next core" share included).
  core_ctx main_ctx, other_ctx;
  if (!run_pair(&main_ctx, &other_ctx, events_per_core, in_flight, in_flight, record)) return -1;
  // Per core: what the measuring core ran per second (the shape is symmetric).
  return static_cast<double>(events_per_core) / (main_ctx.elapsed_ns * 1e-9);
}

}  // namespace lockstep::bench
