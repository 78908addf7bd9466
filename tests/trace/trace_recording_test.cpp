// The simulator's trace recording, checked through the public interface: run, write_trace,
// read the file back with the trace reader.
#include "ping_scenario.hpp"

#include <trace/reader.hpp>

#include <gtest/gtest.h>
#include <lockstep/sim.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

namespace {

using lockstep::sim::options;
using lockstep::sim::result;
namespace lt = lockstep::trace;

options ping_options(uint64_t seed) {
  options o;
  o.cores = 3;
  o.seed = seed;
  o.alloc_fail_ppm = 150'000;
  o.max_steps = 20'000;
  return o;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("lockstep_trace_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

lt::trace_log written_and_read(const result& r) {
  const std::string path = temp_path("t.trace");
  EXPECT_TRUE(lockstep::sim::write_trace(r, path));
  lt::trace_log t;
  std::string error;
  EXPECT_TRUE(lt::read_file(path, &t, &error)) << error;
  std::filesystem::remove(path);
  return t;
}

size_t count(const lt::trace_log& t, lt::kind k) {
  return static_cast<size_t>(std::count_if(t.records.begin(), t.records.end(),
                                           [k](const lt::record& r) { return r.kind == k; }));
}

// Claim: the writer and the reader agree on the format — every record and name a run recorded
// (its result.trace) comes back from the file field by field, over runs with allocation failures,
// shutdown requests and failed checks.
TEST(TraceRecording, WhatIsWrittenReadsBackFieldByField) {
  size_t records = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    options o = ping_options(seed);
    o.trace = true;
    o.shutdown_ppm = seed % 3 == 0 ? 20'000 : 0;
    const result r = trace_test::run_ping(o, {8, seed % 4 == 0 ? 5u : 0u});
    ASSERT_NE(r.trace, nullptr);
    const lt::trace_log& recorded = *r.trace;
    const lt::trace_log read = written_and_read(r);
    ASSERT_EQ(read.names, recorded.names) << "seed " << seed;
    ASSERT_EQ(read.records.size(), recorded.records.size()) << "seed " << seed;
    EXPECT_EQ(read.trace_hash, recorded.trace_hash);
    EXPECT_EQ(read.options, recorded.options);
    EXPECT_EQ(read.failure, recorded.failure);
    for (size_t i = 0; i < read.records.size(); ++i) {
      const lt::record& a = recorded.records[i];
      const lt::record& b = read.records[i];
      const auto fields = [](const lt::record& x) {
        return std::make_tuple(x.kind, x.core, x.target, x.sender, x.name, x.rc, x.step,
                               x.start_ns, x.end_ns, x.id, x.by,
                               x.kind == lt::kind::alloc_failed ? x.reason : lt::alloc_reason{},
                               x.kind == lt::kind::check_failed ? x.in : lt::failed_in{});
      };
      ASSERT_TRUE(fields(a) == fields(b))
          << "seed " << seed << ", record " << i << " (" << lt::to_string(a.kind) << ")";
      ASSERT_NE(b.line, 0u);
    }
    records += read.records.size();
  }
  EXPECT_GT(records, 1000u);
}

// Claim: recording a trace changes nothing about the run — the same options give the same
// trace_hash, steps, outcome and decision count with options.trace on and off.
TEST(TraceRecording, TracingDoesNotChangeTheRun) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    options o = ping_options(seed);
    o.shutdown_ppm = seed % 3 == 0 ? 20'000 : 0;
    o.strategy = seed % 2 == 0 ? lockstep::sim::strategy::pct : lockstep::sim::strategy::random;
    const trace_test::ping_config cfg{8, seed % 4 == 0 ? 5u : 0u};
    const result off = trace_test::run_ping(o, cfg);
    o.trace = true;
    const result on = trace_test::run_ping(o, cfg);
    ASSERT_EQ(off.trace_hash, on.trace_hash) << "seed " << seed;
    EXPECT_EQ(off.steps, on.steps) << "seed " << seed;
    EXPECT_EQ(off.outcome, on.outcome) << "seed " << seed;
    EXPECT_EQ(off.decisions, on.decisions) << "seed " << seed;
    EXPECT_EQ(off.trace, nullptr);
    EXPECT_NE(on.trace, nullptr);
  }
}

