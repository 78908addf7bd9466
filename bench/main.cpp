// lockstep_bench: lockstep's speed against the baselines it must beat, measured in one run.
//
//   lockstep_bench [--json] [--smoke] [--reps N] [--warmups N]
//   lockstep_bench --sim-events N [--sim-cores C]     (the simulator workload only: for callgrind)
//   lockstep_bench --naive-events N [--sim-cores C]   (the naive reference simulator only)
//   lockstep_bench --decompose [--json] [--smoke] [--reps N] [--warmups N]
//                  (the two-core workloads and their decomposition only: see decompose.hpp)
//   lockstep_bench --decompose-insns WHAT N            (one single-threaded decomposition
//                  workload, for callgrind: WHAT is a, b, c, c2, c2r, s, h, transport_local, transport_pair)
//
// Absolute times on shared machines move by 2-4x between runs, so every figure is taken in the
// same run as its baseline, the two interleaved repetition by repetition, and the comparisons
// are reported as ratios of medians. Exit codes: 0 done; 1 a workload misbehaved; 2 bad usage.
#include "decompose.hpp"
#include "eal_session.hpp"
#include "naive_sim.hpp"
#include "real_workloads.hpp"
#include "results.hpp"
#include "sim_workload.hpp"
#include "spdk_shaped.hpp"
#include "stopwatch.hpp"
#include "transport_idle.hpp"

#include <algorithm>
#include <iterator>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace lb = lockstep::bench;

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "lockstep_bench: %s\n"
               "usage: lockstep_bench [--json] [--smoke] [--reps N] [--warmups N]\n"
               "       lockstep_bench --sim-events N [--sim-cores C]\n"
               "       lockstep_bench --naive-events N [--sim-cores C]\n"
               "       lockstep_bench --sim-runs N     (whole runs of sim_runs_per_s's scenario)\n"
               "       lockstep_bench --real-local-events N [--record FILE]\n"
               "       lockstep_bench --real-cross-events N [--record FILE]\n"
               "       lockstep_bench --decompose [--json] [--smoke] [--reps N] [--warmups N]\n"
               "       lockstep_bench --decompose-insns a|b|c|c2|c2r|s|h|transport_local|transport_pair N\n"
               "(--record FILE: the real workload recorded to FILE for a replay, to count what\n"
               " recording costs; the file is removed after the run)\n",
               why);
  return 2;
}

bool parse_number(const char* text, uint64_t min, uint64_t max, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < min || v > max)
    return false;
  *out = v;
  return true;
}

// How much work one repetition of each workload does.
struct sizes {
  uint64_t sim_events;
  uint64_t scenario_events;  // the small scenario of sim_runs_per_s
  uint64_t scenario_runs;
  uint64_t local_events;
  uint64_t roundtrips;
  uint64_t cross_events_per_core;
  uint64_t idle_polls;  // idle dequeues of the transport unit benchmark
};
constexpr sizes full_sizes{1'000'000, 250, 2'000, 2'000'000, 200'000, 1'000'000, 2'000'000};
constexpr sizes smoke_sizes{2'000, 250, 5, 500, 200, 500, 1'000};
// The reactor counts of the idle-poll unit benchmark (keys idle_poll_ns_<n>_reactors).
constexpr uint32_t idle_poll_reactors[] = {2, 16, 64, 128};
constexpr uint32_t cross_core_in_flight = 4;  // per core, as event_perf's default queue depth
constexpr uint32_t local_in_flight = 4;
// The recording's overhead (real::options::record): the local and cross workloads at a tenth of
// their size (a recording keeps every event in memory), with and without it, in one repetition.
constexpr uint64_t record_share = 10;
std::string record_path() { return "/tmp/lockstep_bench_record_" + std::to_string(getpid()) + ".rec"; }

bool g_failed = false;

void failed(const char* what) {
  std::fprintf(stderr, "lockstep_bench: %s misbehaved\n", what);
  g_failed = true;
}

// One sample of each metric; `keep` false for the warm-up.
struct run_plan {
  sizes sz;
  bool dpdk = false;
  bool real = false;
};

