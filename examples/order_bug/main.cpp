// order_bug: two senders to one core, and a check that assumes one order.
//
// Each round, the first core sends `kick` to the second core and, a moment later (a spin of a
// length that varies by round), `mark_a` to itself; `kick` answers with `mark_b` to the first
// core. `mark_b` checks that its round's `mark_a` ran already — true when the second core is
// slow, wrong when its answer overtakes the first core's own event (the first core reads its
// own queue and the other core's in either order). --variant fixed accepts both orders.
//
//   order_bug [--rounds N] [--variant buggy|fixed] [exploration and simulator flags]
//   order_bug [--rounds N] [--variant ...] --replay 'LINE' | --replay-recording FILE
//             [--trace-out FILE] [--shrink]
//   order_bug [--rounds N] [--variant ...] --real [--record FILE] [-- EAL arguments...]
//
// Exit codes: explore::drive's (0 correct, 1 a run failed, 2 bad usage or a recording that
// cannot be replayed); --real: 0 correct, 3 the real backend could not start, 4 this build has
// no real backend; a failed check aborts the process (SIGABRT), after writing the recording.
#include <lockstep/explore.hpp>
#include <lockstep/lockstep.hpp>
#include <lockstep/sim.hpp>
#ifdef LOCKSTEP_HAS_REAL
#include <lockstep/real.hpp>
#endif

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

