// spdk_app_parse_args / spdk_app_usage: SPDK's common command line, with the application's own
// options through callbacks.
#include "spdk/event.h"
#include "spdk/string.h"

#include <climits>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

namespace {

// Long-only options: numbered above every character, as SPDK numbers them.
enum long_only : int {
  opt_silence_noticelog = 257,
  opt_wait_for_rpc,
  opt_huge_dir,
  opt_num_trace_entries,
  opt_max_delay,
  opt_json,
  opt_json_ignore_init_errors,
  opt_iova_mode,
  opt_base_virtaddr,
  opt_env_context,
  opt_disable_cpumask_locks,
  opt_rpcs_allowed,
  opt_vfio_vf_token,
  opt_msg_mempool_size,
};

const struct option common_options[] = {
    {"config", required_argument, nullptr, 'c'},
    {"limit-coredump", no_argument, nullptr, 'd'},
    {"tpoint-group", required_argument, nullptr, 'e'},
    {"single-file-segments", no_argument, nullptr, 'g'},
    {"help", no_argument, nullptr, 'h'},
    {"shm-id", required_argument, nullptr, 'i'},
    {"cpumask", required_argument, nullptr, 'm'},
    {"mem-channels", required_argument, nullptr, 'n'},
    {"main-core", required_argument, nullptr, 'p'},
    {"master-core", required_argument, nullptr, 'p'},
    {"rpc-socket", required_argument, nullptr, 'r'},
    {"mem-size", required_argument, nullptr, 's'},
    {"no-pci", no_argument, nullptr, 'u'},
    {"version", no_argument, nullptr, 'v'},
    {"pci-blocked", required_argument, nullptr, 'B'},
    {"pci-blacklist", required_argument, nullptr, 'B'},
    {"logflag", required_argument, nullptr, 'L'},
    {"huge-unlink", no_argument, nullptr, 'R'},
    {"pci-allowed", required_argument, nullptr, 'A'},
    {"pci-whitelist", required_argument, nullptr, 'W'},
    {"silence-noticelog", no_argument, nullptr, opt_silence_noticelog},
    {"wait-for-rpc", no_argument, nullptr, opt_wait_for_rpc},
    {"huge-dir", required_argument, nullptr, opt_huge_dir},
    {"num-trace-entries", required_argument, nullptr, opt_num_trace_entries},
    {"max-delay", required_argument, nullptr, opt_max_delay},
    {"json", required_argument, nullptr, opt_json},
    {"json-ignore-init-errors", no_argument, nullptr, opt_json_ignore_init_errors},
    {"iova-mode", required_argument, nullptr, opt_iova_mode},
    {"base-virtaddr", required_argument, nullptr, opt_base_virtaddr},
    {"env-context", required_argument, nullptr, opt_env_context},
    {"disable-cpumask-locks", no_argument, nullptr, opt_disable_cpumask_locks},
    {"rpcs-allowed", required_argument, nullptr, opt_rpcs_allowed},
    {"vfio-vf-token", required_argument, nullptr, opt_vfio_vf_token},
    {"msg-mempool-size", required_argument, nullptr, opt_msg_mempool_size},
};

// What spdk_app_usage prints: set by spdk_app_parse_args.
const char* g_program = nullptr;
void (*g_app_usage)(void) = nullptr;
int g_default_mem_size = 0;

void print_usage() {
  std::printf("%s [options]\n", g_program != nullptr ? g_program : "app");
  std::printf("options:\n");
  std::printf(" -h, --help                show this usage\n");
  std::printf(" -v, --version             print the SPDK version this compatibility layer follows\n");
  std::printf(" -m, --cpumask <mask or list>  reactor cores: a hex mask (0x3) or a list ([0-1,3])\n");
  std::printf(" -p, --main-core <id>      main core (start function, shutdown callback)\n");
  std::printf(" -s, --mem-size <size>     EAL memory in MB, or with a k/m/g suffix (default: %dMB)\n",
              g_default_mem_size);
  std::printf(" -n, --mem-channels <num>  EAL memory channels\n");
  std::printf(" -u, --no-pci              EAL --no-pci (on by default in lockstep)\n");
  std::printf(" -g, --single-file-segments  EAL --single-file-segments\n");
  std::printf(" -R, --huge-unlink         EAL --huge-unlink\n");
  std::printf("     --huge-dir <path>     EAL --huge-dir\n");
  std::printf("     --iova-mode <pa/va>   EAL --iova-mode\n");
  std::printf("     --base-virtaddr <addr>  EAL --base-virtaddr\n");
  std::printf("     --env-context <args>  further EAL arguments\n");
  std::printf(" -L, --logflag <flag>      enable a log flag (SPDK_INFOLOG/SPDK_DEBUGLOG lines)\n");
  std::printf("     --silence-noticelog   print warnings and errors only\n");
  std::printf(" accepted and kept in the options, unused by lockstep: -c/--config/--json <file>,\n");
  std::printf("   --json-ignore-init-errors, -d, -e <mask>, -i <id>, -r/--rpc-socket <path>,\n");
  std::printf("   --wait-for-rpc, --num-trace-entries <n>, --rpcs-allowed <list>,\n");
  std::printf("   --vfio-vf-token <uuid>, --msg-mempool-size <n>, --disable-cpumask-locks,\n");
  std::printf("   --max-delay <us>\n");
  if (g_app_usage != nullptr) g_app_usage();
}

// The first character of the application's getopt string that is also a common option.
int duplicated_option(const char* app_getopt_str) {
  for (const char* p = app_getopt_str; *p != '\0'; ++p) {
    if (*p == ':' || *p == '+' || *p == '-') continue;
    if (std::strchr(SPDK_APP_GETOPT_STRING, *p) != nullptr) return *p;
  }
  return 0;
}

// What one option did.
enum class verdict { applied, help, fail, not_common };

verdict fail_with_usage(const char* what, const char* arg) {
  SPDK_ERRLOG("%s '%s'\n", what, arg != nullptr ? arg : "");
  print_usage();
  return verdict::fail;
}

// A number option: spdk_strtol's value, within [min, INT_MAX].
bool int_option(const char* arg, long min, int* out) {
  const long v = spdk_strtol(arg, 0);
  if (v < min || v > INT_MAX) return false;
  *out = static_cast<int>(v);
  return true;
}

// The common options that have a short letter.
verdict apply_short_option(int ch, char* arg, spdk_app_opts* opts) {
  switch (ch) {
    case 'c': opts->json_config_file = arg; return verdict::applied;
    case 'd': opts->enable_coredump = false; return verdict::applied;
    case 'e': opts->tpoint_group_mask = arg; return verdict::applied;
    case 'g': opts->hugepage_single_segments = true; return verdict::applied;
    case 'h': print_usage(); return verdict::help;
    case 'i': {
      // A leading '-' (a negative id) is allowed, as in SPDK.
      const bool negative = arg[0] == '-';
      int id = 0;
      if (!int_option(arg + (negative ? 1 : 0), 0, &id))
        return fail_with_usage("Invalid shared memory ID", arg);
      opts->shm_id = negative ? -id : id;
      return verdict::applied;
    }
    case 'm': opts->reactor_mask = arg; return verdict::applied;
    case 'n':
      return int_option(arg, 0, &opts->mem_channel) ? verdict::applied
                                                    : fail_with_usage("Invalid memory channel", arg);
    case 'p':
      return int_option(arg, 0, &opts->main_core) ? verdict::applied
                                                  : fail_with_usage("Invalid main core", arg);
    case 'r': opts->rpc_addr = arg; return verdict::applied;
    case 's': {
      uint64_t size = 0;
      bool has_prefix = false;
      if (spdk_parse_capacity(arg, &size, &has_prefix) != 0)
        return fail_with_usage("invalid memory pool size -s", arg);
      if (has_prefix) size /= 1024 * 1024;  // a suffix gives bytes; the option is in MB
      if (size > INT_MAX) return fail_with_usage("invalid memory pool size -s", arg);
      opts->mem_size = static_cast<int>(size);
      return verdict::applied;
    }
    case 'u': opts->no_pci = true; return verdict::applied;
    case 'v': std::printf("SPDK v23.01.1 compatible (lockstep)\n"); return verdict::help;
    case 'A':
    case 'B':
    case 'W':
      return fail_with_usage("lockstep uses no PCI devices: refusing a PCI address list", arg);
    case 'L':
      return spdk_log_set_flag(arg) < 0 ? fail_with_usage("unknown log flag", arg)
                                        : verdict::applied;
    case 'R': opts->unlink_hugepage = true; return verdict::applied;
    default: return verdict::not_common;
  }
}

// The common options that are long only.
verdict apply_long_option(int ch, char* arg, spdk_app_opts* opts) {
  switch (ch) {
    case opt_json: opts->json_config_file = arg; return verdict::applied;
    case opt_json_ignore_init_errors: opts->json_config_ignore_errors = true; return verdict::applied;
    case opt_silence_noticelog: opts->print_level = SPDK_LOG_WARN; return verdict::applied;
    case opt_wait_for_rpc: opts->delay_subsystem_init = true; return verdict::applied;
    case opt_huge_dir: opts->hugedir = arg; return verdict::applied;
    case opt_num_trace_entries: {
      const long long n = spdk_strtoll(arg, 0);
      if (n < 0 || (n > 0 && (n & (n - 1)) != 0))
        return fail_with_usage("num-trace-entries must be 0 or a power of 2:", arg);
      opts->num_entries = static_cast<uint64_t>(n);
      return verdict::applied;
    }
    case opt_max_delay:
      SPDK_WARNLOG("--max-delay is no longer supported (as in SPDK): ignored\n");
      return verdict::applied;
    case opt_iova_mode: opts->iova_mode = arg; return verdict::applied;
    case opt_base_virtaddr: {
      const long long addr = spdk_strtoll(arg, 0);
      if (addr <= 0) return fail_with_usage("Invalid base-virtaddr", arg);
      opts->base_virtaddr = static_cast<uint64_t>(addr);
      return verdict::applied;
    }
    case opt_env_context: opts->env_context = arg; return verdict::applied;
    case opt_disable_cpumask_locks: return verdict::applied;  // lockstep takes no core locks
    case opt_rpcs_allowed: {
      char** list = spdk_strarray_from_string(arg, ",");
      if (list == nullptr) return fail_with_usage("Invalid --rpcs-allowed argument", arg);
      spdk_strarray_free(const_cast<char**>(opts->rpc_allowlist));
      opts->rpc_allowlist = const_cast<const char**>(list);
      return verdict::applied;
    }
    case opt_vfio_vf_token: opts->vf_token = arg; return verdict::applied;
    case opt_msg_mempool_size: {
      const long n = spdk_strtol(arg, 10);
      if (n <= 0) return fail_with_usage("Invalid message memory pool size", arg);
      opts->msg_mempool_size = static_cast<size_t>(n);
      return verdict::applied;
    }
    default: return verdict::not_common;
  }
}

}  // namespace