// The simulator workloads of one_repetition with sim::options::thread_per_core.
template <class Record>
void thread_per_core_repetition(const sizes& sz, const lb::forward_config& fc, Record record) {
  {
    // The same workload with one OS thread per simulated core (a baton hand-off whenever the
    // stepping core changes: about 3 steps in 4 here, where every core is always busy).
    // A tenth of the events: each costs a thread switch, not tens of nanoseconds.
    lb::forward_config threaded = fc;
    threaded.thread_per_core = true;
    threaded.events = std::max<uint64_t>(fc.events / 10, 1000);
    lb::stopwatch sw;
    const lb::sim_outcome o = lb::run_forward_sim(threaded);
    const double s = sw.elapsed_ns() * 1e-9;
    if (!o.ok) failed("the simulator workload with thread_per_core");
    record("sim_thread_per_core_events_per_s", static_cast<double>(threaded.events) / s);
    if (o.core_thread_switches != 0)
      record("sim_thread_per_core_ns_per_switch", sw.elapsed_ns() /
                                                      static_cast<double>(o.core_thread_switches));
  }
  {
    // The same small runs with thread_per_core (a tenth as many): the threads are created and
    // joined per run.
    lb::forward_config small;
    small.events = sz.scenario_events;
    small.thread_per_core = true;
    const uint64_t runs = std::max<uint64_t>(sz.scenario_runs / 10, 1);
    lb::stopwatch sw;
    for (uint64_t i = 0; i < runs; ++i) {
      small.seed = i + 1;
      if (!lb::run_forward_sim(small).ok) failed("the small simulator scenario, thread_per_core");
    }
    record("sim_thread_per_core_runs_per_s", static_cast<double>(runs) / (sw.elapsed_ns() * 1e-9));
  }
}

void one_repetition(const run_plan& plan, lb::results& res, bool keep) {
  auto record = [&](const char* key, double v) {
    if (!keep) return;
    for (lb::metric& m : res.metrics)
      if (m.key == key && v >= 0) m.samples.push_back(v);
  };
  lb::forward_config fc;
  fc.events = plan.sz.sim_events;
  {
    lb::stopwatch sw;
    const lb::sim_outcome o = lb::run_forward_sim(fc);
    const double s = sw.elapsed_ns() * 1e-9;
    if (!o.ok) failed("the simulator workload");
    record("sim_events_per_s", static_cast<double>(fc.events) / s);
  }
  {
    lb::stopwatch sw;
    const lb::sim_outcome o = lb::run_forward_naive(fc);
    const double s = sw.elapsed_ns() * 1e-9;
    if (!o.ok) failed("the naive simulator workload");
    record("naive_sim_events_per_s", static_cast<double>(fc.events) / s);
  }
  {
    lb::forward_config small;
    small.events = plan.sz.scenario_events;
    lb::stopwatch sw;
    for (uint64_t i = 0; i < plan.sz.scenario_runs; ++i) {
      small.seed = i + 1;
      if (!lb::run_forward_sim(small).ok) failed("the small simulator scenario");
    }
    record("sim_runs_per_s", static_cast<double>(plan.sz.scenario_runs) / (sw.elapsed_ns() * 1e-9));
  }
  thread_per_core_repetition(plan.sz, fc, record);
  if (plan.real) {
    record("real_local_ns_per_event", lb::real_local_ns_per_event(plan.sz.local_events, local_in_flight));
    record("real_roundtrip_ns", lb::real_roundtrip_ns(plan.sz.roundtrips));
    record("real_cross_events_per_s_per_core",
           lb::real_cross_events_per_s_per_core(plan.sz.cross_events_per_core, cross_core_in_flight));
    for (const uint32_t n : idle_poll_reactors)
      record(("idle_poll_ns_" + std::to_string(n) + "_reactors").c_str(),
             lb::idle_poll_ns(n, plan.sz.idle_polls));
    const uint64_t local = std::max<uint64_t>(plan.sz.local_events / record_share, 100);
    const uint64_t cross = std::max<uint64_t>(plan.sz.cross_events_per_core / record_share, 100);
    record("real_local_unrecorded_ns_per_event", lb::real_local_ns_per_event(local, local_in_flight));
    record("real_local_recorded_ns_per_event",
           lb::real_local_ns_per_event(local, local_in_flight, record_path()));
    record("real_cross_unrecorded_events_per_s_per_core",
           lb::real_cross_events_per_s_per_core(cross, cross_core_in_flight));
    record("real_cross_recorded_events_per_s_per_core",
           lb::real_cross_events_per_s_per_core(cross, cross_core_in_flight, record_path()));
  }
  if (plan.dpdk) {
    record("spdk_shaped_local_ns_per_event",
           lb::spdk_shaped_local_ns_per_event(plan.sz.local_events, local_in_flight));
    record("pingpong_roundtrip_ns", lb::pingpong_roundtrip_ns(plan.sz.roundtrips));
    record("spdk_shaped_roundtrip_ns", lb::spdk_shaped_roundtrip_ns(plan.sz.roundtrips));
    record("seqslot_roundtrip_ns", lb::seqslot_roundtrip_ns(plan.sz.roundtrips));
    record("spdk_shaped_cross_events_per_s_per_core",
           lb::spdk_shaped_cross_events_per_s_per_core(plan.sz.cross_events_per_core,
                                                       cross_core_in_flight));
  }
}

