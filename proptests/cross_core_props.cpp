// Properties of the cross-core request/response example (examples/cross_core) under the
// simulator's schedules and faults.
#include "cross_core_app.hpp"
#include "support.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>  // after gtest.h, which it uses without including

#include <algorithm>
#include <cerrno>

namespace {

using lockstep::sim::options;
using lockstep::sim::outcome;
using lockstep::sim::result;

// Runs the example once; `app_out` (when given) receives the finished app's checks.
struct run_report {
  result r;
  bool correct = false;
  uint32_t final_callbacks = 0;
  uint32_t handlers_after_final = 0;
  uint32_t enomem = 0, cancelled = 0;
  std::vector<uint32_t> per_core;
};

run_report run_app(const cross_core::config& cfg, const options& o) {
  cross_core::app a(cfg);
  run_report rep;
  rep.r = lockstep::sim::run(o, [&a] { a.start(); });
  rep.correct = a.complete_and_correct();
  rep.final_callbacks = a.final_callbacks();
  rep.handlers_after_final = a.handlers_after_final();
  for (const auto& t : a.tasks()) {
    rep.enomem += t.status == -ENOMEM ? 1 : 0;
    rep.cancelled += t.status == -ECANCELED ? 1 : 0;
  }
  rep.per_core = a.processed_per_core();
  return rep;
}

props::runner runner_for(const cross_core::config& cfg) {
  return [cfg](const options& o) { return run_app(cfg, o).r; };
}

cross_core::config gen_config() {
  cross_core::config cfg;
  cfg.tasks = *rc::gen::inRange<uint32_t>(0, 200);
  cfg.window = *rc::gen::inRange<uint32_t>(1, 33);
  cfg.retry_period_us = *rc::gen::inRange<uint64_t>(1, 20);
  return cfg;
}

}  // namespace

// Claim: under any interleaving (random walk, PCT, or a generated decision vector), the
// example completes every task exactly once, on its origin core, with the right result.
RC_GTEST_PROP(cross_core, every_task_completes_once_on_its_origin, ()) {
  const cross_core::config cfg = gen_config();
  options o = props::gen_options(1, 8);
  if (*rc::gen::arbitrary<bool>()) o.decisions = *rc::gen::arbitrary<std::vector<uint64_t>>();
  const run_report rep = run_app(cfg, o);
  RC_ASSERT(rep.r.outcome == outcome::stopped);
  RC_ASSERT(rep.r.failure.empty());
  RC_ASSERT(rep.correct);
  RC_ASSERT(rep.r.leaked_events == 0u);
  props::assert_deterministic(runner_for(cfg), o, rep.r);
}

// Claim: under allocation failures (a rate, or one chosen allocation), every task still
// completes exactly once, with its result or -ENOMEM, and no event leaks from the pool.
RC_GTEST_PROP(cross_core, allocation_failures_complete_every_task_without_leaks, ()) {
  cross_core::config cfg = gen_config();
  cfg.enomem_completes = *rc::gen::arbitrary<bool>();
  options o = props::gen_options(1, 8);
  o.alloc_fail_ppm = *rc::gen::element<uint32_t>(1'000, 50'000, 200'000, 500'000);
  o.alloc_fail_nth = *rc::gen::inRange<uint32_t>(0, 300);
  o.event_pool_size = *rc::gen::inRange<uint32_t>(4, 256);
  const run_report rep = run_app(cfg, o);
  RC_ASSERT(rep.r.outcome == outcome::stopped);
  RC_ASSERT(rep.correct);
  RC_ASSERT(rep.r.leaked_events == 0u);
  RC_ASSERT(rep.r.dropped_events == 0u);  // the app stops only once every core is done
  if (!cfg.enomem_completes) RC_ASSERT(rep.enomem == 0u);
  props::assert_deterministic(runner_for(cfg), o, rep.r);
}

// Claim: a graceful shutdown, requested at any step (or finishing on its own), calls its final
// callback exactly once, and no application event or poller runs after it.
RC_GTEST_PROP(cross_core, graceful_shutdown_calls_final_callback_once, ()) {
  const cross_core::config cfg = gen_config();
  options o = props::gen_options(1, 8);
  o.shutdown_cb = cross_core::app::shutdown_request;
  o.shutdown_ppm = *rc::gen::element<uint32_t>(0, 100, 1'000, 10'000, 100'000, 1'000'000);
  o.alloc_fail_ppm = *rc::gen::element<uint32_t>(0, 10'000);
  o.stall_ppm = *rc::gen::element<uint32_t>(0, 10'000);
  const run_report rep = run_app(cfg, o);
  RC_ASSERT(rep.r.outcome == outcome::stopped);
  RC_ASSERT(rep.final_callbacks == 1u);
  RC_ASSERT(rep.handlers_after_final == 0u);
  RC_ASSERT(rep.correct);  // every task completed or was cancelled, exactly once
  RC_ASSERT(rep.r.leaked_events == 0u);
  RC_TAG(rep.cancelled > 0 ? "cancelled by a request" : "ran to the end");
  props::assert_deterministic(runner_for(cfg), o, rep.r);
}

// Claim: round-robin distribution is fair: the tasks processed per core differ by at most one,
// whatever the schedule and the allocation failures.
RC_GTEST_PROP(cross_core, round_robin_is_fair, ()) {
  const cross_core::config cfg = gen_config();
  options o = props::gen_options(1, 12);
  o.alloc_fail_ppm = *rc::gen::element<uint32_t>(0, 10'000, 100'000);
  const run_report rep = run_app(cfg, o);
  RC_ASSERT(rep.r.outcome == outcome::stopped);
  RC_ASSERT(rep.per_core.size() == o.cores);
  const auto [lo, hi] = std::minmax_element(rep.per_core.begin(), rep.per_core.end());
  RC_ASSERT(*hi - *lo <= 1u);
  uint32_t total = 0;
  for (uint32_t n : rep.per_core) total += n;
  RC_ASSERT(total == cfg.tasks);
  props::assert_deterministic(runner_for(cfg), o, rep.r);
}

// Claim: fault injection under swarm mode (every fault drawn per run) keeps all of the above:
// every task completes or is cancelled exactly once, nothing leaks, the run is deterministic.
RC_GTEST_PROP(cross_core, swarm_faults_keep_the_promises, ()) {
  const cross_core::config cfg = gen_config();
  options o = props::gen_options(1, 8);
  o.swarm = true;
  o.shutdown_cb = cross_core::app::shutdown_request;
  o.alloc_fail_ppm = 100'000;
  o.shutdown_ppm = 10'000;
  o.stall_ppm = 50'000;
  o.timer_jitter_ns = 5'000;
  const run_report rep = run_app(cfg, o);
  RC_ASSERT(rep.r.outcome == outcome::stopped);
  RC_ASSERT(rep.correct);
  RC_ASSERT(rep.r.leaked_events == 0u);
  props::assert_deterministic(runner_for(cfg), o, rep.r);
}
