// The real backend as processes see it: EAL's runtime files, inherited signal dispositions and
// EAL's output. Each check starts child processes of this program (the parent never starts
// EAL) and decides on their exit codes and output, never on time.
//
//   real_process_test side-by-side     two processes with the default eal_args run at once
//   real_process_test sigint-ignored   a process started with SIGINT ignored keeps it ignored
//   real_process_test usage-order      EAL's usage text comes before run's reason, in order
//
// Exit code 0: the claim holds; 1: it does not (the reason on stderr).
#include "real_test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int fail(const std::string& why) {
  std::fprintf(stderr, "real_process_test: FAILED: %s\n", why.c_str());
  return 1;
}

// Starts this program as `mode` with `args`; `before_exec` runs in the child first.
template <class F>
pid_t spawn(const std::string& mode, const std::vector<std::string>& args, F before_exec) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  before_exec();
  std::vector<std::string> all{"real_process_test", mode};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  std::perror("execv /proc/self/exe");
  ::_exit(127);
}

int exit_code(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// --- side-by-side -------------------------------------------------------------------------

// Child: runs with the default eal_args (only the pool is smaller); in its start event it
// reports "ready" on fd `ready` and waits on fd `go` (read end) before stopping, so that it
// holds EAL while the other child starts its own. Then it runs once more with the same
// default eal_args, which must not be reported as different from the first run's.
int child_default(int ready, int go) {
  lockstep::real::options o;
  o.event_pool_size = 1023;
  const int rc = lockstep::real::run(o, [&] {
    const char r = 'R';
    if (::write(ready, &r, 1) != 1) std::perror("write ready");
    char g = 0;
    (void)::read(go, &g, 1);  // a byte or the end: the parent has seen both children
    lockstep::app_stop(0);
  });
  ::close(ready);
  if (rc != 0) return fail("run with the default eal_args returned " + std::to_string(rc));

  // The second run's stderr, read back from a file: the first run's eal_args were the
  // default and so are these, whatever file prefix run added to the first.
  std::FILE* captured = std::tmpfile();
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(captured), STDERR_FILENO);
  const int again = lockstep::real::run(o, [] { lockstep::app_stop(3); });
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::rewind(captured);
  std::string err;
  for (int c = 0; (c = std::fgetc(captured)) != EOF;) err += static_cast<char>(c);
  std::fclose(captured);
  if (again != 3) return fail("the second run returned " + std::to_string(again) + ": " + err);
  if (err.find("differ") != std::string::npos)
    return fail("the same default eal_args were reported as different: " + err);
  return 0;
}