// --decompose: the two-core workloads, their baselines and the decomposition variants
// (decompose.hpp), interleaved per repetition like the full comparison.
constexpr struct {
  lb::decomp_variant v;
  const char* name;
} decomp_variants[] = {{lb::decomp_variant::a, "a"},
                       {lb::decomp_variant::b, "b"},
                       {lb::decomp_variant::c, "c"},
                       {lb::decomp_variant::c2, "c2"},
                       {lb::decomp_variant::c2r, "c2r"},
                       {lb::decomp_variant::s, "s"},
                       {lb::decomp_variant::h, "h"}};

std::string decomp_key(const char* variant, const char* what) {
  return std::string("decomp_") + variant + "_" + what;
}

void decompose_repetition(const run_plan& plan, lb::results& res, bool keep) {
  auto record = [&](const std::string& key, double v) {
    if (!keep) return;
    for (lb::metric& m : res.metrics)
      if (m.key == key && v >= 0) m.samples.push_back(v);
  };
  const sizes& sz = plan.sz;
  if (plan.real) {
    record("real_local_ns_per_event", lb::real_local_ns_per_event(sz.local_events, local_in_flight));
    record("real_roundtrip_ns", lb::real_roundtrip_ns(sz.roundtrips));
    record("real_cross_events_per_s_per_core",
           lb::real_cross_events_per_s_per_core(sz.cross_events_per_core, cross_core_in_flight));
  }
  if (!plan.dpdk) return;
  record("spdk_shaped_local_ns_per_event",
         lb::spdk_shaped_local_ns_per_event(sz.local_events, local_in_flight));
  record("pingpong_roundtrip_ns", lb::pingpong_roundtrip_ns(sz.roundtrips));
  record("spdk_shaped_roundtrip_ns", lb::spdk_shaped_roundtrip_ns(sz.roundtrips));
  record("seqslot_roundtrip_ns", lb::seqslot_roundtrip_ns(sz.roundtrips));
  record("spdk_shaped_cross_events_per_s_per_core",
         lb::spdk_shaped_cross_events_per_s_per_core(sz.cross_events_per_core,
                                                     cross_core_in_flight));
  for (const auto& d : decomp_variants) {
    record(decomp_key(d.name, "roundtrip_ns"), lb::decomp_roundtrip_ns(d.v, sz.roundtrips));
    record(decomp_key(d.name, "cross_events_per_s_per_core"),
           lb::decomp_cross_events_per_s_per_core(d.v, sz.cross_events_per_core,
                                                  cross_core_in_flight));
  }
}

void add_decompose_metrics(lb::results& res) {
  res.add("real_local_ns_per_event", "ns/event", false);
  res.add("spdk_shaped_local_ns_per_event", "ns/event", false);
  res.add("real_roundtrip_ns", "ns", false);
  res.add("pingpong_roundtrip_ns", "ns", false);
  res.add("spdk_shaped_roundtrip_ns", "ns", false);
  res.add("seqslot_roundtrip_ns", "ns", false);
  for (const auto& d : decomp_variants) res.add(decomp_key(d.name, "roundtrip_ns"), "ns", false);
  res.add("real_cross_events_per_s_per_core", "events/s/core", true);
  res.add("spdk_shaped_cross_events_per_s_per_core", "events/s/core", true);
  for (const auto& d : decomp_variants)
    res.add(decomp_key(d.name, "cross_events_per_s_per_core"), "events/s/core", true);
}

