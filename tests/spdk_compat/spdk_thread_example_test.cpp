// The spdk_thread worked example (examples/spdk_thread, docs/spdk_compat.md): exploration finds
// the racy module's teardown race, the replay line reproduces it exactly, its trace names the
// messages and channel operations; the fixed module is correct; and misuse of the thread API is
// a failed run naming it.
#include "spdk_thread_app.h"

#include "spdk/event.h"
#include "spdk/thread.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using lockstep::sim::outcome;

// Runs the module once and judges it: empty when correct.
std::string run_module(const spdk_thread_app& app, spdk_thread_app_config cfg,
                       const lockstep::sim::options& o, lockstep::sim::result* r) {
  *r = lockstep::spdk_compat::run_sim(o, app.start, &cfg);
  std::string why;
  char text[256] = {};
  if (r->outcome != outcome::stopped) {
    why = std::string("outcome ") + lockstep::sim::to_string(r->outcome) + ": " + r->failure;
  } else if (r->rc != 0) {
    why = "rc " + std::to_string(r->rc);
  } else if (app.verify(text, sizeof text) != 0) {
    why = text;
  }
  app.reset();
  return why;
}

lockstep::explore::summary explore(const spdk_thread_app& app, spdk_thread_app_config cfg,
                                   uint64_t seeds, bool stop_at_first) {
  lockstep::explore::options eo;
  eo.seeds = seeds;
  eo.jobs = 1;  // the module's state is process-wide
  eo.stop_at_first_failure = stop_at_first;
  eo.progress = false;
  eo.replay_command = std::string("spdk_thread --variant ") + app.variant;
  lockstep::sim::options so;
  return lockstep::explore::run(
      eo, so, [&](const lockstep::sim::options& o, lockstep::sim::result* r) {
        return run_module(app, cfg, o, r);
      });
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SpdkThreadExample, ExplorationFindsTheTeardownRaceAndItsReplayReproducesIt) {
  const spdk_thread_app_config cfg{3, 2};
  const auto sum = explore(spdk_thread_app_racy, cfg, 200, true);
  ASSERT_EQ(sum.failures.size(), 1u);
  const auto& f = sum.failures.front();
  EXPECT_TRUE(f.why.find("io_done ran after the counter io_device was unregistered") !=
                  std::string::npos ||
              f.why.find("completions counted") != std::string::npos)
      << f.why;
  EXPECT_NE(f.replay_command.find("--replay 'lockstep-replay/"), std::string::npos);

  // The replay line reruns exactly that run: same verdict, same trace hash, twice.
  lockstep::sim::options o;
  std::string error;
  ASSERT_TRUE(lockstep::sim::parse_replay(f.result.replay, &o, &error)) << error;
  o.trace = true;
  lockstep::sim::result a, b;
  const std::string why_a = run_module(spdk_thread_app_racy, cfg, o, &a);
  const std::string why_b = run_module(spdk_thread_app_racy, cfg, o, &b);
  EXPECT_EQ(why_a, f.why);
  EXPECT_EQ(why_b, f.why);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.steps, f.result.steps);

  // The trace names messages after their functions and channel operations after the device.
  const std::string path = ::testing::TempDir() + "spdk_thread_race.trace";
  ASSERT_TRUE(lockstep::sim::write_trace(a, path));
  const std::string text = read_file(path);
  std::remove(path.c_str());
  for (const char* name : {"worker_start", "io_done", "quiesce_channel", "teardown_done",
                           "spdk_put_io_channel(counter)", "counter_unregistered", "worker_poll"})
    EXPECT_NE(text.find(name), std::string::npos) << name;
}

TEST(SpdkThreadExample, OneWorkerCannotRaceItsOwnCompletions) {
  // One worker: its completions and the walk's completion come from the same thread, and
  // messages between two threads run in send order, so the racy module is correct.
  const auto sum = explore(spdk_thread_app_racy, {1, 2}, 300, false);
  EXPECT_TRUE(sum.failures.empty()) << sum.failures.front().why;
}

TEST(SpdkThreadExample, FixedModuleIsCorrectOverManySeeds) {
  for (uint32_t workers : {1u, 3u, 8u}) {
    const auto sum = explore(spdk_thread_app_fixed, {workers, 5}, 300, false);
    EXPECT_TRUE(sum.failures.empty()) << workers << " workers: " << sum.failures.front().why;
  }
}

// ---- misuse ------------------------------------------------------------------------------

int g_dev;
spdk_thread* g_other;

int nop_create(void*, void*) { return 0; }
void nop_destroy(void*, void*) {}