// Where EAL keeps the runtime files of file prefix `prefix` (DPDK's rule: /var/run/dpdk for
// root, else $XDG_RUNTIME_DIR/dpdk, else /tmp/dpdk).
std::string runtime_dir(const std::string& prefix) {
  std::string base = "/var/run";
  if (::getuid() != 0) {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    base = xdg != nullptr && *xdg != '\0' ? xdg : "/tmp";
  }
  return base + "/dpdk/" + prefix;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

int side_by_side() {
  std::signal(SIGPIPE, SIG_IGN);  // a child that ended early: its pipe's write fails, quietly
  int ready[2][2], go[2][2];
  pid_t child[2];
  for (int i = 0; i < 2; ++i) {
    if (::pipe(ready[i]) != 0 || ::pipe(go[i]) != 0) return fail("pipe");
    child[i] = spawn("child-default",
                     {std::to_string(ready[i][1]), std::to_string(go[i][0])}, [&] {
                       ::close(ready[i][0]);
                       ::close(go[i][1]);
                     });
    ::close(ready[i][1]);
    ::close(go[i][0]);
  }
  // Both children are started before either is let go: each says "ready" from inside its run
  // (EAL up and held), or ends without saying it (EAL refused it).
  bool both_ready = true;
  for (int i = 0; i < 2; ++i) {
    char r = 0;
    const bool said = ::read(ready[i][0], &r, 1) == 1 && r == 'R';
    if (!said) std::fprintf(stderr, "real_process_test: child %d ended without starting\n", i);
    both_ready = both_ready && said;
  }
  // While they run, each has a runtime directory of its own, named after its process id.
  bool own_dirs = true;
  for (int i = 0; i < 2 && both_ready; ++i) {
    const std::string dir = runtime_dir("lockstep_pid" + std::to_string(child[i]));
    if (!exists(dir)) {
      std::fprintf(stderr, "real_process_test: child %d has no runtime directory %s\n", i,
                   dir.c_str());
      own_dirs = false;
    }
  }
  for (int i = 0; i < 2; ++i) {
    const char g = 'G';
    (void)::write(go[i][1], &g, 1);
    ::close(go[i][1]);
    ::close(ready[i][0]);
  }
  const int rc0 = exit_code(child[0]);
  const int rc1 = exit_code(child[1]);
  if (!both_ready || rc0 != 0 || rc1 != 0)
    return fail("two processes with the default eal_args did not both run at once (exit codes " +
                std::to_string(rc0) + " and " + std::to_string(rc1) + ")");
  if (!own_dirs) return fail("the processes did not get a file prefix of their own");
  // At exit each removed its directory: the prefix was run's, not the application's.
  for (int i = 0; i < 2; ++i) {
    const std::string dir = runtime_dir("lockstep_pid" + std::to_string(child[i]));
    if (exists(dir)) return fail("the runtime directory " + dir + " was left behind");
  }
  std::printf("real_process_test: two processes with the default eal_args ran at once\n");
  return 0;
}

// --- sigint-ignored -----------------------------------------------------------------------

std::atomic<uint32_t> g_poller_runs{0};
int stop_after_many_runs(void*) {
  // Many iterations of the main lcore: a shutdown request queued by the signal would have run
  // long before (it is posted after the iteration that raised the signal).
  if (g_poller_runs.fetch_add(1) + 1 == 1000) lockstep::app_stop(5);
  return 1;
}

// One run that raises `sig` in its start event and stops itself with rc 5 after many poller
// runs, unless the signal's shutdown request stops it first (default shutdown_cb: rc 0).
int run_raising(int sig, lockstep::real::run_stats* stats) {
  g_poller_runs = 0;
  const int rc = lockstep::real::run(
      real_test::options(1023),
      [&] {
        (void)lockstep::poller_register(stop_after_many_runs, nullptr, 0);
        std::raise(sig);
      },
      stats);
  return rc;
}

// Child, started with SIGINT ignored.
int child_sigint_ignored() {
  struct sigaction sa {};
  if (sigaction(SIGINT, nullptr, &sa) != 0 || sa.sa_handler != SIG_IGN)
    return fail("the child was not started with SIGINT ignored");
  lockstep::real::run_stats stats;
  const int rc = run_raising(SIGINT, &stats);
  if (rc != 5 || stats.interrupted_by != 0)
    return fail("an ignored SIGINT stopped the run (rc " + std::to_string(rc) +
                ", interrupted_by " + std::to_string(stats.interrupted_by) + "; expected rc 5 "
                "from the application's own app_stop, not interrupted)");
  if (sigaction(SIGINT, nullptr, &sa) != 0 || sa.sa_handler != SIG_IGN)
    return fail("SIGINT is no longer ignored after the run");
  // Arguments that say --no-shconf get no file prefix added: no runtime directory of ours.
  const std::vector<std::string> args = real_test::eal_args();
  bool no_shconf = false;
  for (const std::string& a : args) no_shconf = no_shconf || a == "--no-shconf";
  if (no_shconf && exists(runtime_dir("lockstep_pid" + std::to_string(::getpid()))))
    return fail("a file prefix was added to eal_args that say --no-shconf");
  // SIGTERM was not ignored: it still stops a run, through the default shutdown callback, and
  // run_stats says which signal did.
  const int term_rc = run_raising(SIGTERM, &stats);
  if (term_rc != 0 || stats.interrupted_by != SIGTERM)
    return fail("SIGTERM (handled) gave rc " + std::to_string(term_rc) + ", interrupted_by " +
                std::to_string(stats.interrupted_by) + "; expected rc 0 and " +
                std::to_string(SIGTERM));
  // A run that ends on its own says it was not interrupted.
  g_poller_runs = 0;
  const int own_rc = lockstep::real::run(
      real_test::options(1023), [] { lockstep::app_stop(2); }, &stats);
  if (own_rc != 2 || stats.interrupted_by != 0)
    return fail("a run that stopped itself reports interrupted_by " +
                std::to_string(stats.interrupted_by));
  return 0;
}

int sigint_ignored() {
  const pid_t pid = spawn("child-sigint-ignored", {}, [] { std::signal(SIGINT, SIG_IGN); });
  const int rc = exit_code(pid);
  if (rc != 0) return fail("the child started with SIGINT ignored exited with " + std::to_string(rc));
  std::printf("real_process_test: an inherited SIG_IGN for SIGINT was honoured\n");
  return 0;
}

// --- usage-order --------------------------------------------------------------------------

// Child: EAL refuses an unknown option and prints its usage; run then prints its reason.
int child_bad_eal() {
  lockstep::real::options o = real_test::options(1023);
  o.eal_args.push_back("--no-such-eal-option");
  const int rc = lockstep::real::run(o, [] { lockstep::app_stop(0); });
  return rc == lockstep::real::run_failed ? 3 : 1;
}

int usage_order() {
  // stdout and stderr of the child on one pipe: the order in the pipe is the order of writes.
  int out[2];
  if (::pipe(out) != 0) return fail("pipe");
  const pid_t pid = spawn("child-bad-eal", {}, [&] {
    ::close(out[0]);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::close(out[1]);
  });
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n = 0; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  const int rc = exit_code(pid);
  if (rc != 3) return fail("the child exited with " + std::to_string(rc) + ":\n" + text);
  const std::string reason = "lockstep::real::run: DPDK EAL could not start";
  const size_t at_reason = text.find(reason);
  const size_t at_usage = text.find("Usage:");
  if (at_reason == std::string::npos || at_usage == std::string::npos)
    return fail("expected EAL's usage and run's reason in:\n" + text);
  // The reason line is the last line: nothing EAL printed comes after it.
  const size_t reason_end = text.find('\n', at_reason);
  if (at_usage > at_reason || reason_end == std::string::npos || reason_end + 1 != text.size())
    return fail("run's reason is not the last line (EAL's usage came out of order):\n" + text);
  std::printf("real_process_test: EAL's usage came first, run's reason last\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "side-by-side") return side_by_side();
  if (mode == "sigint-ignored") return sigint_ignored();
  if (mode == "usage-order") return usage_order();
  if (mode == "child-default" && argc == 4) return child_default(std::atoi(argv[2]), std::atoi(argv[3]));
  if (mode == "child-sigint-ignored") return child_sigint_ignored();
  if (mode == "child-bad-eal") return child_bad_eal();
  std::fprintf(stderr, "usage: real_process_test side-by-side|sigint-ignored|usage-order\n");
  return 2;
}