// The real backend against its baselines: the goals of the per-pair queues (docs/performance.md)
// and the two ratios that bound them (the raw per-pair queue against the cache line, the
// framework against the raw queue). In both the full comparison and --decompose.
void add_real_ratios(lb::results& res) {
  res.add_ratio("local_vs_spdk_shaped", "real_local_ns_per_event", "spdk_shaped_local_ns_per_event",
                "<= 1.0 (beyond: <= 0.5)");
  res.add_ratio("roundtrip_vs_spdk_shaped", "real_roundtrip_ns", "spdk_shaped_roundtrip_ns",
                "<= 0.6 (beyond: <= 0.45)");
  res.add_ratio("seqslot_roundtrip_vs_pingpong", "seqslot_roundtrip_ns", "pingpong_roundtrip_ns",
                "none (the per-pair queue's hand-over)");
  res.add_ratio("roundtrip_vs_seqslot", "real_roundtrip_ns", "seqslot_roundtrip_ns",
                "none (the framework's share)");
  res.add_ratio("cross_vs_spdk_shaped", "real_cross_events_per_s_per_core",
                "spdk_shaped_cross_events_per_s_per_core", ">= 2.5 (beyond: >= 3)");
}

void add_decompose_ratios(lb::results& res) {
  add_real_ratios(res);
  for (const auto& d : decomp_variants) {
    res.add_ratio(decomp_key(d.name, "roundtrip_vs_spdk_shaped"),
                  decomp_key(d.name, "roundtrip_ns"), "spdk_shaped_roundtrip_ns", "none");
    res.add_ratio(decomp_key(d.name, "roundtrip_vs_pingpong"), decomp_key(d.name, "roundtrip_ns"),
                  "pingpong_roundtrip_ns", "none");
  }
  res.add_ratio("roundtrip_vs_decomp_c2", "real_roundtrip_ns", "decomp_c2_roundtrip_ns",
                "none (the framework beyond its event's writes)");
  for (const auto& d : decomp_variants)
    res.add_ratio(decomp_key(d.name, "cross_vs_spdk_shaped"),
                  decomp_key(d.name, "cross_events_per_s_per_core"),
                  "spdk_shaped_cross_events_per_s_per_core", "none");
  res.add_ratio("cross_vs_decomp_c2", "real_cross_events_per_s_per_core",
                "decomp_c2_cross_events_per_s_per_core",
                "none (the framework beyond its event's writes)");
}

// --decompose-insns: one single-threaded workload, for callgrind (two N, the difference of the
// counts divided by the difference of N).
int only_decompose_insns(const std::string& what, uint64_t events) {
  const bool transport = what == "transport_local" || what == "transport_pair";
  const auto* variant = std::find_if(std::begin(decomp_variants), std::end(decomp_variants),
                                     [&](const auto& d) { return what == d.name; });
  if (!transport && variant == std::end(decomp_variants))
    return usage(("--decompose-insns: unknown workload " + what).c_str());
  std::string why;
  if (!lb::ensure_eal(&why)) {
    std::fprintf(stderr, "lockstep_bench: %s\n", why.c_str());
    return 1;
  }
  const uint64_t ran =
      transport ? lb::transport_handover_single_thread(what == "transport_pair", events,
                                                       cross_core_in_flight)
                : lb::decomp_cross_single_thread(variant->v, events, cross_core_in_flight);
  std::printf("decompose_insns %s events=%" PRIu64 " ran=%" PRIu64 "\n", what.c_str(), events, ran);
  return ran >= events ? 0 : 1;
}

int only_sim(uint64_t events, uint32_t cores, bool naive) {
  lb::forward_config fc;
  fc.events = events;
  fc.cores = cores;
  const lb::sim_outcome o = naive ? lb::run_forward_naive(fc) : lb::run_forward_sim(fc);
  std::printf("%s events=%" PRIu64 " cores=%u in_flight_per_core=%u trace_hash=%016" PRIx64 "\n",
              naive ? "naive_sim" : "sim", events, cores, fc.in_flight, o.trace_hash);
  if (!o.ok) {
    std::fprintf(stderr, "lockstep_bench: the workload did not run as expected\n");
    return 1;
  }
  return 0;
}

