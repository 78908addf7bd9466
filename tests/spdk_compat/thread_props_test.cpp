// Properties of spdk_thread, messages, spdk_for_each_thread and io_channels (spdk/thread.h) in
// the simulator, over random seeds, core counts, thread counts and allocation faults.
#include "spdk/event.h"
#include "spdk/thread.h"

#include <lockstep/lockstep.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

using lockstep::sim::outcome;

lockstep::sim::options options_for(uint64_t seed, uint32_t cores, uint32_t ppm) {
  lockstep::sim::options o;
  o.seed = seed;
  o.cores = cores;
  o.alloc_fail_ppm = ppm;
  o.max_steps = 2'000'000;
  return o;
}

std::string describe(const lockstep::sim::result& r) {
  return std::string("outcome ") + lockstep::sim::to_string(r.outcome) + " rc " +
         std::to_string(r.rc) + " " + r.failure + "\nreplay: " + r.replay;
}

// Each test's state: the simulation runs on this OS thread, one run at a time.
struct starter {
  // Messages still to send from the app_thread, retried on -ENOMEM by a poller (as an
  // application must).
  std::vector<std::pair<spdk_thread*, spdk_msg_fn>> pending;
  spdk_poller* poller = nullptr;
};
starter g_starter;

int send_pending(void*) {
  while (!g_starter.pending.empty()) {
    auto [t, fn] = g_starter.pending.front();
    if (spdk_thread_send_msg(t, fn, nullptr) != 0) return SPDK_POLLER_IDLE;
    g_starter.pending.erase(g_starter.pending.begin());
  }
  spdk_poller_unregister(&g_starter.poller);
  return SPDK_POLLER_BUSY;
}

void start_each(const std::vector<spdk_thread*>& threads, spdk_msg_fn fn) {
  g_starter = {};
  for (spdk_thread* t : threads) g_starter.pending.emplace_back(t, fn);
  g_starter.poller = spdk_poller_register(send_pending, nullptr, 0);
}

std::vector<spdk_thread*> create_threads(uint32_t n) {
  std::vector<spdk_thread*> out;
  for (uint32_t i = 0; i < n; ++i) {
    spdk_thread* t = spdk_thread_create(std::string("t").append(std::to_string(i)).c_str(), nullptr);
    LOCKSTEP_CHECK(t != nullptr, "spdk_thread_create failed");
    out.push_back(t);
  }
  return out;
}

// ---- per-pair FIFO, every message once on its thread -------------------------------------

struct fifo_state {
  uint32_t threads = 0;
  uint32_t per_pair = 0;
  std::vector<spdk_thread*> all;  // app_thread, then the created ones
  std::map<std::pair<uint64_t, uint64_t>, uint32_t> sent, received;  // (from id, to id)
  uint64_t sent_total = 0, received_total = 0;
  uint32_t senders_done = 0;
  std::string error;
};
fifo_state g_fifo;

struct fifo_msg {
  spdk_thread* from;
  spdk_thread* to;
  uint32_t seq;
};

void maybe_stop_fifo() {
  if (g_fifo.senders_done == g_fifo.all.size() && g_fifo.received_total == g_fifo.sent_total)
    spdk_app_stop(0);
}

void fifo_receive(void* arg) {
  auto* m = static_cast<fifo_msg*>(arg);
  if (spdk_get_thread() != m->to && g_fifo.error.empty())
    g_fifo.error = "a message ran on thread " + std::string(spdk_thread_get_name(spdk_get_thread())) +
                   " instead of " + spdk_thread_get_name(m->to);
  auto key = std::make_pair(spdk_thread_get_id(m->from), spdk_thread_get_id(m->to));
  uint32_t& next = g_fifo.received[key];
  if (m->seq != next && g_fifo.error.empty())
    g_fifo.error = "pair " + std::to_string(key.first) + "->" + std::to_string(key.second) +
                   ": got message " + std::to_string(m->seq) + ", expected " + std::to_string(next);
  next = m->seq + 1;
  ++g_fifo.received_total;
  delete m;
  maybe_stop_fifo();
}

