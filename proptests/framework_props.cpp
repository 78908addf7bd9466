// Properties of the framework itself (core/ on the simulator), over small generated programs.
#include "support.hpp"

#include <lockstep/lockstep.hpp>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>  // after gtest.h, which it uses without including

#include <map>
#include <memory>
#include <vector>

namespace {

using lockstep::sim::options;
using lockstep::sim::outcome;
using lockstep::sim::result;

// --- recurring self-scheduling events -------------------------------------------------------

// Every core runs a ticker: an event that re-sends itself to its own core. Core 0 asks every
// ticker to stop after `stop_after` ticks of its own; each ticker acknowledges, and the last
// acknowledgement stops the application.
struct tickers {
  struct core_ticker {
    tickers* owner = nullptr;
    uint32_t core = 0;
    bool stop_asked = false;
    bool stopped = false;
    uint64_t ticks = 0;
    uint64_t ticks_after_stop = 0;  // ticks that ran after the stop request was seen
  };
  uint64_t stop_after = 0;
  uint32_t acks = 0;
  uint64_t origin_ticks = 0;
  std::vector<core_ticker> cores;

  static void tick(void* a, void*) {
    auto* t = static_cast<core_ticker*>(a);
    if (t->stopped) {
      ++t->ticks_after_stop;
      return;
    }
    ++t->ticks;
    if (t->stop_asked) {
      t->stopped = true;
      lockstep::event* ack = LOCKSTEP_EVENT_ALLOCATE(0, acked, t->owner, nullptr);
      LOCKSTEP_CHECK(ack != nullptr, "pool exhausted in the ticker test");
      lockstep::event_call(ack);
      return;
    }
    if (t->core == 0 && ++t->owner->origin_ticks == t->owner->stop_after) {
      for (auto& c : t->owner->cores) {
        lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(c.core, ask_stop, &c, nullptr);
        LOCKSTEP_CHECK(ev != nullptr, "pool exhausted in the ticker test");
        lockstep::event_call(ev);
      }
    }
    lockstep::event* again = LOCKSTEP_EVENT_ALLOCATE(t->core, tick, t, nullptr);
    LOCKSTEP_CHECK(again != nullptr, "pool exhausted in the ticker test");
    lockstep::event_call(again);
  }
  static void ask_stop(void* a, void*) { static_cast<core_ticker*>(a)->stop_asked = true; }
  static void acked(void* a, void*) {
    auto* self = static_cast<tickers*>(a);
    if (++self->acks == self->cores.size()) lockstep::app_stop(0);
  }
};

result run_tickers(uint64_t stop_after, const options& o, tickers* out) {
  out->stop_after = stop_after;
  out->cores.assign(o.cores, {});
  for (uint32_t c = 0; c < o.cores; ++c) out->cores[c] = {out, c};
  return lockstep::sim::run(o, [out] {
    for (auto& c : out->cores) {
      lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(c.core, tickers::tick, &c, nullptr);
      LOCKSTEP_CHECK(ev != nullptr, "pool exhausted in the ticker test");
      lockstep::event_call(ev);
    }
  });
}

// --- generated programs ----------------------------------------------------------------------

// One operation of a generated program; op k is started by the start event, on core `at`.
struct op {
  enum kind_t { send, poll, timer, stop } kind = send;
  uint32_t at = 0;
  uint32_t to = 0;       // send: target core
  uint32_t count = 1;    // send: messages; poll/timer: runs before unregistering
  uint32_t period_us = 0;
};

struct program {
  std::vector<op> ops;
  uint32_t cores = 1;
};

struct message {
  uint32_t from, to;
  uint64_t seq;
};

struct poller_state {
  uint32_t left;
  lockstep::poller* p = nullptr;
};

// What a generated program observed while running. It owns the messages and poller states, so
// that those a stop leaves behind are freed with it.
struct observed {
  std::vector<std::unique_ptr<message>> messages;
  std::vector<std::unique_ptr<poller_state>> poller_states;
  uint32_t cores = 0;
  bool stopped = false;               // app_stop was called
  uint64_t ran_after_stop = 0;        // handlers that ran after app_stop
  uint64_t sent = 0, received = 0, send_failures = 0;
  std::vector<uint64_t> next_seq;     // per (sender, target): the next sequence number sent
  std::vector<uint64_t> expect_seq;   // per (sender, target): the next one expected
  uint64_t fifo_violations = 0, wrong_core = 0;
  uint64_t poller_runs = 0, poller_runs_expected = 0;
};

thread_local observed* obs = nullptr;

void note_handler() {
  if (obs->stopped) ++obs->ran_after_stop;
}

void receive(void* a, void*) {
  note_handler();
  const auto* m = static_cast<const message*>(a);
  if (lockstep::current_core() != m->to) ++obs->wrong_core;
  uint64_t& expect = obs->expect_seq[m->from * obs->cores + m->to];
  if (m->seq != expect) ++obs->fifo_violations;
  expect = m->seq + 1;
  ++obs->received;
}

int poll_fn(void* a) {
  note_handler();
  auto* ps = static_cast<poller_state*>(a);
  ++obs->poller_runs;
  if (--ps->left == 0) {
    lockstep::poller_unregister(&ps->p);
  }
  return 1;
}

void run_op(void* a, void*) {
  note_handler();
  const op& o = *static_cast<const op*>(a);
  if (lockstep::current_core() != o.at) ++obs->wrong_core;
  switch (o.kind) {
    case op::send:
      for (uint32_t i = 0; i < o.count; ++i) {
        uint64_t& seq = obs->next_seq[o.at * obs->cores + o.to];
        obs->messages.push_back(std::make_unique<message>(message{o.at, o.to, seq}));
        lockstep::event* ev =
            LOCKSTEP_EVENT_ALLOCATE(o.to, receive, obs->messages.back().get(), nullptr);
        if (ev == nullptr) {  // an exhausted pool or an injected failure: the message is not sent
          obs->messages.pop_back();
          ++obs->send_failures;
          continue;
        }
        ++seq;
        ++obs->sent;
        lockstep::event_call(ev);
      }
      break;
    case op::poll:
    case op::timer: {
      obs->poller_states.push_back(std::make_unique<poller_state>(poller_state{o.count}));
      poller_state* ps = obs->poller_states.back().get();
      ps->p = lockstep::poller_register(poll_fn, ps, o.kind == op::poll ? 0 : o.period_us);
      obs->poller_runs_expected += o.count;
      break;
    }
    case op::stop:
      obs->stopped = true;
      lockstep::app_stop(0);
      break;
  }
}

rc::Gen<program> gen_program() {
  return rc::gen::mapcat(rc::gen::inRange<uint32_t>(1, 7), [](uint32_t cores) {
    auto core = rc::gen::inRange<uint32_t>(0, cores);
    auto one = rc::gen::build<op>(
        rc::gen::set(&op::kind, rc::gen::weightedElement<op::kind_t>(
                                    {{8, op::send}, {2, op::poll}, {2, op::timer}, {1, op::stop}})),
        rc::gen::set(&op::at, core), rc::gen::set(&op::to, core),
        rc::gen::set(&op::count, rc::gen::inRange<uint32_t>(1, 20)),
        rc::gen::set(&op::period_us, rc::gen::inRange<uint32_t>(1, 4)));
    return rc::gen::map(rc::gen::container<std::vector<op>>(one), [cores](std::vector<op> ops) {
      return program{std::move(ops), cores};
    });
  });
}

// Runs `p`; on return *o holds what it observed. Leaked messages (dropped by a stop) are freed.
result run_program(const program& p, options opts, observed* o) {
  opts.cores = p.cores;
  *o = observed{};
  o->cores = p.cores;
  o->next_seq.assign(size_t{p.cores} * p.cores, 0);
  o->expect_seq.assign(size_t{p.cores} * p.cores, 0);
  obs = o;
  result r = lockstep::sim::run(opts, [&p] {
    for (const op& x : p.ops) {
      lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(x.at, run_op, const_cast<op*>(&x), nullptr);
      if (ev != nullptr) lockstep::event_call(ev);
    }
  });
  obs = nullptr;
  return r;
}

}  // namespace