// Whole runs of the small scenario (sim_runs_per_s's), seeds 1..runs: for counting instructions
// per run under callgrind (two N, the difference divided by the difference of N).
int only_sim_runs(uint64_t runs) {
  lb::forward_config small;
  small.events = full_sizes.scenario_events;
  uint64_t hash = 0;
  for (uint64_t i = 0; i < runs; ++i) {
    small.seed = i + 1;
    const lb::sim_outcome o = lb::run_forward_sim(small);
    if (!o.ok) {
      std::fprintf(stderr, "lockstep_bench: run %" PRIu64 " did not run as expected\n", i + 1);
      return 1;
    }
    hash ^= o.trace_hash;
  }
  std::printf("sim_runs runs=%" PRIu64 " events_per_run=%" PRIu64 " xor_of_trace_hashes=%016" PRIx64
              "\n",
              runs, small.events, hash);
  return 0;
}

// Only one of the real backend's workloads, once: the same-core one for counting instructions
// per event under callgrind (two N, the difference divided by the difference of N), the
// cross-core one as a timing (under callgrind its two lcores spin serialized).
int only_real(bool cross, uint64_t events, const std::string& record) {
  std::string why;
  if (!lb::real_backend_available(&why)) {
    std::fprintf(stderr, "lockstep_bench: the real backend is not available: %s\n", why.c_str());
    return 1;
  }
  const double v = cross
                       ? lb::real_cross_events_per_s_per_core(events, cross_core_in_flight, record)
                       : lb::real_local_ns_per_event(events, local_in_flight, record);
  if (v < 0) {
    std::fprintf(stderr, "lockstep_bench: the %s workload did not run to its count\n",
                 cross ? "cross-core" : "local");
    return 1;
  }
  const char* recorded = record.empty() ? "no" : "yes";
  if (cross) {
    std::printf("real_cross events_per_core=%" PRIu64 " in_flight=%u recorded=%s "
                "events_per_s_per_core=%g\n",
                events, cross_core_in_flight, recorded, v);
  } else {
    std::printf("real_local events=%" PRIu64 " in_flight=%u recorded=%s ns_per_event=%g\n",
                events, local_in_flight, recorded, v);
  }
  return 0;
}

// Every figure the benchmark reports, in the order of the report (the JSON keys).
void add_metrics(lb::results& res) {
  res.add("sim_events_per_s", "events/s", true);
  res.add("naive_sim_events_per_s", "events/s", true);
  res.add("sim_runs_per_s", "runs/s", true);
  res.add("sim_thread_per_core_events_per_s", "events/s", true);
  res.add("sim_thread_per_core_ns_per_switch", "ns/switch", false);
  res.add("sim_thread_per_core_runs_per_s", "runs/s", true);
  res.add("real_local_ns_per_event", "ns/event", false);
  res.add("spdk_shaped_local_ns_per_event", "ns/event", false);
  res.add("real_roundtrip_ns", "ns", false);
  res.add("pingpong_roundtrip_ns", "ns", false);
  res.add("spdk_shaped_roundtrip_ns", "ns", false);
  res.add("seqslot_roundtrip_ns", "ns", false);
  res.add("real_cross_events_per_s_per_core", "events/s/core", true);
  res.add("spdk_shaped_cross_events_per_s_per_core", "events/s/core", true);
  for (const uint32_t n : idle_poll_reactors)
    res.add("idle_poll_ns_" + std::to_string(n) + "_reactors", "ns/iteration", false);
  res.add("real_local_unrecorded_ns_per_event", "ns/event", false);
  res.add("real_local_recorded_ns_per_event", "ns/event", false);
  res.add("real_cross_unrecorded_events_per_s_per_core", "events/s/core", true);
  res.add("real_cross_recorded_events_per_s_per_core", "events/s/core", true);
}