extern "C" {

spdk_app_parse_args_rvals_t spdk_app_parse_args(int argc, char** argv, struct spdk_app_opts* opts,
                                                const char* getopt_str,
                                                const struct option* app_long_opts,
                                                int (*parse)(int ch, char* arg),
                                                void (*usage)(void)) {
  if (opts == nullptr || argv == nullptr) {
    SPDK_ERRLOG("spdk_app_parse_args: %s is NULL\n", opts == nullptr ? "opts" : "argv");
    return SPDK_APP_PARSE_ARGS_FAIL;
  }
  g_program = argc > 0 ? argv[0] : nullptr;
  g_app_usage = usage;
  g_default_mem_size = opts->mem_size;
  const char* app_short = getopt_str != nullptr ? getopt_str : "";
  if (const int dup = duplicated_option(app_short); dup != 0) {
    SPDK_ERRLOG("Duplicated option '%c' between the generic and application specific spdk opts.\n",
                dup);
    return SPDK_APP_PARSE_ARGS_FAIL;
  }
  std::vector<struct option> long_opts(std::begin(common_options), std::end(common_options));
  for (const struct option* o = app_long_opts; o != nullptr && o->name != nullptr; ++o)
    long_opts.push_back(*o);
  long_opts.push_back({nullptr, 0, nullptr, 0});
  const std::string short_opts = std::string(app_short) + SPDK_APP_GETOPT_STRING;

  int ch = 0;
  int index = 0;
  while ((ch = getopt_long(argc, argv, short_opts.c_str(), long_opts.data(), &index)) != -1) {
    if (ch == '?') {  // getopt_long has printed what was wrong
      print_usage();
      return SPDK_APP_PARSE_ARGS_FAIL;
    }
    verdict v = apply_short_option(ch, optarg, opts);
    if (v == verdict::not_common) v = apply_long_option(ch, optarg, opts);
    if (v == verdict::help) return SPDK_APP_PARSE_ARGS_HELP;
    if (v == verdict::fail) return SPDK_APP_PARSE_ARGS_FAIL;
    if (v == verdict::applied) continue;
    // The application's own option.
    if (parse == nullptr) {
      SPDK_ERRLOG("spdk_app_parse_args: option '%c' of the application, but no parse "
                  "function was given\n", ch);
      return SPDK_APP_PARSE_ARGS_FAIL;
    }
    if (const int rc = parse(ch, optarg); rc != 0) {
      SPDK_ERRLOG("Parsing application specific arguments failed: %d\n", rc);
      return SPDK_APP_PARSE_ARGS_FAIL;
    }
  }
  if (opts->json_config_file != nullptr && opts->delay_subsystem_init) {
    SPDK_ERRLOG("JSON configuration file can't be used together with --wait-for-rpc.\n");
    return SPDK_APP_PARSE_ARGS_FAIL;
  }
  return SPDK_APP_PARSE_ARGS_SUCCESS;
}

void spdk_app_usage(void) {
  if (g_program == nullptr) {
    SPDK_ERRLOG("spdk_app_usage: not valid before calling spdk_app_parse_args()\n");
    return;
  }
  print_usage();
}

}  // extern "C"
