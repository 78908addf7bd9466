// The explorer runs outside the simulation: it may use threads and the wall clock (for the
// progress line), because neither reaches a run's schedule.
#include <lockstep/explore.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <thread>

namespace lockstep::explore {
namespace {

using wall_clock = std::chrono::steady_clock;

double seconds_since(wall_clock::time_point t0) {
  return std::chrono::duration<double>(wall_clock::now() - t0).count();
}

}  // namespace

bool parse_shard(const std::string& text, uint32_t* index, uint32_t* count, std::string* error) {
  // Each part strictly decimal (no sign, no spaces): "-1/4" must not read as a huge index.
  const size_t slash = text.find('/');
  uint64_t i = 0, n = 0;
  if (slash == std::string::npos || !parse_number(text.substr(0, slash).c_str(), UINT64_MAX, &i) ||
      !parse_number(text.substr(slash + 1).c_str(), UINT64_MAX, &n)) {
    *error = "--shard takes i/n, two numbers with 0 <= i < n (got '" + text + "')";
    return false;
  }
  if (n == 0 || n > UINT32_MAX) {
    *error = "--shard i/n: n (the number of shards) must be 1.." + std::to_string(UINT32_MAX) +
             " (got '" + text + "')";
    return false;
  }
  if (i >= n) {
    *error = "--shard i/n: i (this shard) must be 0.." + std::to_string(n - 1) + " (got '" + text +
             "')";
    return false;
  }
  *index = static_cast<uint32_t>(i);
  *count = static_cast<uint32_t>(n);
  return true;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

summary run(const options& opts, const sim::options& base, const scenario& s) {
  // The seeds of this shard, in order: first_seed + shard_index + k * shard_count. Computed,
  // not listed, so that a range of any length takes no memory.
  struct shard_seeds {
    uint64_t first = 0, stride = 1, count = 0;
    uint64_t size() const { return count; }
    bool empty() const { return count == 0; }
    uint64_t operator[](uint64_t k) const { return first + k * stride; }
    uint64_t front() const { return first; }
  } seeds;
  seeds.first = opts.first_seed + opts.shard_index;
  seeds.stride = opts.shard_count;
  seeds.count = opts.seeds > opts.shard_index
                    ? (opts.seeds - opts.shard_index - 1) / opts.shard_count + 1
                    : 0;
  uint32_t jobs = opts.jobs != 0 ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<uint32_t>(std::min<uint64_t>(jobs, std::max<uint64_t>(seeds.size(), 1)));

  if (!opts.quiet) {
    std::fprintf(stderr,
                 "explore: seeds %" PRIu64 "..%" PRIu64 " shard %u/%u (%" PRIu64 " seeds), %u job%s\n",
                 opts.first_seed, opts.first_seed + opts.seeds - 1, opts.shard_index,
                 opts.shard_count, seeds.size(), jobs, jobs == 1 ? "" : "s");
    // The options of the first seed; every other seed differs only in seed=.
    sim::options first = base;
    first.seed = seeds.empty() ? opts.first_seed : seeds.front();
    std::fprintf(stderr, "explore: options %s\n", sim::format_replay(first).c_str());
  }

  summary sum;
  std::mutex mu;  // guards sum
  std::condition_variable finished;  // wakes the progress reporter when the workers are done
  std::atomic<uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, failed{0};
  const auto t0 = wall_clock::now();
  const bool tty = isatty(STDERR_FILENO) != 0;

  auto worker = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const uint64_t k = next.fetch_add(1);
      if (k >= seeds.size()) return;
      sim::options o = base;
      o.seed = seeds[k];
      if (opts.sweep_alloc_fail_nth)
        o.alloc_fail_nth = static_cast<uint32_t>(std::min<uint64_t>(seeds[k] - opts.first_seed + 1,
                                                                    UINT32_MAX));
      sim::result r;
      std::string why = s(o, &r);
      std::lock_guard<std::mutex> lock(mu);
      ++sum.seeds_run;
      ++sum.outcomes[static_cast<int>(r.outcome)];
      sum.events_executed += r.events_executed;
      sum.steps += r.steps;
      if (!why.empty()) {
        failed.fetch_add(1);
        failure f;
        f.seed = o.seed;
        f.why = std::move(why);
        f.replay_command = opts.replay_command + " --replay " + shell_quote(r.replay) +
                           " --trace-out lockstep-trace-" + std::to_string(o.seed) + ".txt";
        f.result = std::move(r);
        sum.failures.push_back(std::move(f));
        if (opts.stop_at_first_failure) stop.store(true);
      }
      done.fetch_add(1);
    }
  };