// The same-run ratios and their goals (for the reader: never a test verdict).
void add_ratios(lb::results& res) {
  res.add_ratio("sim_vs_naive", "sim_events_per_s", "naive_sim_events_per_s",
                "none (was >= 1.5; docs/performance.md)");
  // No goal: what one OS thread per simulated core costs (docs/exploration.md).
  res.add_ratio("thread_per_core_vs_sim", "sim_thread_per_core_events_per_s", "sim_events_per_s",
                "none (the cost of thread_per_core)");
  res.add_ratio("thread_per_core_runs_vs_sim", "sim_thread_per_core_runs_per_s", "sim_runs_per_s",
                "none (the cost of thread_per_core per short run)");
  add_real_ratios(res);
  // What recording for a replay in the simulator costs (docs/record_replay.md).
  res.add_ratio("real_record_overhead_local", "real_local_recorded_ns_per_event",
                "real_local_unrecorded_ns_per_event", "<= 1.10");
  res.add_ratio("real_record_overhead_cross", "real_cross_unrecorded_events_per_s_per_core",
                "real_cross_recorded_events_per_s_per_core", "<= 1.10");
  res.add_ratio("roundtrip_vs_pingpong", "real_roundtrip_ns", "pingpong_roundtrip_ns",
                "<= 2.0 in runs where pingpong_roundtrip_ns < 120 (beyond: <= 1.6)");
  // No goal of its own: how far the MP/SC ring's raw hand-over is from the cache line.
  res.add_ratio("spdk_shaped_roundtrip_vs_pingpong", "spdk_shaped_roundtrip_ns",
                "pingpong_roundtrip_ns", "none (the MP/SC ring's hand-over)");
  // The transport's idle poll at 64 (and 128) reactors against 2: what an idle iteration gains
  // with the core count (the rest of the iteration does not depend on it).
  res.add_ratio("idle_poll_64_vs_2", "idle_poll_ns_64_reactors", "idle_poll_ns_2_reactors",
                "<= 2.0");
  res.add_ratio("idle_poll_128_vs_2", "idle_poll_ns_128_reactors", "idle_poll_ns_2_reactors",
                "none");
}

}  // namespace

// The full comparison (or, with `decompose`, the two-core one): every figure measured
// repetition by repetition, then printed with the same-run ratios.
int compare(bool json, bool smoke, bool decompose, uint64_t reps, uint64_t warmups) {
  lb::results res;
  res.smoke = smoke;
  res.repetitions = static_cast<uint32_t>(reps);
  res.warmups = static_cast<uint32_t>(warmups);
  if (decompose) {
    add_decompose_metrics(res);
  } else {
    add_metrics(res);
  }

  run_plan plan;
  plan.sz = smoke ? smoke_sizes : full_sizes;
  std::string why;
  // The real backend first: it owns EAL's initialization (see real_workloads.hpp).
  plan.real = lb::real_backend_available(&why);
  if (!plan.real) {
    for (lb::metric& m : res.metrics)
      if (m.key.rfind("real_", 0) == 0 || m.key.rfind("idle_poll_", 0) == 0) m.note = why;
  }
  plan.dpdk = lb::ensure_eal(&why);
  if (!plan.dpdk) {
    for (const char* key : {"spdk_shaped_local_ns_per_event", "pingpong_roundtrip_ns",
                            "spdk_shaped_roundtrip_ns", "seqslot_roundtrip_ns",
                            "spdk_shaped_cross_events_per_s_per_core"})
      for (lb::metric& m : res.metrics)
        if (m.key == key) m.note = why;
    for (lb::metric& m : res.metrics)
      if (m.key.rfind("decomp_", 0) == 0) m.note = why;
  }

  res.loadavg_before = lb::read_loadavg();
  const auto repetition = decompose ? decompose_repetition : one_repetition;
  for (uint64_t i = 0; i < res.warmups; ++i) repetition(plan, res, false);
  for (uint64_t i = 0; i < res.repetitions; ++i) repetition(plan, res, true);
  res.loadavg_after = lb::read_loadavg();

  if (decompose) {
    add_decompose_ratios(res);
  } else {
    add_ratios(res);
  }

  const std::string out = json ? lb::to_json(res) : lb::to_table(res);
  std::fputs(out.c_str(), stdout);
  return g_failed ? 1 : 0;
}

