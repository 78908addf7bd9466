// spdk_app_opts_init / spdk_app_start / spdk_app_fini / spdk_app_start_shutdown: the SPDK
// application frame. spdk_app_start checks the options, records the frame, and hands the run to
// the backend chosen for this process (app_real.cpp, app_sim.cpp).
#include "spdk/event.h"

#include "app_frame.hpp"

#include <lockstep/lockstep.hpp>
#include <lockstep/spdk_compat.hpp>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

namespace lockstep::spdk_compat {
namespace {

// Constant-initialized, so that a static initializer of another file (lockstep::spdk_app_sim's)
// may set it before main.
std::atomic<int> g_app_backend{static_cast<int>(app_backend::real)};

// SPDK's defaults, where lockstep keeps them.
constexpr const char* default_reactor_mask = "0x1";           // one reactor, lcore 0
constexpr const char* default_rpc_addr = "/var/tmp/spdk.sock";
constexpr uint64_t default_num_trace_entries = 32 * 1024;
constexpr size_t default_msg_mempool_size = 262144 - 1;
// lockstep's own, where SPDK's would not start here: no devices, no hugepages.
constexpr int default_mem_size_mb = 256;

void warn_unused_options(const spdk_app_opts& opts) {
  const char* name = detail::app_name(opts);
  if (opts.json_config_file != nullptr)
    SPDK_WARNLOG("%s: json_config_file '%s' is not applied: lockstep has no subsystems to "
                 "configure\n", name, opts.json_config_file);
  if (opts.delay_subsystem_init)
    SPDK_WARNLOG("%s: delay_subsystem_init (--wait-for-rpc) is ignored: lockstep has no RPC "
                 "server; the start function runs at once\n", name);
  if (opts.pci_allowed != nullptr || opts.pci_blocked != nullptr)
    SPDK_WARNLOG("%s: pci_allowed/pci_blocked are ignored: lockstep uses no PCI devices\n", name);
  if (opts.log != nullptr)
    SPDK_WARNLOG("%s: opts.log is ignored: lines go to the compat log (spdk_log_set_sink)\n",
                 name);
  if (opts.disable_signal_handlers)
    SPDK_WARNLOG("%s: disable_signal_handlers is ignored: SIGINT/SIGTERM request a shutdown "
                 "during the run\n", name);
}

}  // namespace

void set_app_backend(app_backend backend) noexcept {
  g_app_backend.store(static_cast<int>(backend), std::memory_order_relaxed);
}

app_backend get_app_backend() noexcept {
  return static_cast<app_backend>(g_app_backend.load(std::memory_order_relaxed));
}

namespace detail {
app_frame& frame() noexcept {
  static app_frame f;
  return f;
}
}  // namespace detail
}  // namespace lockstep::spdk_compat

namespace frame_ns = lockstep::spdk_compat::detail;

namespace {

void run_shutdown_request(void*, void*) {
  const frame_ns::app_frame& f = frame_ns::frame();
  if (f.running && f.shutdown_cb != nullptr) {
    f.shutdown_cb();
  } else {
    lockstep::app_stop(0);
  }
}

}  // namespace