void fifo_send_all(void*) {
  spdk_thread* self = spdk_get_thread();
  for (uint32_t k = 0; k < g_fifo.per_pair; ++k) {
    for (spdk_thread* to : g_fifo.all) {
      auto key = std::make_pair(spdk_thread_get_id(self), spdk_thread_get_id(to));
      uint32_t& seq = g_fifo.sent[key];
      auto* m = new fifo_msg{self, to, seq};
      if (spdk_thread_send_msg(to, fifo_receive, m) == 0) {
        ++seq;
        ++g_fifo.sent_total;
      } else {
        delete m;  // -ENOMEM: not sent; the next one takes its number
      }
    }
  }
  ++g_fifo.senders_done;
  maybe_stop_fifo();
}

void fifo_start(void*) {
  g_fifo.all.push_back(spdk_get_thread());
  for (spdk_thread* t : create_threads(g_fifo.threads)) g_fifo.all.push_back(t);
  start_each(g_fifo.all, fifo_send_all);
}

RC_GTEST_PROP(SpdkThreadProps, MessagesPerPairRunInSendOrderOnceOnTheirThread, (uint64_t seed)) {
  // Claim: between any two spdk_threads (itself included) the messages that were sent (send_msg
  // returned 0) run in send order, each exactly once, on its target thread; with injected
  // allocation faults a message is either refused with -ENOMEM or delivered.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 6);
  const auto threads = *rc::gen::inRange<uint32_t>(0, 7);
  const auto per_pair = *rc::gen::inRange<uint32_t>(0, 12);
  const auto ppm = *rc::gen::element<uint32_t>(0, 0, 20'000, 200'000);
  g_fifo = {};
  g_fifo.threads = threads;
  g_fifo.per_pair = per_pair;
  const auto r = lockstep::spdk_compat::run_sim(options_for(seed, cores, ppm), fifo_start, nullptr);
  RC_LOG() << describe(r) << "\n" << g_fifo.error << "\n";
  RC_ASSERT(r.outcome == outcome::stopped);
  RC_ASSERT(g_fifo.error.empty());
  RC_ASSERT(g_fifo.received_total == g_fifo.sent_total);
  for (auto& [key, n] : g_fifo.sent) RC_ASSERT(g_fifo.received[key] == n);
  if (ppm == 0) RC_ASSERT(g_fifo.sent_total == uint64_t{per_pair} * (threads + 1) * (threads + 1));
  RC_ASSERT(r.leaked_events == 0u);
}

// ---- spdk_for_each_thread ---------------------------------------------------------------

struct walk_state {
  std::vector<spdk_thread*> created;
  spdk_thread* origin = nullptr;
  std::map<uint64_t, uint32_t> visits;  // thread id -> visits
  uint32_t count_at_start = 0;
  uint32_t completions = 0;
  std::string error;
};
walk_state g_walk;

void walk_visit(void* ctx) {
  if (ctx != &g_walk && g_walk.error.empty()) g_walk.error = "fn got another ctx";
  if (g_walk.completions != 0 && g_walk.error.empty()) g_walk.error = "a visit after the completion";
  ++g_walk.visits[spdk_thread_get_id(spdk_get_thread())];
}

void walk_done(void* ctx) {
  if (ctx != &g_walk && g_walk.error.empty()) g_walk.error = "cpl got another ctx";
  if (spdk_get_thread() != g_walk.origin && g_walk.error.empty())
    g_walk.error = std::string("the completion ran on ") + spdk_thread_get_name(spdk_get_thread());
  ++g_walk.completions;
  spdk_app_stop(0);
}

void walk_begin(void*) {
  g_walk.origin = spdk_get_thread();
  g_walk.count_at_start = spdk_thread_get_count();
  spdk_for_each_thread(walk_visit, &g_walk, walk_done);
}

