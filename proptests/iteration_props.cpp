// Claim: a reactor stepped one unit at a time (reactor::step_as) and one whole iteration at a
// time (reactor::run_iteration_as) runs the same units — events, pollers, timed pollers — in
// the same order, for any program of events, pollers and timers on one core (each unit may
// send events, register pollers, unregister itself or stop the application), and drops the
// same events at app_stop.
//
// Both entry points are generated from one body (reactor::iterate, core/hot_path.hpp); this
// is what keeps the simulator, which steps per unit, a model of the DPDK backend, which runs
// whole iterations. One core, so that the order is the framework's alone: every event is
// sent by the core to itself, and a driver between calls only moves the clock to the next
// timer when the reactor is idle. The backend here is a minimal one of final classes, so
// that both generations take the same devirtualized path as the real backends do.
#include "core/hot_path.hpp"
#include "core/runtime.hpp"

#include <lockstep/lockstep.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>  // after gtest.h, which it uses without including

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <vector>

namespace {

using namespace lockstep;

// --- a minimal single-threaded backend --------------------------------------------------------

class test_pool final : public core::event_pool {
 public:
  explicit test_pool(uint32_t size) : events_(size) {
    for (event& ev : events_) free_.push_back(&ev);
  }
  event* get(uint32_t /*reactor*/) noexcept override {
    if (free_.empty()) return nullptr;
    event* ev = free_.back();
    free_.pop_back();
    return ev;
  }
  void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept override {
    for (uint32_t i = 0; i < n; ++i) put_one(reactor, evs[i]);
  }
  // Offered so that the per-unit end of a burst takes its put_one path (has_put_one).
  void put_one(uint32_t /*reactor*/, event* ev) noexcept { free_.push_back(ev); }
  size_t in_use() const noexcept { return events_.size() - free_.size(); }

 private:
  std::vector<event> events_;
  std::vector<event*> free_;
};

class test_transport final : public core::transport {
 public:
  void enqueue(uint32_t /*sender*/, uint32_t /*target*/, event* ev) noexcept override {
    queue_.push_back(ev);
  }
  uint32_t dequeue_burst(uint32_t /*target*/, event** out, uint32_t max) noexcept override {
    uint32_t n = 0;
    while (n < max && !queue_.empty()) {
      out[n++] = queue_.front();
      queue_.pop_front();
    }
    return n;
  }
  bool pending(uint32_t /*target*/) const noexcept override { return !queue_.empty(); }

 private:
  std::deque<event*> queue_;
};

// Moved by the units themselves (each costs time) and by the driver to the next timer: never
// between the units of an iteration from outside, so that both generations see the same times.
class test_clock final : public core::clock {
 public:
  uint64_t now_ns(uint32_t /*reactor*/) const noexcept override { return now_ns_; }
  uint64_t now_ns_ = 0;
};

class test_scheduling final : public core::scheduling {
 public:
  [[noreturn]] void fail(const char* message) noexcept override {
    std::fprintf(stderr, "iteration_props: a check failed: %s\n", message);
    std::abort();
  }
  void on_stop(int /*rc*/) noexcept override {}
  void start_external_thread(std::function<void()> /*body*/) override {
    fail("iteration_props: no external threads here");
  }
};

using test_types = core::backend_types<test_pool, test_transport, test_clock, core::observer>;

// --- the generated program -------------------------------------------------------------------

// What a unit does when it runs (events and pollers alike).
struct unit_spec {
  std::vector<uint32_t> sends;  // specs of the events it sends to its own core
  bool registers = false;       // registers a poller of its own
  uint32_t period_us = 0;       // that poller's period (0: every iteration)
  uint32_t poller_runs = 1;     // that poller unregisters itself on its runs-th run
  uint32_t poller_spec = 0;     // and does what this spec says on each run
  bool stops = false;           // calls app_stop
};

struct program {
  std::vector<unit_spec> specs;  // not empty
  unit_spec start;               // what the driver does before the first step
};

// One unit as run: 0 = event, 1 = poller; its label (the event's or the poller's number).
struct ran {
  uint32_t kind;
  uint64_t label;
  bool operator==(const ran&) const = default;
};

struct run_log {
  std::vector<ran> units;
  uint64_t dropped = 0;
  uint64_t events_executed = 0;
  uint64_t pollers_run = 0;
  bool operator==(const run_log&) const = default;
};

constexpr uint32_t unit_budget = 300;  // sends and registrations beyond it are skipped
constexpr uint64_t event_cost_ns = 300;
constexpr uint64_t poller_cost_ns = 200;

struct execution;

struct event_ctx {
  execution* x;
  uint32_t spec;
  uint64_t label;
};

struct poller_ctx {
  execution* x;
  uint32_t spec;
  uint32_t runs_left;
  uint64_t label;
  poller* handle = nullptr;
};

struct execution {
  const program* prog;
  test_clock* clk;
  run_log log;
  uint32_t made = 0;  // events sent and pollers registered, against unit_budget
  std::deque<event_ctx> events;    // stable addresses
  std::deque<poller_ctx> pollers;