namespace {

struct config {
  uint32_t rounds = 200;
  bool fixed = false;
};

// Every field is touched on the first core only.
struct app {
  config cfg;
  uint32_t round = 0;
  bool a_done = false;
  uint32_t arrived = 0;
  uint32_t rounds_done = 0;
};

void begin_round(void* arg, void*);

void send(uint32_t core, lockstep::event_fn fn, const char* name, app* a) {
  lockstep::event* ev = lockstep::event_allocate_named(core, fn, a, nullptr, name);
  LOCKSTEP_CHECK(ev != nullptr, "order_bug: an event allocation failed");
  lockstep::event_call(ev);
}

uint32_t first() { return lockstep::first_core(); }
uint32_t second() { return lockstep::next_core(lockstep::first_core()); }

// Both marks of a round arrived: the next round, or the end.
void arrived(app* a) {
  if (++a->arrived < 2) return;
  ++a->rounds_done;
  if (a->round == a->cfg.rounds) {
    lockstep::app_stop(0);
    return;
  }
  send(first(), begin_round, "begin_round", a);
}

void mark_a(void* arg, void*) {
  auto* a = static_cast<app*>(arg);
  a->a_done = true;
  arrived(a);
}

void mark_b(void* arg, void*) {
  auto* a = static_cast<app*>(arg);
  if (!a->cfg.fixed) LOCKSTEP_CHECK(a->a_done, "order_bug: mark_b of a round ran before its mark_a");
  arrived(a);
}

void kick(void* arg, void*) { send(first(), mark_b, "mark_b", static_cast<app*>(arg)); }

void begin_round(void* arg, void*) {
  auto* a = static_cast<app*>(arg);
  ++a->round;
  a->a_done = false;
  a->arrived = 0;
  send(second(), kick, "kick", a);
  // A spin that gives the second core time to answer, longer in some rounds than in others
  // (no virtual time in the simulator: there only the schedule decides).
  const uint32_t spin = (a->round * 7919u) % 4096u;
  for (uint32_t i = 0; i < spin; ++i) std::atomic_signal_fence(std::memory_order_seq_cst);
  send(first(), mark_a, "mark_a", a);
}

std::string run_sim(const config& cfg, const lockstep::sim::options& o, lockstep::sim::result* r) {
  app a{cfg};
  *r = lockstep::sim::run(o, [&a] { begin_round(&a, nullptr); });
  if (r->outcome != lockstep::sim::outcome::stopped)
    return std::string("outcome ") + lockstep::sim::to_string(r->outcome) +
           (r->failure.empty() ? "" : ": " + r->failure);
  if (a.rounds_done != cfg.rounds) return "not every round completed";
  return {};
}

int run_real(const config& cfg, const std::vector<std::string>& eal_args, const std::string& record) {
#ifdef LOCKSTEP_HAS_REAL
  lockstep::real::options ro;
  if (!eal_args.empty()) ro.eal_args = eal_args;
  ro.record = record;
  app a{cfg};
  lockstep::real::run_stats stats{};
  const int rc = lockstep::real::run(ro, [&a] { begin_round(&a, nullptr); }, &stats);
  if (stats.lcores == 0) {
    std::printf("real: could not start: %s\n", stats.failure.c_str());
    return 3;
  }
  std::printf("real: rc=%d rounds=%u events=%" PRIu64 " %s\n", rc, a.rounds_done,
              stats.events_executed, rc == 0 && a.rounds_done == cfg.rounds ? "correct" : "INCORRECT");
  return rc == 0 && a.rounds_done == cfg.rounds ? 0 : 1;
#else
  (void)cfg;
  (void)eal_args;
  (void)record;
  std::fprintf(stderr, "order_bug: this build has no real backend\n");
  return 4;
#endif
}

// What the command line gave of the program's own flags.
struct flags {
  config cfg;
  bool real = false, eal_given = false;
  std::string record;
  std::vector<std::string> eal_args;
  std::string own_args;  // repeated in every rerun command
};

// The program's own flags (explore::program::parse_own).
int parse_own(int argc_, char** argv_, int i, flags* f, std::string* error) {
  const std::string arg = argv_[i];
  if (arg == "--real") {
    f->real = true;
    return 1;
  }
  if (arg == "--") {
    f->eal_given = true;
    f->eal_args.assign(argv_ + i + 1, argv_ + argc_);
    return argc_ - i;
  }
  if (arg != "--rounds" && arg != "--variant" && arg != "--record") return 0;
  if (i + 1 >= argc_) {
    *error = arg + " needs a value";
    return -1;
  }
  const std::string value = argv_[i + 1];
  if (arg == "--record") {
    f->record = value;
    return 2;
  }
  if (arg == "--variant") {
    if (value != "buggy" && value != "fixed") {
      *error = "--variant takes buggy or fixed (got '" + value + "')";
      return -1;
    }
    f->cfg.fixed = value == "fixed";
    f->own_args += " --variant " + value;
    return 2;
  }
  uint64_t v = 0;
  if (!lockstep::explore::parse_number(value.c_str(), 1'000'000, &v) || v == 0) {
    *error = "--rounds takes 1..1000000 (got '" + value + "')";
    return -1;
  }
  f->cfg.rounds = static_cast<uint32_t>(v);
  f->own_args += " --rounds " + value;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  flags f;
  config& cfg = f.cfg;
  const bool& real = f.real;
  const bool& eal_given = f.eal_given;
  const std::string& record = f.record;
  const std::vector<std::string>& eal_args = f.eal_args;
  const std::string& own_args = f.own_args;

  lockstep::explore::program p;
  p.name = "order_bug";
  p.about = "an order-dependent bug: explore it, run it on DPDK with a recording, replay that";
  p.own_usage = "[--rounds N] [--variant buggy|fixed]";
  p.other_forms = {"--real [--record FILE] [-- EAL arguments...]"};
  p.trace_explored = true;
  p.defaults = [](lockstep::sim::options* o) { o->cores = 2; };
  p.parse_own = [&](int argc_, char** argv_, int i, std::string* error) -> int {
    return parse_own(argc_, argv_, i, &f, error);
  };
  p.check_shared = [&](const lockstep::explore::command_line& c) -> std::string {
    if (!real) {
      if (eal_given) return "EAL arguments (after --) need --real";
      return record.empty() ? "" : "--record records a run on DPDK: give --real with it";
    }
    if (c.replay_given || !c.replay_recording.empty() || c.shrink || !c.trace_out.empty() ||
        !c.shared_flags.empty())
      return "--real takes --rounds, --variant, --record and EAL arguments after --";
    return {};
  };
  p.rerun_args = [&] { return own_args; };
  p.describe = [&] {
    return std::string("variant ") + (cfg.fixed ? "fixed" : "buggy") + ", " +
           std::to_string(cfg.rounds) + " rounds";
  };
  p.run = [&cfg](const lockstep::sim::options& o, lockstep::sim::result* r, bool) {
    return run_sim(cfg, o, r);
  };
  p.own_mode = [&](const lockstep::explore::command_line&) {
    return real ? run_real(cfg, eal_args, record) : -1;
  };
  return lockstep::explore::drive(argc, argv, p);
}