TEST(TraceRecording, StaticFunctionsAreNamedWithoutTheMacro) {
  // Over a few runs with allocation failures, every function of the scenario runs (the retry
  // poller only after a failure); the union of the names must hold each of them.
  std::vector<std::string> names;
  bool answer_exec_named = false;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    options o = ping_options(seed);
    o.alloc_fail_ppm = 300'000;
    o.trace = true;
    const lt::trace_log t = written_and_read(trace_test::run_ping(o, {6, 0}));
    // Every name is a symbol, none an address stand-in.
    for (size_t i = 1; i < t.names.size(); ++i) {
      EXPECT_EQ(t.names[i].rfind("fn@", 0), std::string::npos) << t.names[i];
      names.push_back(t.names[i]);
    }
    for (const lt::record& rec : t.records)
      answer_exec_named |= rec.kind == lt::kind::exec &&
                           t.name_of(rec) == "trace_test::send_result_to_origin";
  }
  // All allocated with plain event_allocate (no name given), all static or in an anonymous
  // namespace: dladdr knows none of them. Names keep their namespaces; "(anonymous
  // namespace)::" is dropped.
  for (const char* want : {"trace_test::send_result_to_origin", "trace_test::on_answer",
                           "trace_test::register_retry", "trace_test::retry_poller",
                           "trace_test::driver", "start"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  EXPECT_TRUE(answer_exec_named);
}

TEST(TraceRecording, HeaderAndCountsMatchTheResult) {
  options o = ping_options(11);
  o.trace = true;
  const result r = trace_test::run_ping(o, {10, 0});
  ASSERT_EQ(r.outcome, lockstep::sim::outcome::stopped) << r.failure;
  ASSERT_GT(r.alloc_failures, 0u) << "pick a seed whose run has allocation failures";
  const lt::trace_log t = written_and_read(r);
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.options, r.replay);
  EXPECT_EQ(t.cores, 3u);
  EXPECT_EQ(t.outcome, lockstep::sim::to_string(r.outcome));
  EXPECT_EQ(t.steps, r.steps);
  EXPECT_EQ(t.virtual_ns, r.virtual_ns);
  EXPECT_EQ(t.trace_hash, r.trace_hash);
  EXPECT_EQ(count(t, lt::kind::exec), r.events_executed);
  EXPECT_EQ(count(t, lt::kind::alloc_failed), r.alloc_failures);
  EXPECT_EQ(count(t, lt::kind::poller) + count(t, lt::kind::timer), r.pollers_run);
  EXPECT_EQ(count(t, lt::kind::exec) + count(t, lt::kind::poller) + count(t, lt::kind::timer),
            r.steps);
  EXPECT_EQ(count(t, lt::kind::stop), 1u);
  // The replay line in the header reruns the same run.
  options again;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(t.options, &again, &error)) << error;
  EXPECT_EQ(trace_test::run_ping(again, {10, 0}).trace_hash, r.trace_hash);
}

TEST(TraceRecording, AFailedCheckNamesTheFailingEvent) {
  options o = ping_options(5);
  o.alloc_fail_ppm = 0;
  o.trace = true;
  const result r = trace_test::run_ping(o, {6, 3});
  ASSERT_EQ(r.outcome, lockstep::sim::outcome::failed);
  const lt::trace_log t = written_and_read(r);
  EXPECT_EQ(t.failure, r.failure);
  ASSERT_FALSE(t.records.empty());
  const lt::record& last = t.records.back();
  EXPECT_EQ(last.kind, lt::kind::check_failed);
  EXPECT_EQ(last.in, lt::failed_in::event);
  EXPECT_EQ(last.core, 0u);
  EXPECT_EQ(t.name_of(last), "trace_test::on_answer");
  EXPECT_EQ(count(t, lt::kind::check_failed), 1u);
}

TEST(TraceRecording, ShutdownRequestIsRecorded) {
  options o = ping_options(2);
  o.alloc_fail_ppm = 0;
  o.shutdown_ppm = 1'000'000;  // arrives before the first step
  o.trace = true;
  const result r = trace_test::run_ping(o, {6, 0});
  const lt::trace_log t = written_and_read(r);
  ASSERT_EQ(count(t, lt::kind::shutdown_request), 1u);
  bool ran = false;
  for (const lt::record& rec : t.records)
    ran |= rec.kind == lt::kind::exec && t.name_of(rec) == "shutdown_request";
  EXPECT_TRUE(ran);
}

void noop_handler(void*, void*) {}

TEST(TraceRecording, TheMacroSpellingIsTheNameWithoutItsAmpersand) {
  options o;
  o.cores = 2;
  o.trace = true;
  const result r = lockstep::sim::run(o, [] {
    lockstep::event_call(LOCKSTEP_EVENT_ALLOCATE(1, &noop_handler, nullptr, nullptr));
    lockstep::event_call(LOCKSTEP_EVENT_ALLOCATE(1, noop_handler, nullptr, nullptr));
    lockstep::event_call(lockstep::event_allocate(1, noop_handler, nullptr, nullptr));
  });
  const lt::trace_log t = written_and_read(r);
  // Both macro spellings and the symbol (anonymous namespace dropped) are the same text, which
  // the names table holds once.
  const std::vector<std::string> names(t.names.begin() + 1, t.names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"start", "noop_handler"}));
  EXPECT_EQ(count(t, lt::kind::exec), 4u);
}

TEST(TraceRecording, WriteTraceNeedsATrace) {
  const result r = trace_test::run_ping(ping_options(1), {2, 0});
  EXPECT_FALSE(lockstep::sim::write_trace(r, temp_path("none.trace")));
}

}  // namespace
