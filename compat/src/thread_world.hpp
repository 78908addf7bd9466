// The state behind spdk/thread.h for one run: its spdk_threads, pollers, io_devices, channels
// and the records of messages in flight. The runtime owns it (core::runtime::attached), so it is
// made on first use in a run and freed with the run.
//
// Threading (the real backend runs a reactor per lcore thread; the simulator one at a time):
//   - Per-core state (the current thread, which spdk_thread a lockstep poller belongs to, the
//     framework messages waiting for an event) is touched only by the thread running that
//     core's reactor: no lock.
//   - The registry of threads, the io_devices, every thread's channel map, the message records
//     and the thread state transitions are guarded by world::mutex. No user callback runs and
//     no check fails while it is held (a failed check leaves its frames without unwinding).
#pragma once

#include "spdk/log.h"
#include "spdk/thread.h"

#include "../../core/runtime.hpp"

#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace lockstep::spdk_compat::detail {

struct device_state;
struct world;

enum class thread_state : uint8_t { running, exiting, exited, destroyed };

}  // namespace lockstep::spdk_compat::detail

struct spdk_thread {
  uint64_t id = 0;
  std::string name;
  uint32_t reactor = 0;            // the reactor index it is placed on, for its life
  uint32_t core = 0;               // that reactor's core id
  bool reactor_own = false;        // a reactor core's own thread ("app_thread", "reactor_N")
  std::atomic<lockstep::spdk_compat::detail::thread_state> state{
      lockstep::spdk_compat::detail::thread_state::running};
  spdk_cpuset cpumask{};
  std::unique_ptr<std::max_align_t[]> ctx;  // spdk_thread_lib_init's ctx_sz bytes
  std::atomic<spdk_msg_fn> critical{nullptr};
  // Guarded by world::mutex.
  uint64_t msgs_in_flight = 0;
  uint32_t pending_unregisters = 0;
  std::map<lockstep::spdk_compat::detail::device_state*, spdk_io_channel*> channels;
  // Touched only on the thread's core.
  std::unordered_set<spdk_poller*> pollers;  // live ones, paused included (never iterated in a
                                             // way that reaches the schedule: freed at the end)
  uint32_t pollers_active = 0;
};

struct spdk_poller {
  spdk_thread* thread;
  spdk_poller_fn fn;
  void* arg;
  uint64_t period_us;
  lockstep::poller* registered;  // nullptr while paused
};

// The channel header: exactly SPDK_IO_CHANNEL_STRUCT_SIZE bytes, the context right after it, as
// spdk_io_channel_get_ctx (inline in the header) assumes.
struct spdk_io_channel {
  spdk_thread* thread;
  lockstep::spdk_compat::detail::device_state* dev;
  uint32_t ref;          // gets minus puts
  uint32_t destroy_ref;  // release messages in flight
  spdk_io_channel_destroy_cb destroy_cb;
  unsigned char reserved[SPDK_IO_CHANNEL_STRUCT_SIZE - 2 * sizeof(void*) - 2 * sizeof(uint32_t) -
                         sizeof(spdk_io_channel_destroy_cb)];
};
static_assert(sizeof(spdk_io_channel) == SPDK_IO_CHANNEL_STRUCT_SIZE,
              "spdk_io_channel_get_ctx finds the context SPDK_IO_CHANNEL_STRUCT_SIZE bytes on");

