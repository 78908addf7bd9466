// lockstep::real::run: one reactor per EAL lcore, driven by core/'s reactor logic.
#include "eal_session.hpp"
#include "lcore_recording.hpp"
#include "lcore_scheduling.hpp"
#include "lcore_trace.hpp"
#include "mempool_event_pool.hpp"
#include "pair_transport.hpp"
#include "real_limits.hpp"
#include "shutdown_signals.hpp"
#include "tsc_clock.hpp"

#include "../../core/hot_path.hpp"
#include "../../core/runtime.hpp"
#include "../../core/session.hpp"
#include "../../trace/program_name.hpp"

#include <lockstep/real.hpp>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

namespace lockstep::real {
namespace {

// One real::run at a time per process (EAL's lcores are one set of threads).
std::atomic<bool> g_running{false};
// Names DPDK objects uniquely per run (DPDK names are process-global).
uint32_t g_run_number = 0;

constexpr uint32_t start_slot = 0;
constexpr uint32_t shutdown_slot = 1;

// Everything one run touches. Members are destroyed in reverse order: the runtime (which
// refers to the parts) before the pool and the rings.
struct run_context {
  run_context(const options& o, std::function<void()> start)
      : opts(o), session(std::move(start), o.shutdown_cb) {}
  options opts;
  core::session session;  // the start and shutdown events, the totals at the end
  event specials[backend_events] = {};  // the backend's own events: start, shutdown request
  std::vector<uint32_t> lcores;         // reactor index -> lcore id
  uint32_t main_reactor = 0;
  tsc_clock clk;
  lcore_scheduling sched;
  std::unique_ptr<mempool_event_pool> pool;
  std::unique_ptr<pair_transport> queues;
  std::unique_ptr<core::runtime> rt;
  std::unique_ptr<lcore_trace> trace;  // when opts.trace
  std::unique_ptr<lcore_recording> recording;  // when opts.record without opts.trace
  // Happens-before edges between the launching thread and the lcores that ThreadSanitizer can
  // see (DPDK's own launch and wait are not instrumented).
  std::atomic<uint32_t> launched{0};
  std::atomic<uint32_t> finished{0};
  // The signal whose shutdown request was queued first (0: none). Written by the main lcore,
  // read after the run (ordered by `finished`).
  int interrupted_by = 0;
  // options::record and a check failed: `halt` asks every other lcore to stop between its steps
  // (each then counts itself in `parked` and waits for the abort), so that the failing lcore
  // can merge the lanes. `failing`: the first failure takes it (one writes the recording).
  std::atomic<bool> halt{false};
  std::atomic<uint32_t> parked{0};
  std::atomic<bool> failing{false};
};

// On the main lcore: a signal arrived; queue the shutdown request event (never allocated from
// the pool, so that a request gets through an exhausted pool).
void post_shutdown_request(run_context* c, int signo) noexcept {
  if (c->interrupted_by == 0) c->interrupted_by = signo;
  event* ev = &c->specials[shutdown_slot];
  if (ev->state != event_state::idle) return;  // one is queued or running: coalesce
  ev->state = event_state::queued;
  ev->sender = external_sender;
  ev->sent_ns = c->clk.now_ns(c->main_reactor);
  if (c->trace) c->trace->shutdown_request(c->main_reactor, ev);
  if (c->recording) c->recording->shutdown_request(c->main_reactor, ev);
  c->queues->enqueue(external_sender, c->main_reactor, ev);
}

// The hot path's view of this backend's parts (core/hot_path.hpp).
// The trace is off unless asked for: its calls stay off the hot path (lcore_trace is a split
// observer that records out of line).
using real_types = core::backend_types<mempool_event_pool, pair_transport, tsc_clock, lcore_trace>;
// A recording (options::record without options::trace) observes every run of these types: the
// whole iterations tell it their units (core/hot_path.hpp's has_unit_recorder).
struct recording_types
    : core::backend_types<mempool_event_pool, pair_transport, tsc_clock, lcore_recording> {
  static constexpr bool observer_always = true;
};
// An observer whose in-line halves do not match the concepts would fall back to the virtual
// path without a word: these say so at compile time.
static_assert(core::has_split_observer<real_types>);
static_assert(core::has_split_observer<recording_types>);
static_assert(core::has_unit_recorder<recording_types>);

// Another lcore's check failed (options::record): this lane is left to it, which aborts the
// process.
[[noreturn]] void park(run_context* c) {
  c->parked.fetch_add(1, std::memory_order_release);
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

// Every lcore's thread: its reactor, run until app_stop. Without a trace the reactor runs whole
// iterations (core's run_iteration_as: a burst back to back, no phase machine per unit; a
// recording is told of each unit from there); the trace records one step per unit, so with it
// the reactor is stepped one unit at a time.
int lcore_main(void* arg) {
  auto* c = static_cast<run_context*>(arg);
  (void)c->launched.load(std::memory_order_acquire);
  core::runtime& rt = *c->rt;
  const uint32_t index = rt.reactor_of(rte_lcore_id());
  core::reactor& reactor = rt.at(index);
  core::set_current_reactor(index, rt.core_of(index));
  lcore_trace* trace = c->trace.get();
  const bool is_main = index == c->main_reactor;
  // Signals are turned into the shutdown request between iterations (or steps) of the main
  // lcore: a flag read there is as timely as the reactor's own stop check.
  auto between = [c, is_main] {
    if (!is_main) return;
    if (const int signo = shutdown_signals::take_request(); signo != 0) [[unlikely]]
      post_shutdown_request(c, signo);
  };
  if (c->recording) {
    c->recording->attach(index);
    while (!rt.stop_requested()) {
      if (c->halt.load(std::memory_order_relaxed)) [[unlikely]] park(c);
      reactor.run_iteration_as<recording_types>();
      between();
    }
    lcore_recording::detach();
  } else if (trace == nullptr) {
    while (!rt.stop_requested()) {
      reactor.run_iteration_as<real_types>();
      between();
    }
  } else {
    while (!rt.stop_requested()) {
      if (c->halt.load(std::memory_order_acquire)) [[unlikely]] park(c);
      trace->begin_step(index);
      reactor.step_as<real_types>();
      // step_as does not flush (the simulator's transport holds nothing): the events this
      // step sent to other cores leave now, inside the step's iteration.
      c->queues->flush(index);
      trace->end_step(index, reactor);
      between();
    }
  }
  // Hands over what the last unit sent (anything a full pair queue still holds back is queued
  // by settle() once every lcore has stopped), to be dropped.
  c->queues->flush(index);
  core::set_current_reactor(no_core, no_core);
  c->finished.fetch_add(1, std::memory_order_release);
  return 0;
}

// After the run: the lanes merged and written to opts.trace_path (a failure to write is reported,
// not fatal: the run itself succeeded).
// failure: the failed check's message (options::record), else nullptr.
void write_trace(const run_context& c, const char* failure = nullptr) {
  std::string options = "real-backend lcores=";
  for (size_t i = 0; i < c.lcores.size(); ++i)
    options.append(i == 0 ? "" : ",").append(std::to_string(c.lcores[i]));
  options += " event_pool_size=" + std::to_string(c.opts.event_pool_size);
  if (!c.opts.record.empty()) options += " record=1 program=" + trace::program_name();
  options += " eal_args=";
  for (size_t i = 0; i < c.opts.eal_args.size(); ++i)
    options += (i == 0 ? "" : ",") + c.opts.eal_args[i];
  std::string warning, error;
  // A recording's lanes become a trace's first (lcore_recording::to_trace).
  const std::unique_ptr<lcore_trace> converted = c.recording ? c.recording->to_trace() : nullptr;
  const lcore_trace& lanes = converted ? *converted : *c.trace;
  trace::trace_log log = lanes.merge(options, c.rt->stop_rc(), &warning);
  if (failure != nullptr) {
    log.outcome = "failed";
    log.failure = failure;
  }
  const std::string& path = c.opts.record.empty() ? c.opts.trace_path : c.opts.record;
  const char* what = c.opts.record.empty() ? "trace" : "recording";
  if (!warning.empty()) std::fprintf(stderr, "lockstep::real::run: %s\n", warning.c_str());
  if (!trace::write_file(log, path, &error)) {
    std::fprintf(stderr, "lockstep::real::run: the %s was not written: %s\n", what, error.c_str());
    return;
  }
  std::fprintf(stderr, "lockstep::real::run: %s written to %s (%zu records)\n", what,
               path.c_str(), log.records.size());
}

// options::record: a check failed (or a unit threw) on the calling thread. On an lcore, the
// other lcores are stopped between their steps and the recording is written with the failure
// (the caller then aborts). Waits at most 5 s for the others: an lcore stuck in a unit keeps
// its lane, and the recording is then not written (a merge would race with it).
void record_failure(void* ctx, const char* message) noexcept {
  auto* c = static_cast<run_context*>(ctx);
  if (c->failing.exchange(true, std::memory_order_acq_rel)) return;
  const uint32_t index = core::current_reactor();
  if (index == no_core || (c->trace == nullptr && c->recording == nullptr)) {
    std::fprintf(stderr, "lockstep::real::run: the recording was not written: the check failed "
                         "on a thread that is not an lcore\n");
    return;
  }
  c->halt.store(true, std::memory_order_release);
  const auto others = static_cast<uint32_t>(c->lcores.size()) - 1;
  for (int waited_ms = 0;; ++waited_ms) {
    if (c->parked.load(std::memory_order_acquire) + c->finished.load(std::memory_order_acquire) >=
        others)
      break;
    if (waited_ms == 5000) {
      std::fprintf(stderr, "lockstep::real::run: the recording was not written: an lcore did "
                           "not finish its step within 5 s\n");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (c->recording) {
    c->recording->check_failed(index, c->rt->at(index));
  } else {
    c->trace->check_failed(index, c->rt->at(index));
  }
  try {
    write_trace(*c, message);
  } catch (...) {
    std::fprintf(stderr, "lockstep::real::run: the recording was not written (out of memory)\n");
  }
}

// The run could not start: says why on stderr and in stats->failure (a program repeats it as its
// last line: EAL may print a hundred lines of usage after the message).
int refuse(run_stats* stats, const std::string& why) {
  std::fprintf(stderr, "lockstep::real::run: %s\n", why.c_str());
  if (stats != nullptr) stats->failure = why;
  return run_failed;
}

// Once every lcore has returned: waits for the external threads, drops what is queued, and
// fills the stats; returns app_stop's rc.
int finish_run(run_context& c, run_stats* stats) {
  const auto reactors = static_cast<uint32_t>(c.lcores.size());
  while (c.finished.load(std::memory_order_acquire) != reactors) {
    // Every lcore has returned (rte_eal_mp_wait_lcore); this only orders their last writes.
  }
  // The external threads end once they see the stop (their allocations fail after it); what
  // they sent meanwhile is queued, and dropped below with the rest.
  c.sched.join_external_threads();

  const core::session::totals t = core::session::finish(*c.rt, *c.pool);
  c.rt->deactivate();
  run_stats s;
  s.lcores = reactors;
  s.events_executed = t.events_executed;
  s.alloc_failures = t.alloc_failures;
  s.pollers_run = t.pollers_run;
  s.dropped_events = t.dropped_events;
  s.leaked_events = t.leaked_events;
  if (stats != nullptr) *stats = s;
  if (c.trace || c.recording) write_trace(c);
  return c.rt->stop_rc();
}

int run_on_lcores(run_context& c, run_stats* stats) {
  for (unsigned lcore = rte_get_next_lcore(-1, 0, 0); lcore < RTE_MAX_LCORE;
       lcore = rte_get_next_lcore(lcore, 0, 0)) {
    if (lcore == rte_get_main_lcore()) c.main_reactor = static_cast<uint32_t>(c.lcores.size());
    c.lcores.push_back(lcore);
  }
  unsigned worker = 0;
  RTE_LCORE_FOREACH_WORKER(worker) {
    if (rte_eal_get_lcore_state(worker) != WAIT)
      return refuse(stats, "lcore " + std::to_string(worker) +
                    " is busy with a function launched outside lockstep");
  }

  const uint32_t run_number = g_run_number++;
  c.pool = std::make_unique<mempool_event_pool>(c.opts.event_pool_size, c.lcores, c.specials,
                                                backend_events, run_number);
  if (!c.pool->ok()) return refuse(stats, c.pool->error());
  c.queues = std::make_unique<pair_transport>(static_cast<uint32_t>(c.lcores.size()),
                                              c.opts.event_pool_size + backend_events, run_number);
  if (!c.queues->ok()) return refuse(stats, c.queues->error());

  core::parts p;
  p.pool = c.pool.get();
  p.queues = c.queues.get();
  p.clk = &c.clk;
  p.sched = &c.sched;
  const auto reactors = static_cast<uint32_t>(c.lcores.size());
  if (c.opts.trace) {
    c.trace = std::make_unique<lcore_trace>(reactors, c.clk);
    p.obs = c.trace.get();
  } else if (!c.opts.record.empty()) {
    c.recording = std::make_unique<lcore_recording>(reactors, c.clk);
    p.obs = c.recording.get();
  }
  if (!c.opts.record.empty()) c.sched.set_failure_hook(record_failure, &c);
  c.rt = std::make_unique<core::runtime>(c.lcores, p);
  if (c.recording) {
    c.rt->use_hot_path(core::hot_path_for<recording_types>());
  } else {
    c.rt->use_hot_path(core::hot_path_for<real_types>());
  }
  if (!c.rt->activate(core::runtime::scope::process))
    return refuse(stats, "another run is executing (runs do not nest)");

  c.session.bind(&c.specials[start_slot], &c.specials[shutdown_slot],
                 static_cast<uint16_t>(c.main_reactor));
  core::session::send_from_outside(*c.rt, &c.specials[start_slot]);  // an external sender

  {
    const shutdown_signals signals;
    c.launched.store(1, std::memory_order_release);
    const int launch = rte_eal_mp_remote_launch(lcore_main, &c, CALL_MAIN);
    rte_eal_mp_wait_lcore();
    if (launch != 0) {
      // Nothing was launched: DPDK checks every worker before it starts any (one turned busy
      // between our check and the launch). The queued start event goes with the ring.
      c.rt->deactivate();
      return refuse(stats, "rte_eal_mp_remote_launch failed: a worker lcore was busy");
    }
  }
  return finish_run(c, stats);
}

}  // namespace

int run(const options& opts, std::function<void()> start, run_stats* stats) {
  if (stats != nullptr) *stats = run_stats{};
  if (!start) return refuse(stats, "start is empty (pass the function to run as the first event)");
  if (opts.event_pool_size == 0 || opts.event_pool_size > core::event_pool_size_max)
    return refuse(stats, "event_pool_size must be 1.." + std::to_string(core::event_pool_size_max) +
                  ", got " + std::to_string(opts.event_pool_size));
  if (core::runtime::active() != nullptr)
    return refuse(stats, "another run is executing (runs do not nest; call run from outside any run)");
  bool idle = false;
  if (!g_running.compare_exchange_strong(idle, true, std::memory_order_acq_rel))
    return refuse(stats, "another real::run is executing in this process");
  struct clear_running {
    ~clear_running() { g_running.store(false, std::memory_order_release); }
  } clear;

  std::string error;
  if (!eal_ensure(opts.eal_args, &error)) return refuse(stats, error);
  if (rte_lcore_id() != rte_get_main_lcore())
    return refuse(stats, "run must be called from the thread that first called it (EAL's main lcore)");

  auto c = std::make_unique<run_context>(opts, std::move(start));
  const int rc = run_on_lcores(*c, stats);
  if (stats != nullptr && stats->lcores != 0) stats->interrupted_by = c->interrupted_by;
  return rc;
}

}  // namespace lockstep::real