lockstep::sim::result run_start(spdk_msg_fn start) {
  lockstep::sim::options o;
  o.cores = 2;
  return lockstep::spdk_compat::run_sim(o, start, nullptr);
}

void put_on_other_thread(void* ch) { spdk_put_io_channel(static_cast<spdk_io_channel*>(ch)); }

void misuse_put_wrong_thread(void*) {
  spdk_io_device_register(&g_dev, nop_create, nop_destroy, 8, "dev");
  spdk_io_channel* ch = spdk_get_io_channel(&g_dev);
  g_other = spdk_thread_create("other", nullptr);
  (void)spdk_thread_send_msg(g_other, put_on_other_thread, ch);
}

void misuse_unregister_twice(void*) {
  spdk_io_device_register(&g_dev, nop_create, nop_destroy, 8, "dev");
  spdk_io_device_unregister(&g_dev, nullptr);
  spdk_io_device_unregister(&g_dev, nullptr);
}

void misuse_destroy_running(void*) {
  spdk_thread_destroy(spdk_thread_create("young", nullptr));
}

void misuse_exit_other(void*) { spdk_thread_exit(spdk_thread_create("other", nullptr)); }

void misuse_put_too_often(void*) {
  spdk_io_device_register(&g_dev, nop_create, nop_destroy, 8, "dev");
  spdk_io_channel* ch = spdk_get_io_channel(&g_dev);
  spdk_put_io_channel(ch);
  spdk_put_io_channel(ch);
}

TEST(SpdkThreadMisuse, EachMisuseEndsTheRunNamingIt) {
  struct {
    spdk_msg_fn start;
    const char* says;
  } cases[] = {
      {misuse_put_wrong_thread, "spdk_put_io_channel(dev): the channel belongs to thread app_thread"},
      {misuse_unregister_twice, "spdk_io_device_unregister: io_device"},
      {misuse_destroy_running, "spdk_thread_destroy(young): the thread has not exited"},
      {misuse_exit_other, "spdk_thread_exit(other) called from thread app_thread"},
      {misuse_put_too_often, "a put without a reference"},
  };
  for (const auto& c : cases) {
    const auto r = run_start(c.start);
    EXPECT_EQ(r.outcome, outcome::failed) << c.says;
    EXPECT_NE(r.failure.find(c.says), std::string::npos) << r.failure;
  }
}

// ---- exit and destroy --------------------------------------------------------------------

struct exit_state {
  spdk_thread* t = nullptr;
  spdk_poller* p = nullptr;
  bool exited_while_poller = false;
  bool exited_right_after_exit_call = false;
  int send_after_exit = 0;
  spdk_poller* reaper = nullptr;
};
exit_state g_exit;

int spin(void*) { return SPDK_POLLER_IDLE; }

int reap(void*) {
  if (!spdk_thread_is_exited(g_exit.t)) return SPDK_POLLER_IDLE;
  g_exit.send_after_exit = spdk_thread_send_msg(g_exit.t, [](void*) {}, nullptr);
  spdk_thread_destroy(g_exit.t);
  spdk_poller_unregister(&g_exit.reaper);
  spdk_app_stop(0);
  return SPDK_POLLER_BUSY;
}

void drop_poller(void*) { spdk_poller_unregister(&g_exit.p); }

void on_thread(void*) {
  g_exit.p = spdk_poller_register(spin, nullptr, 0);
  spdk_thread_exit(spdk_get_thread());
  g_exit.exited_right_after_exit_call = spdk_thread_is_exited(spdk_get_thread());
  // Still exiting with a poller: it must not have exited when the next message runs.
  (void)spdk_thread_send_msg(spdk_get_thread(), [](void*) {
    g_exit.exited_while_poller = spdk_thread_is_exited(spdk_get_thread());
    spdk_thread_send_msg(spdk_get_thread(), drop_poller, nullptr);
  }, nullptr);
}

void exit_start(void*) {
  g_exit.t = spdk_thread_create("leaving", nullptr);
  (void)spdk_thread_send_msg(g_exit.t, on_thread, nullptr);
  g_exit.reaper = spdk_poller_register(reap, nullptr, 0);
}

TEST(SpdkThreadExit, AThreadExitsOnlyOnceItsPollersAreGoneThenRefusesMessages) {
  g_exit = {};
  const auto r = run_start(exit_start);
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_FALSE(g_exit.exited_right_after_exit_call);
  EXPECT_FALSE(g_exit.exited_while_poller);
  EXPECT_EQ(g_exit.send_after_exit, -EIO);
}

}  // namespace
