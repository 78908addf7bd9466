// Canaries: deliberately broken programs that the simulator must catch. If exploration stopped
// varying the schedule or injecting faults, these tests fail.
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

namespace {

using lockstep::sim::outcome;

// Broken: core 3 assumes core 1's message arrives before core 2's. Nothing orders two senders.
struct race {
  bool from_one_seen = false;
};

void ordered_receive(void* a1, void* a2) {
  auto* r = static_cast<race*>(a1);
  const auto sender = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(a2));
  if (sender == 1) {
    r->from_one_seen = true;
  } else {
    LOCKSTEP_CHECK(r->from_one_seen, "core 2's message overtook core 1's");
    lockstep::app_stop(0);
  }
}

void send_to_three(void* a1, void*) {
  const auto self = reinterpret_cast<void*>(uintptr_t{lockstep::current_core()});
  lockstep::event_call(lockstep::event_allocate(3, ordered_receive, a1, self));
}

std::string run_race(const lockstep::sim::options& o, lockstep::sim::result* res) {
  race r;
  *res = lockstep::sim::run(o, [&r] {
    lockstep::event_call(lockstep::event_allocate(1, send_to_three, &r, nullptr));
    lockstep::event_call(lockstep::event_allocate(2, send_to_three, &r, nullptr));
  });
  return res->outcome == outcome::failed ? res->failure : std::string();
}

TEST(SimCanary, TheSimulatorCatchesAnOrderingAssumptionAcrossTwoSenders) {
  lockstep::explore::options eo;
  eo.seeds = 200;
  eo.progress = false;
  eo.replay_command = "canary";
  const auto sum = lockstep::explore::run(eo, {}, run_race);
  ASSERT_FALSE(sum.failures.empty()) << "the broken ordering assumption was never caught";
  const auto& f = sum.failures.front();
  EXPECT_NE(f.why.find("overtook"), std::string::npos);
  EXPECT_NE(f.replay_command.find("lockstep-replay/3"), std::string::npos);
  // The replay line reproduces exactly that failure.
  lockstep::sim::options again;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(f.result.replay, &again, &error)) << error;
  lockstep::sim::result rerun;
  EXPECT_FALSE(run_race(again, &rerun).empty());
  EXPECT_EQ(rerun.trace_hash, f.result.trace_hash);
  // And the lucky order also happens: the bug is schedule-dependent, not deterministic.
  EXPECT_LT(sum.failures.size(), sum.seeds_run);
}

// Broken: the reply's allocation failure is ignored, so the requester waits forever.
void reply(void*, void*) { lockstep::app_stop(0); }

void request(void*, void*) {
  lockstep::event* ev = lockstep::event_allocate(0, reply, nullptr, nullptr);
  if (ev != nullptr) lockstep::event_call(ev);  // and if not: the completion is lost
}

TEST(SimCanary, AllocationFaultsRevealALostCompletionAsAHang) {
  lockstep::explore::options eo;
  eo.seeds = 200;
  eo.progress = false;
  lockstep::sim::options o;
  o.alloc_fail_ppm = 100'000;
  const auto sum = lockstep::explore::run(eo, o, [](const lockstep::sim::options& so, lockstep::sim::result* r) {
    *r = lockstep::sim::run(so, [] {
      lockstep::event* ev = lockstep::event_allocate(1, request, nullptr, nullptr);
      if (ev != nullptr) lockstep::event_call(ev);
    });
    return r->outcome == outcome::hang ? std::string("hang: a completion was lost") : std::string();
  });
  ASSERT_FALSE(sum.failures.empty()) << "the lost completion was never caught";
  EXPECT_GT(sum.failures.front().result.alloc_failures, 0u);
}

}  // namespace
