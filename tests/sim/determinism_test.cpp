// Same program + options + seed => same trace hash: within a process, with and without the
// trace, and across processes (where addresses differ, so no address may reach the hash).
#include "cross_core_app.hpp"

#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <set>
#include <string>

namespace {

lockstep::sim::result run_example(lockstep::sim::options o) {
  cross_core::app a(cross_core::config{});
  return lockstep::sim::run(o, [&a] { a.start(); });
}

lockstep::sim::options faulty(uint64_t seed, lockstep::sim::strategy s) {
  lockstep::sim::options o;
  o.seed = seed;
  o.strategy = s;
  o.alloc_fail_ppm = 20'000;
  return o;
}

TEST(SimDeterminism, SameSeedSameHashWithinAProcess) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const auto a = run_example(faulty(seed, lockstep::sim::strategy::random));
    const auto b = run_example(faulty(seed, lockstep::sim::strategy::random));
    ASSERT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed;
    ASSERT_EQ(a.steps, b.steps);
    ASSERT_EQ(a.virtual_ns, b.virtual_ns);
    ASSERT_EQ(a.alloc_failures, b.alloc_failures);
  }
}

TEST(SimDeterminism, DifferentSeedsExploreDifferentRuns) {
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 50; ++seed)
    hashes.insert(run_example(faulty(seed, lockstep::sim::strategy::random)).trace_hash);
  EXPECT_GE(hashes.size(), 45u);  // a hash that ignored the schedule would collapse to one
}

TEST(SimDeterminism, RecordingTheTraceDoesNotChangeTheRun) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto o = faulty(seed, lockstep::sim::strategy::pct);
    const auto off = run_example(o);
    o.trace = true;
    const auto on = run_example(o);
    ASSERT_TRUE(on.trace != nullptr);
    EXPECT_EQ(on.trace_hash, off.trace_hash) << "seed " << seed;
    EXPECT_EQ(on.steps, off.steps);
  }
}

std::string probe_output(const char* args = " 20") {
  std::string out;
  std::FILE* p = popen((std::string(LOCKSTEP_HASH_PROBE) + args).c_str(), "r");
  if (p == nullptr) return out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  EXPECT_EQ(pclose(p), 0);
  return out;
}

TEST(SimDeterminism, SameSeedSameHashAcrossProcesses) {
  std::string here;
  for (auto s : {lockstep::sim::strategy::random, lockstep::sim::strategy::pct}) {
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      char line[128];
      std::snprintf(line, sizeof line, "%s %" PRIu64 " %016" PRIx64 "\n",
                    lockstep::sim::to_string(s), seed, run_example(faulty(seed, s)).trace_hash);
      here += line;
    }
  }
  const std::string first = probe_output();
  const std::string second = probe_output();
  EXPECT_EQ(first, here);
  EXPECT_EQ(second, here);
  // One thread per simulated core changes nothing of the schedule, in another process either.
  EXPECT_EQ(probe_output(" 20 thread_per_core"), here);
}

}  // namespace