uint32_t g_walk_origin_index = 0;

void walk_start(void*) {
  std::vector<spdk_thread*> created = create_threads(static_cast<uint32_t>(g_walk.created.size()));
  g_walk.created = created;
  if (g_walk_origin_index == 0) {
    walk_begin(nullptr);
  } else {
    start_each({created[g_walk_origin_index - 1]}, walk_begin);
  }
}

RC_GTEST_PROP(SpdkThreadProps, ForEachThreadVisitsEveryThreadOnceThenCompletesOnTheOrigin,
              (uint64_t seed)) {
  // Claim: spdk_for_each_thread called on any thread runs fn once on every thread of the run
  // (the reactor threads and the created ones), each on its own thread, and then cpl once, on
  // the calling thread, after every visit; injected allocation faults do not change that.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 6);
  const auto threads = *rc::gen::inRange<uint32_t>(0, 9);
  const auto origin = *rc::gen::inRange<uint32_t>(0, threads + 1);  // 0: the app_thread
  const auto ppm = *rc::gen::element<uint32_t>(0, 20'000, 200'000);
  g_walk = {};
  g_walk.created.resize(threads);
  g_walk_origin_index = origin;
  const auto r = lockstep::spdk_compat::run_sim(options_for(seed, cores, ppm), walk_start, nullptr);
  RC_LOG() << describe(r) << "\n" << g_walk.error << "\n";
  RC_ASSERT(r.outcome == outcome::stopped);
  RC_ASSERT(g_walk.error.empty());
  RC_ASSERT(g_walk.completions == 1u);
  RC_ASSERT(g_walk.count_at_start == cores + threads);
  RC_ASSERT(g_walk.visits.size() == size_t{cores} + threads);
  for (uint64_t id = 1; id <= cores + threads; ++id) RC_ASSERT(g_walk.visits[id] == 1u);
}

// ---- io_channel reference counts and the unregister callback -----------------------------

struct chan_state {
  uint32_t threads = 0;
  uint32_t gets = 0;
  bool unregister_early = false;  // unregister as soon as every thread holds its channel
  std::vector<spdk_thread*> created;
  uint32_t holding = 0;           // threads holding their references
  uint32_t created_cbs = 0, destroyed_cbs = 0, unregister_cbs = 0;
  uint32_t puts_done = 0;
  int64_t live_refs = 0;
  bool unregistered = false;
  spdk_poller* watcher = nullptr;
  std::string error;
};
chan_state g_chan;
int g_device;  // the io_device's address

struct per_thread {
  spdk_io_channel* ch = nullptr;
  uint32_t left = 0;
  spdk_poller* putter = nullptr;
};
std::map<uint64_t, per_thread> g_per_thread;

void note(const std::string& e) {
  if (g_chan.error.empty()) g_chan.error = e;
}

int chan_create(void* dev, void* buf) {
  if (dev != &g_device) note("create_cb got another device");
  *static_cast<uint64_t*>(buf) = spdk_thread_get_id(spdk_get_thread());
  ++g_chan.created_cbs;
  return 0;
}

void chan_destroy(void* dev, void* buf) {
  if (dev != &g_device) note("destroy_cb got another device");
  if (*static_cast<uint64_t*>(buf) != spdk_thread_get_id(spdk_get_thread()))
    note("destroy_cb ran on another thread than its channel's");
  if (g_chan.unregister_cbs != 0) note("destroy_cb after the unregister callback");
  ++g_chan.destroyed_cbs;
}

void chan_unregistered(void* dev) {
  if (dev != &g_device) note("unregister_cb got another device");
  if (g_chan.destroyed_cbs != g_chan.created_cbs)
    note("the unregister callback ran with " + std::to_string(g_chan.created_cbs - g_chan.destroyed_cbs) +
         " channels alive");
  if (g_chan.live_refs != 0) note("the unregister callback ran with references held");
  if (spdk_get_thread() != spdk_thread_get_app_thread()) note("unregister_cb on another thread");
  ++g_chan.unregister_cbs;
  spdk_app_stop(0);
}

