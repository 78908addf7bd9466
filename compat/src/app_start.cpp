// spdk_app_opts_init / spdk_app_start / spdk_app_fini: the SPDK application frame, deployed on
// lockstep's real (DPDK) backend.
#include "spdk/event.h"

#include <lockstep/lockstep.hpp>
#include <lockstep/spdk_compat.hpp>
#ifdef LOCKSTEP_SPDK_COMPAT_HAS_REAL
#include <lockstep/real.hpp>
#endif

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Defaults chosen for lockstep rather than SPDK where SPDK's would not start here: lockstep
// needs no devices and no hugepages.
constexpr int default_mem_size_mb = 256;
constexpr const char* default_reactor_mask = "0x1";  // SPDK's default: one reactor, lcore 0

#ifdef LOCKSTEP_SPDK_COMPAT_HAS_REAL
// SPDK's behaviour without a shutdown_cb: a shutdown request stops the application.
void stop_on_shutdown() { lockstep::app_stop(0); }

std::vector<std::string> split_spaces(const char* text) {
  std::vector<std::string> out;
  if (text == nullptr) return out;
  std::string word;
  for (const char* p = text;; ++p) {
    if (*p == '\0' || *p == ' ' || *p == '\t') {
      if (!word.empty()) out.push_back(word);
      word.clear();
      if (*p == '\0') break;
    } else {
      word += *p;
    }
  }
  return out;
}
#endif

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
  LOCKSTEP_SET_FIELD(reactor_mask, default_reactor_mask);
  LOCKSTEP_SET_FIELD(main_core, -1);
  LOCKSTEP_SET_FIELD(mem_size, default_mem_size_mb);
  LOCKSTEP_SET_FIELD(no_pci, true);
  LOCKSTEP_SET_FIELD(no_huge, true);
  LOCKSTEP_SET_FIELD(env_context, nullptr);
  LOCKSTEP_SET_FIELD(shutdown_cb, nullptr);
  LOCKSTEP_SET_FIELD(print_level, SPDK_LOG_NOTICE);
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
  spdk_log_set_print_level(opts->print_level);
  std::string error;
  const std::vector<uint32_t> lcores = lockstep::spdk_compat::parse_reactor_mask(
      opts->reactor_mask != nullptr ? opts->reactor_mask : default_reactor_mask, &error);
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
#ifdef LOCKSTEP_SPDK_COMPAT_HAS_REAL
  std::string list;
  for (uint32_t c : lcores) list += (list.empty() ? "" : ",") + std::to_string(c);
  lockstep::real::options ro;
  ro.eal_args = {"-l", list};
  if (opts->main_core >= 0) {
    ro.eal_args.push_back("--main-lcore");
    ro.eal_args.push_back(std::to_string(opts->main_core));
  }
  if (opts->mem_size > 0) {
    ro.eal_args.push_back("-m");
    ro.eal_args.push_back(std::to_string(opts->mem_size));
  }
  if (opts->no_pci) ro.eal_args.push_back("--no-pci");
  if (opts->no_huge) ro.eal_args.push_back("--no-huge");
  for (std::string& word : split_spaces(opts->env_context)) ro.eal_args.push_back(word);
  if (opts->event_pool_size != 0) ro.event_pool_size = opts->event_pool_size;
  ro.shutdown_cb = opts->shutdown_cb != nullptr ? opts->shutdown_cb : stop_on_shutdown;

  std::string eal_line;
  for (const std::string& a : ro.eal_args) eal_line += " " + a;
  SPDK_NOTICELOG("%s: starting %zu reactor(s) on lcores %s (EAL:%s)\n",
                 opts->name != nullptr ? opts->name : "app", lcores.size(), list.c_str(),
                 eal_line.c_str());
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(ro, [start_fn, ctx] { start_fn(ctx); }, &stats);
  if (stats.lcores == 0) {
    // The reason again, after whatever EAL printed (its usage can run to a hundred lines, on
    // stdout: flushed first, so that this stays the last line in a log that gets both).
    std::fflush(stdout);
    SPDK_ERRLOG("%s could not start: %s\n", opts->name != nullptr ? opts->name : "app",
                stats.failure.c_str());
    return rc;
  }
  SPDK_NOTICELOG("%s: stopped, rc %d\n", opts->name != nullptr ? opts->name : "app", rc);
  return rc;
#else
  (void)ctx;
  SPDK_ERRLOG("spdk_app_start: this build of lockstep has no real backend (DPDK was not found "
              "when it was configured); run the start function in the simulator with "
              "lockstep::spdk_compat::run_sim\n");
  return -ENOTSUP;
#endif
}

void spdk_app_fini(void) {
  // EAL stays initialized until process exit (DPDK initializes it once per process), and
  // spdk_app_start keeps nothing else: there is nothing to release.
}

}  // extern "C"