namespace {

// The command line, as given (main checks the combination).
struct bench_args {
  bool json = false, smoke = false;
  uint64_t reps = 5, warmups = 1, sim_events = 0, naive_events = 0, sim_cores = 4;
  uint64_t real_local_events = 0, real_cross_events = 0, sim_runs = 0;
  std::string record;
  bool decompose = false;
  std::string decompose_insns;
  uint64_t decompose_insns_events = 0;
  bool reps_given = false, warmups_given = false, sim_cores_given = false;
};

// Reads the arguments into `a`: -1 when they parse, else the exit code (usage printed).
int parse_args(int argc, char** argv, bench_args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto number = [&](uint64_t min, uint64_t max, uint64_t* out) {
      if (i + 1 >= argc || !parse_number(argv[i + 1], min, max, out)) return false;
      ++i;
      return true;
    };
    if (arg == "--json") {
      a.json = true;
    } else if (arg == "--smoke") {
      a.smoke = true;
    } else if (arg == "--reps") {
      if (!number(1, 1000, &a.reps)) return usage("--reps needs a number 1..1000");
      a.reps_given = true;
    } else if (arg == "--warmups") {
      if (!number(0, 100, &a.warmups)) return usage("--warmups needs a number 0..100");
      a.warmups_given = true;
    } else if (arg == "--sim-events") {
      if (!number(1, UINT64_MAX / 4, &a.sim_events))
        return usage("--sim-events needs a number >= 1");
    } else if (arg == "--naive-events") {
      if (!number(1, UINT64_MAX / 4, &a.naive_events))
        return usage("--naive-events needs a number >= 1");
    } else if (arg == "--real-local-events") {
      if (!number(1, UINT64_MAX / 4, &a.real_local_events))
        return usage("--real-local-events needs a number >= 1");
    } else if (arg == "--sim-runs") {
      if (!number(1, UINT64_MAX / 4, &a.sim_runs)) return usage("--sim-runs needs a number >= 1");
    } else if (arg == "--real-cross-events") {
      if (!number(1, UINT64_MAX / 4, &a.real_cross_events))
        return usage("--real-cross-events needs a number >= 1");
    } else if (arg == "--record") {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return usage("--record needs a file name");
      a.record = argv[++i];
    } else if (arg == "--decompose") {
      a.decompose = true;
    } else if (arg == "--decompose-insns") {
      if (i + 1 >= argc) return usage("--decompose-insns needs a workload and a number");
      a.decompose_insns = argv[++i];
      if (!number(1, UINT64_MAX / 4, &a.decompose_insns_events))
        return usage("--decompose-insns needs a workload and a number >= 1");
    } else if (arg == "--sim-cores") {
      if (!number(2, 63, &a.sim_cores)) return usage("--sim-cores needs a number 2..63");
      a.sim_cores_given = true;
    } else if (arg == "-h" || arg == "--help") {
      usage("speed against the baselines, in one run");
      return 0;
    } else {
      return usage(("unknown argument " + arg).c_str());
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  bench_args a;
  if (const int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  const int single_modes = (a.sim_events != 0 ? 1 : 0) + (a.naive_events != 0 ? 1 : 0) +
                           (a.real_local_events != 0 ? 1 : 0) + (a.real_cross_events != 0 ? 1 : 0) +
                           (a.decompose_insns.empty() ? 0 : 1) + (a.sim_runs != 0 ? 1 : 0);
  if (single_modes > 1)
    return usage("--sim-events, --sim-runs, --naive-events, --real-local-events, "
                 "--real-cross-events and --decompose-insns exclude each other");
  if (a.decompose && single_modes != 0)
    return usage("--decompose runs the two-core comparison; it excludes the single workloads");
  if (single_modes == 1 && (a.json || a.smoke || a.reps_given || a.warmups_given))
    return usage("--json, --smoke, --reps and --warmups apply to the full comparison; a single "
                 "workload (--sim-events, --naive-events, --real-...-events) prints one line");
  if (a.sim_cores_given && a.sim_events == 0 && a.naive_events == 0)
    return usage("--sim-cores applies to --sim-events and --naive-events only");
  if (!a.record.empty() && a.real_local_events == 0 && a.real_cross_events == 0)
    return usage("--record applies to --real-local-events and --real-cross-events only");
  const auto cores = static_cast<uint32_t>(a.sim_cores);
  if (a.real_local_events != 0) return only_real(false, a.real_local_events, a.record);
  if (a.real_cross_events != 0) return only_real(true, a.real_cross_events, a.record);
  if (!a.decompose_insns.empty())
    return only_decompose_insns(a.decompose_insns, a.decompose_insns_events);
  if (a.sim_events != 0) return only_sim(a.sim_events, cores, false);
  if (a.sim_runs != 0) return only_sim_runs(a.sim_runs);
  if (a.naive_events != 0) return only_sim(a.naive_events, cores, true);

  return compare(a.json, a.smoke, a.decompose, a.smoke && !a.reps_given ? 1 : a.reps,
                 a.smoke && !a.warmups_given ? 0 : a.warmups);
}