  std::vector<std::thread> threads;
  for (uint32_t j = 1; j < jobs; ++j) threads.emplace_back(worker);
  if (opts.progress && !opts.quiet) {
    // The calling thread works too, and reports between seeds.
    std::thread reporter([&] {
      uint64_t last_decile = 0;
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mu);
          finished.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return done.load() >= seeds.size() || stop.load(); });
        }
        if (done.load() >= seeds.size() || stop.load()) break;
        const uint64_t d = done.load();
        const double secs = seconds_since(t0);
        const double rate = secs > 0 ? static_cast<double>(d) / secs : 0;
        const double eta = rate > 0 ? static_cast<double>(seeds.size() - d) / rate : 0;
        const uint64_t decile = seeds.empty() ? 10 : d * 10 / seeds.size();
        if (tty) {
          char bar[21];
          const size_t filled = seeds.empty() ? 20 : static_cast<size_t>(d * 20 / seeds.size());
          for (size_t b = 0; b < 20; ++b) bar[b] = b < filled ? '#' : '.';
          bar[20] = '\0';
          std::fprintf(stderr, "\rexplore: [%s] %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64
                               "  ETA %.1fs   ", bar, d, seeds.size(), rate, failed.load(), eta);
        } else if (decile > last_decile) {
          last_decile = decile;
          std::fprintf(stderr, "explore: %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64
                               "  ETA %.1fs\n", d, seeds.size(), rate, failed.load(), eta);
        }
      }
    });
    worker();
    for (auto& t : threads) t.join();
    {
      std::lock_guard<std::mutex> lock(mu);
      stop.store(true);
    }
    finished.notify_all();
    reporter.join();
    const double secs = seconds_since(t0);
    std::fprintf(stderr, "%sexplore: %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64 "%s\n",
                 tty ? "\r" : "", done.load(), seeds.size(),
                 secs > 0 ? static_cast<double>(done.load()) / secs : 0.0, failed.load(),
                 tty ? "            " : "");
  } else {
    worker();
    for (auto& t : threads) t.join();
  }
  sum.wall_seconds = seconds_since(t0);
  std::sort(sum.failures.begin(), sum.failures.end(),
            [](const failure& a, const failure& b) { return a.seed < b.seed; });
  return sum;
}

shrunk shrink(const sim::options& failing, const scenario& s, uint64_t max_runs) {
  shrunk out;
  sim::options o = failing;
  o.record_decisions = true;
  sim::result first;
  if (s(o, &first).empty()) return out;
  out.failed = true;
  const sim::outcome kind = first.outcome;
  std::vector<uint64_t> cur = first.decision_log;
  auto count_nonzero = [](const std::vector<uint64_t>& d) {
    return static_cast<uint64_t>(std::count_if(d.begin(), d.end(), [](uint64_t v) { return v; }));
  };
  out.nonzero_before = count_nonzero(cur);
  // Trailing zeros say nothing: past the end of a vector every choice is 0 anyway.
  while (!cur.empty() && cur.back() == 0) cur.pop_back();
  // A candidate runs at most a few times the failing run's steps. Past the vector's end every
  // choice is 0, which always picks the lowest runnable core: a program with a busy core (a
  // self-scheduling event, a poller) then starves the others and runs to max_steps, which took
  // a second per candidate at the default limit. Such a run does not fail the same way in time,
  // so it is not a simpler schedule of this failure. A step-limit failure keeps its limit.
  const uint64_t step_budget =
      kind == sim::outcome::step_limit
          ? failing.max_steps
          : std::min(failing.max_steps, std::max<uint64_t>(first.steps * 4, first.steps + 1000));
  // Whether the schedule `d` still fails the same way.
  auto fails = [&](const std::vector<uint64_t>& d) {
    if (out.runs >= max_runs) return false;
    ++out.runs;
    sim::options x = failing;
    x.record_decisions = false;
    x.decisions = d;
    x.max_steps = step_budget;
    sim::result r;
    return !s(x, &r).empty() && r.outcome == kind;
  };
  for (bool changed = true; changed && out.runs < max_runs;) {
    changed = false;
    // Cut the tail, in halving chunks.
    for (size_t chunk = cur.size() / 2; chunk >= 1 && out.runs < max_runs;) {
      std::vector<uint64_t> shorter(cur.begin(), cur.end() - static_cast<ptrdiff_t>(chunk));
      if (fails(shorter)) {
        cur = std::move(shorter);
        changed = true;
        chunk = std::min(chunk, cur.size() / 2);
      } else {
        chunk /= 2;
      }
    }
    // Set decisions to 0 (else to 1), from the last to the first.
    for (size_t i = cur.size(); i-- > 0 && out.runs < max_runs;) {
      if (cur[i] == 0) continue;
      const uint64_t keep = cur[i];
      for (uint64_t candidate : {uint64_t{0}, uint64_t{1}}) {
        if (candidate >= keep) break;
        cur[i] = candidate;
        if (fails(cur)) {
          changed = true;
          break;
        }
        cur[i] = keep;
      }
    }
    while (!cur.empty() && cur.back() == 0) cur.pop_back();
  }
  sim::options fin = failing;
  fin.record_decisions = false;
  fin.decisions = cur;
  out.why = s(fin, &out.result);
  ++out.runs;
  out.decisions = std::move(cur);
  out.nonzero_after = count_nonzero(out.decisions);
  return out;
}

}  // namespace lockstep::explore
