// spdk_app_start on lockstep's real (DPDK) backend.
#include "app_frame.hpp"

#include <lockstep/lockstep.hpp>
#ifdef LOCKSTEP_SPDK_COMPAT_HAS_REAL
#include <lockstep/real.hpp>
#endif

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

namespace lockstep::spdk_compat::detail {
namespace {

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

constexpr uint64_t default_base_virtaddr = 0x200000000000ULL;  // SPDK's, DPDK's own choice

std::vector<std::string> eal_args_of(const spdk_app_opts& opts, const std::string& lcore_list) {
  std::vector<std::string> args = {"-l", lcore_list};
  auto add = [&args](const char* flag, const std::string& value) {
    args.emplace_back(flag);
    if (!value.empty()) args.push_back(value);
  };
  if (opts.main_core >= 0) add("--main-lcore", std::to_string(opts.main_core));
  if (opts.mem_size > 0) add("-m", std::to_string(opts.mem_size));
  if (opts.mem_channel > 0) add("-n", std::to_string(opts.mem_channel));
  if (opts.no_pci) add("--no-pci", "");
  if (opts.no_huge) add("--no-huge", "");
  if (opts.hugepage_single_segments) add("--single-file-segments", "");
  if (opts.unlink_hugepage) add("--huge-unlink", "");
  if (opts.hugedir != nullptr) add("--huge-dir", opts.hugedir);
  if (opts.iova_mode != nullptr) add("--iova-mode", opts.iova_mode);
  if (opts.base_virtaddr != 0 && opts.base_virtaddr != default_base_virtaddr) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%" PRIx64, opts.base_virtaddr);
    add("--base-virtaddr", hex);
  }
  const std::vector<std::string> context = split_spaces(static_cast<const char*>(opts.env_context));
  // As SPDK: a negative shm_id means no shared configuration (so that several such processes
  // run side by side); a shm_id names the shared files. env_context may choose otherwise.
  bool context_chooses = false;
  for (const std::string& word : context)
    context_chooses = context_chooses || word.rfind("--file-prefix", 0) == 0 ||
                      word == "--no-shconf" || word == "--in-memory";
  if (!context_chooses) {
    if (opts.shm_id < 0) {
      add("--no-shconf", "");
    } else {
      add(("--file-prefix=spdk" + std::to_string(opts.shm_id)).c_str(), "");
    }
  }
  for (const std::string& word : context) args.push_back(word);
  return args;
}
#endif

}  // namespace

int run_app_on_real(const spdk_app_opts& opts, const std::vector<uint32_t>& lcores,
                    spdk_msg_fn start_fn, void* ctx) {
#ifdef LOCKSTEP_SPDK_COMPAT_HAS_REAL
  std::string list;
  for (uint32_t c : lcores) list.append(list.empty() ? "" : ",").append(std::to_string(c));
  lockstep::real::options ro;
  ro.eal_args = eal_args_of(opts, list);
  if (opts.event_pool_size != 0) ro.event_pool_size = opts.event_pool_size;
  ro.shutdown_cb = opts.shutdown_cb != nullptr ? opts.shutdown_cb : stop_on_shutdown;

  app_frame& f = frame();
  f.cores = lcores;
  f.main_core = opts.main_core >= 0 ? static_cast<uint32_t>(opts.main_core) : lcores.front();
  f.shm_id = opts.shm_id;
  f.shutdown_cb = opts.shutdown_cb;
  f.running = true;

  std::string eal_line;
  for (const std::string& a : ro.eal_args) eal_line += " " + a;
  SPDK_NOTICELOG("%s: starting %zu reactor(s) on lcores %s (EAL:%s)\n", app_name(opts),
                 lcores.size(), list.c_str(), eal_line.c_str());
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(ro, [start_fn, ctx] { start_fn(ctx); }, &stats);
  f.running = false;
  if (stats.lcores == 0) {
    // The reason again, after whatever EAL printed (its usage can run to a hundred lines, on
    // stdout: flushed first, so that this stays the last line in a log that gets both).
    std::fflush(stdout);
    SPDK_ERRLOG("%s could not start: %s\n", app_name(opts), stats.failure.c_str());
    return rc;
  }
  SPDK_NOTICELOG("%s: stopped, rc %d\n", app_name(opts), rc);
  return rc;
#else
  (void)lcores;
  (void)start_fn;
  (void)ctx;
  SPDK_ERRLOG("%s: spdk_app_start: this build of lockstep has no real backend (DPDK was not "
              "found when it was configured); link lockstep::spdk_app_sim to run the program "
              "in the simulator, or run the start function with "
              "lockstep::spdk_compat::run_sim\n", app_name(opts));
  return -ENOTSUP;
#endif
}

}  // namespace lockstep::spdk_compat::detail