namespace lockstep::spdk_compat::detail {

struct device_state {
  void* io_device = nullptr;
  std::string name;
  spdk_io_channel_create_cb create_cb = nullptr;
  spdk_io_channel_destroy_cb destroy_cb = nullptr;
  uint32_t ctx_size = 0;
  // Guarded by world::mutex.
  uint32_t refcnt = 0;            // channels alive
  uint32_t for_each_count = 0;    // spdk_for_each_channel walks in progress
  bool unregistered = false;      // out of the registry: no new channel
  bool pending_unregister = false;  // unregistered while walks were in progress
  bool freed = false;             // unregistration finished (its callback sent)
  spdk_io_device_unregister_cb unregister_cb = nullptr;
  spdk_thread* unregister_thread = nullptr;
  const char* release_name = nullptr;  // trace name of its channels' release messages
};

// A message in flight: what the event's function runs, on which thread, named how.
struct message {
  spdk_thread* target;
  spdk_msg_fn fn;
  void* ctx;
  const char* name;
  message* next_free;
};

struct core_state {
  spdk_thread* own = nullptr;      // the core's own thread
  spdk_thread* current = nullptr;  // set by a running message or spdk_set_thread
  std::unordered_map<const lockstep::poller*, spdk_thread*> poller_owner;  // lookups only
  uint32_t locks_held = 0;         // spdk_spinlocks held by this core's threads (spinlock.cpp)
  std::vector<message*> retry;     // framework messages waiting for an event, in send order
  lockstep::poller* retry_poller = nullptr;
};

struct world final : core::runtime::attachment {
  explicit world(core::runtime& rt);
  ~world() override;

  core::runtime& rt;
  std::vector<core_state> cores;  // by reactor index
  uint32_t next_reactor = 0;      // the round-robin placement's cursor (under mutex)
  // The backend runs one message, poller or event at a time over all cores (the simulator, set
  // by spdk_compat::run_sim): a taken spinlock is then always one held past its end.
  std::atomic<bool> one_unit_at_a_time{false};

  std::mutex mutex;
  std::vector<std::unique_ptr<spdk_thread>> threads;  // by id - 1, creation order
  std::map<void*, device_state*> devices;                // registered (lookups only)
  std::vector<std::unique_ptr<device_state>> all_devices;
  std::vector<std::unique_ptr<message>> message_store;
  message* free_messages = nullptr;
  std::unordered_map<const void*, spdk_thread*> thread_of_ctx;
};

// At the start and the end of each message on the caller's core: a spinlock still held there
// is misuse (spinlock.cpp). `fn` names the message's function.
void check_no_lock_held(world& w, uint32_t reactor, const char* when, const void* fn) noexcept;

// Forgets the names of the pools (spdk_mempool) made in `run` (mempool.cpp): the world's end.
void forget_run_pools(const void* run) noexcept;

// The running world, made on first use; nullptr outside a run.
world* current_world() noexcept;
// The world for a call that needs one: outside a run, prints "<call> called outside a run"
// and returns nullptr.
world* world_for(const char* call) noexcept;
// The reactor index running the caller, or UINT32_MAX.
uint32_t current_reactor_index() noexcept;

// The thread running the caller in w (see spdk_get_thread), nullptr outside a reactor.
spdk_thread* thread_of_caller(world& w) noexcept;

// A trace name for fn: its symbol's name, kept for the life of the process.
const char* name_of(const void* fn) noexcept;
// `text` kept for the life of the process.
const char* intern(const std::string& text) noexcept;

// Misuse: ends the run with the message (printf-style), as a failed check. Never returns.
[[noreturn]] void misuse(const char* fmt, ...) noexcept __attribute__((format(printf, 1, 2)));

// Sends fn(ctx) to `target`, traced as `name`. Returns 0, -ENOMEM (no event) or -EIO (exited).
int send_user_message(world& w, spdk_thread* target, spdk_msg_fn fn, void* ctx,
                      const char* name) noexcept;
// A message the framework needs delivered (a channel's release, a walk's next turn, ...): an
// allocation failure does not lose it, the calling core retries it from a poller until it is
// sent. `what` names the operation in the misuse message when the target has exited.
void send_framework_message(world& w, spdk_thread* target, spdk_msg_fn fn, void* ctx,
                            const char* name, const char* what) noexcept;

// While `t` is exiting: becomes exited once nothing keeps it (pollers, channels, messages in
// flight, unregistrations waiting on it). Called on t's core after each of its messages.
void try_finish_exit(world& w, spdk_thread* t) noexcept;
// Has t's exit evaluated again, from a message (as SPDK evaluates it at the thread's next poll).
void recheck_exit_later(world& w, spdk_thread* t) noexcept;

}  // namespace lockstep::spdk_compat::detail
