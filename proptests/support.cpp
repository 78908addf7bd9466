#include "support.hpp"

namespace props {

lockstep::sim::options gen_options(uint32_t min_cores, uint32_t cores_max) {
  lockstep::sim::options o;
  o.seed = *rc::gen::arbitrary<uint64_t>();
  o.cores = *rc::gen::inRange<uint32_t>(min_cores, cores_max + 1);
  if (*rc::gen::arbitrary<bool>()) {
    o.strategy = lockstep::sim::strategy::pct;
    o.pct_depth = *rc::gen::inRange<uint32_t>(1, 5);
    o.pct_horizon_steps = *rc::gen::element<uint64_t>(100, 1000, 10000);
  }
  return o;
}

void assert_deterministic(const runner& run, const lockstep::sim::options& opts,
                          const lockstep::sim::result& first) {
  // Same options, again.
  const lockstep::sim::result again = run(opts);
  RC_ASSERT(again.trace_hash == first.trace_hash);
  RC_ASSERT(again.steps == first.steps);
  // Through the replay line (the program's shutdown_cb is not carried: keep it).
  lockstep::sim::options parsed = opts;
  parsed.decisions = std::vector<uint64_t>{99};  // overwritten by the line
  std::string error;
  RC_ASSERT(lockstep::sim::parse_replay(first.replay, &parsed, &error));
  RC_ASSERT(lockstep::sim::format_replay(parsed) == first.replay);
  RC_ASSERT(run(parsed).trace_hash == first.trace_hash);
  // Through the decision log: a run driven by the log it produced is the same run.
  lockstep::sim::options logged = opts;
  logged.record_decisions = true;
  const lockstep::sim::result with_log = run(logged);
  RC_ASSERT(with_log.trace_hash == first.trace_hash);
  RC_ASSERT(with_log.decision_log.size() == with_log.decisions);
  lockstep::sim::options driven = opts;
  driven.decisions = with_log.decision_log;
  RC_ASSERT(run(driven).trace_hash == first.trace_hash);
}

}  // namespace props