extern "C" {

void spdk_app_opts_init(struct spdk_app_opts* opts, size_t opts_size) {
  if (opts == nullptr || opts_size == 0) {
    SPDK_ERRLOG("spdk_app_opts_init: opts is NULL or opts_size is 0\n");
    return;
  }
  if (opts_size > sizeof *opts) opts_size = sizeof *opts;
  std::memset(opts, 0, opts_size);
  // Only the fields that lie wholly within the caller's opts_size are written (an application
  // built against an older, shorter struct keeps working).
#define LOCKSTEP_SET_FIELD(field, value)                                             \
  if (offsetof(struct spdk_app_opts, field) + sizeof opts->field <= opts_size) \
  opts->field = (value)
  LOCKSTEP_SET_FIELD(name, "lockstep_app");
  LOCKSTEP_SET_FIELD(rpc_addr, lockstep::spdk_compat::default_rpc_addr);
  LOCKSTEP_SET_FIELD(reactor_mask, lockstep::spdk_compat::default_reactor_mask);
  LOCKSTEP_SET_FIELD(shm_id, -1);
  LOCKSTEP_SET_FIELD(enable_coredump, true);
  LOCKSTEP_SET_FIELD(mem_channel, -1);
  LOCKSTEP_SET_FIELD(main_core, -1);
  LOCKSTEP_SET_FIELD(mem_size, lockstep::spdk_compat::default_mem_size_mb);
  LOCKSTEP_SET_FIELD(no_pci, true);
  LOCKSTEP_SET_FIELD(print_level, SPDK_LOG_NOTICE);
  LOCKSTEP_SET_FIELD(num_entries, lockstep::spdk_compat::default_num_trace_entries);
  LOCKSTEP_SET_FIELD(base_virtaddr, 0x200000000000ULL);
  LOCKSTEP_SET_FIELD(msg_mempool_size, lockstep::spdk_compat::default_msg_mempool_size);
  LOCKSTEP_SET_FIELD(no_huge, true);
  LOCKSTEP_SET_FIELD(event_pool_size, 0);
  LOCKSTEP_SET_FIELD(opts_size, opts_size);
#undef LOCKSTEP_SET_FIELD
}

int spdk_app_start(struct spdk_app_opts* opts, spdk_msg_fn start_fn, void* ctx) {
  if (opts == nullptr || start_fn == nullptr) {
    SPDK_ERRLOG("spdk_app_start: %s is NULL\n", opts == nullptr ? "opts" : "start_fn");
    return -EINVAL;
  }
  if (opts->opts_size != sizeof *opts) {
    SPDK_ERRLOG("spdk_app_start: opts.opts_size is %zu, expected %zu: initialize the options "
                "with spdk_app_opts_init(&opts, sizeof(opts))\n",
                opts->opts_size, sizeof *opts);
    return -EINVAL;
  }
  if (lockstep::core_count() != 0) {
    SPDK_ERRLOG("spdk_app_start: called while an application runs (from a reactor?)\n");
    return -EINVAL;
  }
  spdk_log_set_print_level(opts->print_level);
  std::string error;
  const std::vector<uint32_t> lcores = lockstep::spdk_compat::parse_reactor_mask(
      opts->reactor_mask != nullptr ? opts->reactor_mask
                                    : lockstep::spdk_compat::default_reactor_mask,
      &error);
  if (lcores.empty()) {
    SPDK_ERRLOG("spdk_app_start: %s\n", error.c_str());
    return -EINVAL;
  }
  if (opts->main_core >= 0) {
    bool found = false;
    for (uint32_t c : lcores) found = found || c == static_cast<uint32_t>(opts->main_core);
    if (!found) {
      SPDK_ERRLOG("spdk_app_start: main_core %d is not in reactor_mask '%s'\n", opts->main_core,
                  opts->reactor_mask);
      return -EINVAL;
    }
  }
  lockstep::spdk_compat::warn_unused_options(*opts);
  if (lockstep::spdk_compat::get_app_backend() == lockstep::spdk_compat::app_backend::sim)
    return frame_ns::run_app_in_sim(*opts, lcores, start_fn, ctx);
  return frame_ns::run_app_on_real(*opts, lcores, start_fn, ctx);
}

void spdk_app_fini(void) {
  // EAL stays initialized until process exit (DPDK initializes it once per process), and the
  // frame's record of cores stays for core enumeration after the run: nothing to release.
}

void spdk_app_start_shutdown(void) {
  if (lockstep::core_count() == 0) {
    SPDK_ERRLOG("spdk_app_start_shutdown: no application is running\n");
    return;
  }
  lockstep::event* ev = lockstep::event_allocate_named(spdk_env_get_main_core(),
                                                       run_shutdown_request, nullptr, nullptr,
                                                       "app_start_shutdown");
  if (ev == nullptr) {
    SPDK_ERRLOG("spdk_app_start_shutdown: no event for the shutdown request; stopping with "
                "rc 0 instead\n");
    lockstep::app_stop(0);
    return;
  }
  lockstep::event_call(ev);
}

int spdk_app_get_shm_id(void) { return frame_ns::frame().shm_id; }

}  // extern "C"