int put_one(void*) {
  per_thread& me = g_per_thread[spdk_thread_get_id(spdk_get_thread())];
  if (spdk_io_channel_get_ref_count(me.ch) != static_cast<int>(me.left)) note("ref count off");
  spdk_put_io_channel(me.ch);
  --g_chan.live_refs;
  ++g_chan.puts_done;
  if (--me.left == 0) spdk_poller_unregister(&me.putter);
  return SPDK_POLLER_BUSY;
}

void get_all(void*) {
  per_thread& me = g_per_thread[spdk_thread_get_id(spdk_get_thread())];
  for (uint32_t k = 0; k < g_chan.gets; ++k) {
    spdk_io_channel* ch = spdk_get_io_channel(&g_device);
    if (ch == nullptr) return note("spdk_get_io_channel returned NULL");
    if (k > 0 && ch != me.ch) note("a second get returned another channel");
    if (spdk_io_channel_get_thread(ch) != spdk_get_thread()) note("channel of another thread");
    if (spdk_io_channel_from_ctx(spdk_io_channel_get_ctx(ch)) != ch) note("from_ctx(get_ctx)");
    me.ch = ch;
    ++g_chan.live_refs;
  }
  me.left = g_chan.gets;
  ++g_chan.holding;
  me.putter = spdk_poller_register(put_one, nullptr, 0);
}

int watch(void*) {
  if (g_chan.holding < g_chan.threads) return SPDK_POLLER_IDLE;
  if (!g_chan.unregister_early && g_chan.puts_done < g_chan.threads * g_chan.gets)
    return SPDK_POLLER_IDLE;
  spdk_poller_unregister(&g_chan.watcher);
  g_chan.unregistered = true;
  spdk_io_device_unregister(&g_device, chan_unregistered);
  return SPDK_POLLER_BUSY;
}

void chan_start(void*) {
  spdk_io_device_register(&g_device, chan_create, chan_destroy, sizeof(uint64_t), "props_dev");
  g_chan.created = create_threads(g_chan.threads);
  start_each(g_chan.created, get_all);
  g_chan.watcher = spdk_poller_register(watch, nullptr, 0);
}

RC_GTEST_PROP(SpdkThreadProps, ChannelRefcountsReturnToZeroAndUnregisterRunsOnceAfterTheLastPut,
              (uint64_t seed)) {
  // Claim: threads that each get a device's channel g times share one channel per thread (one
  // create_cb), its reference count follows gets minus puts, the last put destroys it later on
  // its own thread, and the unregister callback runs exactly once, on the unregistering thread,
  // after every channel is destroyed — whether the device is unregistered before or after the
  // puts, with or without injected allocation faults.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 6);
  const auto threads = *rc::gen::inRange<uint32_t>(1, 8);
  const auto gets = *rc::gen::inRange<uint32_t>(1, 5);
  const bool early = *rc::gen::arbitrary<bool>();
  const auto ppm = *rc::gen::element<uint32_t>(0, 20'000, 200'000);
  g_chan = {};
  g_per_thread.clear();
  g_chan.threads = threads;
  g_chan.gets = gets;
  g_chan.unregister_early = early;
  const auto r = lockstep::spdk_compat::run_sim(options_for(seed, cores, ppm), chan_start, nullptr);
  RC_LOG() << describe(r) << "\n" << g_chan.error << "\n";
  RC_ASSERT(r.outcome == outcome::stopped);
  RC_ASSERT(g_chan.error.empty());
  RC_ASSERT(g_chan.created_cbs == threads);
  RC_ASSERT(g_chan.destroyed_cbs == threads);
  RC_ASSERT(g_chan.unregister_cbs == 1u);
  RC_ASSERT(g_chan.live_refs == 0);
  RC_ASSERT(g_chan.puts_done == threads * gets);
}

}  // namespace