// Claim: recurring self-scheduling events stop when asked: every ticker stops after the request
// reaches it, no tick runs after that, and the run ends by the last acknowledgement.
RC_GTEST_PROP(framework, recurring_events_stop_when_asked, ()) {
  options o = props::gen_options(1, 8);
  o.max_steps = 200'000;  // tickers that ignore the stop would run into this
  o.stall_ppm = *rc::gen::element<uint32_t>(0, 20'000);
  const uint64_t stop_after = *rc::gen::inRange<uint64_t>(1, 300);
  tickers t;
  const result r = run_tickers(stop_after, o, &t);
  RC_ASSERT(r.outcome == outcome::stopped);
  RC_ASSERT(t.acks == o.cores);
  for (const auto& c : t.cores) {
    RC_ASSERT(c.stopped);
    RC_ASSERT(c.ticks_after_stop == 0u);
  }
  RC_ASSERT(t.origin_ticks == stop_after);
  RC_ASSERT(r.leaked_events == 0u);
  props::assert_deterministic(
      [stop_after](const options& x) {
        tickers again;
        return run_tickers(stop_after, x, &again);
      },
      o, r);
}

// Claim: for randomly generated programs (sends, pollers, timed pollers, stops; small pools and
// injected allocation failures), the framework's invariants hold: every pool event is back by
// teardown, events run on their target core in per-pair FIFO order, nothing runs after
// app_stop, every message and poller run happens unless the program stopped, and the run is
// deterministic.
RC_GTEST_PROP(framework, invariants_hold_for_generated_programs, ()) {
  const program p = *gen_program();
  options o = props::gen_options(1, 1);  // cores come from the program
  o.event_pool_size = *rc::gen::element<uint32_t>(8, 64, 4096);
  o.alloc_fail_ppm = *rc::gen::element<uint32_t>(0, 0, 50'000);
  o.stall_ppm = *rc::gen::element<uint32_t>(0, 20'000);
  o.timer_jitter_ns = *rc::gen::element<uint64_t>(0, 3'000);
  observed seen;
  const result r = run_program(p, o, &seen);
  const bool has_stop = std::any_of(p.ops.begin(), p.ops.end(),
                                    [](const op& x) { return x.kind == op::stop; });
  RC_ASSERT(r.failure.empty());
  RC_ASSERT(r.leaked_events == 0u);
  RC_ASSERT(seen.fifo_violations == 0u);
  RC_ASSERT(seen.wrong_core == 0u);
  RC_ASSERT(seen.ran_after_stop == 0u);
  if (seen.stopped) {
    RC_ASSERT(r.outcome == outcome::stopped);
  } else {
    // Without a stop (or with every stop op lost to allocation), the program runs dry.
    RC_ASSERT(r.outcome == outcome::hang);
    RC_ASSERT(seen.received == seen.sent);
    RC_ASSERT(seen.poller_runs == seen.poller_runs_expected);
  }
  RC_TAG(has_stop ? "has a stop" : "runs dry");
  props::assert_deterministic(
      [&p](const options& x) {
        observed again;
        return run_program(p, x, &again);
      },
      o, r);
}