  void perform(const unit_spec& s) {
    for (uint32_t to : s.sends) {
      if (made >= unit_budget) break;
      ++made;
      events.push_back({this, to, events.size()});
      event* ev = event_allocate(current_core(), on_event, &events.back(), nullptr);
      RC_ASSERT(ev != nullptr);
      event_call(ev);
    }
    if (s.registers && made < unit_budget) {
      ++made;
      pollers.push_back({this, s.poller_spec, s.poller_runs, pollers.size()});
      pollers.back().handle = poller_register(on_poll, &pollers.back(), s.period_us);
      RC_ASSERT(pollers.back().handle != nullptr);
    }
    if (s.stops) app_stop(0);
  }
  static void on_event(void* a, void*) {
    auto* e = static_cast<event_ctx*>(a);
    e->x->log.units.push_back({0, e->label});
    e->x->clk->now_ns_ += event_cost_ns;
    e->x->perform(e->x->prog->specs[e->spec]);
  }
  static int on_poll(void* a) {
    auto* p = static_cast<poller_ctx*>(a);
    p->x->log.units.push_back({1, p->label});
    p->x->clk->now_ns_ += poller_cost_ns;
    if (--p->runs_left == 0) poller_unregister(&p->handle);
    p->x->perform(p->x->prog->specs[p->spec]);
    return 0;
  }
};

// Runs `prog` on one reactor, stepped per unit or by whole iterations, until app_stop or until
// nothing is left to run (no event, no poller, no timer).
run_log execute(const program& prog, bool per_unit) {
  test_pool pool(unit_budget + 1);
  test_transport queues;
  test_clock clk;
  test_scheduling sched;
  core::parts p;
  p.pool = &pool;
  p.queues = &queues;
  p.clk = &clk;
  p.sched = &sched;
  core::runtime rt({0}, p);
  rt.use_hot_path(core::hot_path_for<test_types>());
  RC_ASSERT(rt.activate(core::runtime::scope::thread));
  core::set_current_reactor(0, 0);
  execution x{&prog, &clk, {}, 0, {}, {}};
  x.perform(prog.start);
  core::reactor& r = rt.at(0);
  for (uint64_t calls = 0; !rt.stop_requested(); ++calls) {
    RC_ASSERT(calls < 100000u);
    const bool worked = per_unit ? r.step_as<test_types>() : r.run_iteration_as<test_types>();
    if (worked) continue;
    uint64_t due_ns = 0;
    if (!r.next_timer_ns(&due_ns)) break;
    clk.now_ns_ = std::max(clk.now_ns_, due_ns);
  }
  core::set_current_reactor(no_core, no_core);
  x.log.dropped = rt.drop_queued();
  x.log.events_executed = r.counters().events_executed;
  x.log.pollers_run = r.counters().pollers_run;
  RC_ASSERT(pool.in_use() == 0u);
  rt.deactivate();
  return std::move(x.log);
}

rc::Gen<unit_spec> gen_spec(uint32_t specs) {
  return rc::gen::exec([specs] {
    unit_spec s;
    s.sends = *rc::gen::container<std::vector<uint32_t>>(
        *rc::gen::inRange<size_t>(0, 4), rc::gen::inRange<uint32_t>(0, specs));
    s.registers = *rc::gen::weightedElement<bool>({{5, false}, {1, true}});
    s.period_us = *rc::gen::element<uint32_t>(0, 0, 1, 2, 5);
    s.poller_runs = *rc::gen::inRange<uint32_t>(1, 8);
    s.poller_spec = *rc::gen::inRange<uint32_t>(0, specs);
    s.stops = *rc::gen::weightedElement<bool>({{40, false}, {1, true}});
    return s;
  });
}

rc::Gen<program> gen_program() {
  return rc::gen::exec([] {
    program prog;
    const auto specs = *rc::gen::inRange<uint32_t>(1, 9);
    for (uint32_t i = 0; i < specs; ++i) prog.specs.push_back(*gen_spec(specs));
    prog.start = *gen_spec(specs);
    // The start sends a handful of events and may register a poller (up to three, through
    // specs of its own kind).
    prog.start.sends = *rc::gen::container<std::vector<uint32_t>>(
        *rc::gen::inRange<size_t>(0, 20), rc::gen::inRange<uint32_t>(0, specs));
    prog.start.stops = false;
    return prog;
  });
}

RC_GTEST_PROP(IterationProps, PerUnitAndWholeIterationRunTheSameUnitsInTheSameOrder, ()) {
  const program prog = *gen_program();
  const run_log per_unit = execute(prog, true);
  const run_log whole = execute(prog, false);
  RC_TAG(per_unit.units.size() > 50 ? "long" : "short");
  RC_ASSERT(per_unit.units == whole.units);
  RC_ASSERT(per_unit.dropped == whole.dropped);
  RC_ASSERT(per_unit.events_executed == whole.events_executed);
  RC_ASSERT(per_unit.pollers_run == whole.pollers_run);
}

// The property can fail: an iteration that ran its pollers before its burst would be caught.
// Checked here on one fixed program, against the order the iteration prescribes.
TEST(IterationProps, OrderIsBurstThenPollersThenTimers) {
  program prog;
  prog.specs.push_back({});                                  // 0: an event that does nothing
  prog.specs.push_back({});                                  // 1: a poller's run: nothing
  prog.start.sends = std::vector<uint32_t>(10, 0);           // ten events: a burst of 8, then 2
  prog.start.registers = true;                               // one active poller, two runs
  prog.start.poller_runs = 2;
  prog.start.poller_spec = 1;
  for (bool per_unit : {true, false}) {
    const run_log log = execute(prog, per_unit);
    std::vector<ran> expected;
    for (uint64_t i = 0; i < 8; ++i) expected.push_back({0, i});
    expected.push_back({1, 0});
    expected.push_back({0, 8});
    expected.push_back({0, 9});
    expected.push_back({1, 0});
    EXPECT_EQ(log.units, expected) << (per_unit ? "per unit" : "whole iterations");
  }
}

}  // namespace
