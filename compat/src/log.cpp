// spdk/log.h: leveled lines with per-flag enablement, prefixed with backend time and core.
#include "log_level.hpp"

#include "spdk/log.h"

#include <lockstep/lockstep.hpp>

#include <atomic>
#include <cinttypes>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <mutex>

#include <syslog.h>

namespace {

// Flags are few and set rarely; a fixed table keeps lookups lock-free and allocation-free.
constexpr size_t flag_count_max = 64;
constexpr size_t flag_name_max = 63;
// One line, prefix included; longer messages are cut (and end with "...").
constexpr size_t line_max = 1024;
constexpr int no_override = INT_MIN;

struct flag {
  char name[flag_name_max + 1] = {};
  std::atomic<bool> enabled{false};
};

flag g_flags[flag_count_max];
std::atomic<size_t> g_flag_count{0};    // entries [0, count) are published
std::mutex g_flag_mutex;                // serializes adding entries

std::atomic<int> g_print_level{SPDK_LOG_NOTICE};
std::atomic<int> g_syslog_level{SPDK_LOG_NOTICE};
// A simulation's thread prints at its own level (run_sim), so that parallel explorations stay
// quiet without touching the process's level.
thread_local int t_print_level = no_override;

std::mutex g_sink_mutex;  // one whole line at a time, and the sink itself
spdk_log_sink_fn g_sink = nullptr;
void* g_sink_ctx = nullptr;
// spdk_log_open's function: every message goes to it, unformatted, instead of a line.
std::atomic<logfunc*> g_logf{nullptr};
std::atomic<bool> g_timestamps{true};

// The flag's name without surrounding quotes (SPDK_INFOLOG("event", ...) spells it "\"event\"").
// False when the name is NULL, empty or too long.
bool normalize(const char* spelled, char (&out)[flag_name_max + 1]) {
  if (spelled == nullptr) return false;
  size_t len = std::strlen(spelled);
  if (len >= 2 && spelled[0] == '"' && spelled[len - 1] == '"') {
    ++spelled;
    len -= 2;
  }
  if (len == 0 || len > flag_name_max) return false;
  std::memcpy(out, spelled, len);
  out[len] = '\0';
  return true;
}

flag* find(const char* name) {
  const size_t n = g_flag_count.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i)
    if (std::strcmp(g_flags[i].name, name) == 0) return &g_flags[i];
  return nullptr;
}

int set_flag(const char* spelled, bool enabled) {
  char name[flag_name_max + 1];
  if (!normalize(spelled, name)) return -EINVAL;
  if (flag* f = find(name)) {
    f->enabled.store(enabled, std::memory_order_relaxed);
    return 0;
  }
  std::lock_guard<std::mutex> lock(g_flag_mutex);
  if (flag* f = find(name)) {  // added meanwhile
    f->enabled.store(enabled, std::memory_order_relaxed);
    return 0;
  }
  const size_t n = g_flag_count.load(std::memory_order_relaxed);
  if (n == flag_count_max) return enabled ? -ENOMEM : 0;
  std::memcpy(g_flags[n].name, name, sizeof name);
  g_flags[n].enabled.store(enabled, std::memory_order_relaxed);
  g_flag_count.store(n + 1, std::memory_order_release);
  return 0;
}

int print_level() {
  return t_print_level != no_override ? t_print_level
                                      : g_print_level.load(std::memory_order_relaxed);
}

const char* level_tag(spdk_log_level level) {
  switch (level) {
    case SPDK_LOG_ERROR: return "*ERROR*";
    case SPDK_LOG_WARN: return "*WARNING*";
    case SPDK_LOG_NOTICE: return "*NOTICE*";
    case SPDK_LOG_INFO: return "*INFO*";
    case SPDK_LOG_DEBUG: return "*DEBUG*";
    case SPDK_LOG_DISABLED: break;
  }
  return "*?*";
}

const char* base_name(const char* file) {
  const char* slash = std::strrchr(file, '/');
  return slash != nullptr ? slash + 1 : file;
}

void emit(spdk_log_level level, const char* file, int line, const char* func, const char* format,
          va_list args) {
  // Two bytes stay free for the final "\n\0"; a cut message ends with "...".
  char text[line_max];
  constexpr size_t text_max = sizeof text - 2;
  size_t used = 0;
  bool cut = false;
  auto append = [&](int n) {
    if (n < 0) return;
    used += static_cast<size_t>(n);
    if (used > text_max) {
      used = text_max;
      cut = true;
    }
  };
  const uint32_t core = lockstep::current_core();
  char core_text[16] = "-";
  if (core != lockstep::no_core) std::snprintf(core_text, sizeof core_text, "%" PRIu32, core);
  if (g_timestamps.load(std::memory_order_relaxed)) {
    append(std::snprintf(text, text_max + 1, "[%12" PRIu64 " ns core %s] ", lockstep::now_ns(),
                         core_text));
  } else {
    append(std::snprintf(text, text_max + 1, "[core %s] ", core_text));
  }
  if (file != nullptr)
    append(std::snprintf(text + used, text_max + 1 - used, "%s:%d:%s: ", base_name(file), line,
                         func != nullptr ? func : "?"));
  append(std::snprintf(text + used, text_max + 1 - used, "%s: ", level_tag(level)));
  append(std::vsnprintf(text + used, text_max + 1 - used, format, args));
  if (cut) std::memcpy(text + used - 3, "...", 3);
  // Exactly one newline at the end, whether the format had one (SPDK's habit) or not.
  while (used > 0 && text[used - 1] == '\n') --used;
  text[used] = '\n';
  text[used + 1] = '\0';

  std::lock_guard<std::mutex> lock(g_sink_mutex);
  if (g_sink != nullptr) {
    g_sink(text, g_sink_ctx);
  } else {
    std::fputs(text, stderr);
  }
}

}  // namespace

namespace lockstep::spdk_compat::detail {

thread_print_level::thread_print_level(spdk_log_level level) noexcept : saved_(t_print_level) {
  t_print_level = level;
}
thread_print_level::~thread_print_level() { t_print_level = saved_; }

void set_thread_print_level(spdk_log_level level) noexcept { t_print_level = level; }

}  // namespace lockstep::spdk_compat::detail

extern "C" {

void spdk_log_set_print_level(enum spdk_log_level level) {
  g_print_level.store(level, std::memory_order_relaxed);
}
enum spdk_log_level spdk_log_get_print_level(void) {
  return static_cast<spdk_log_level>(print_level());
}
void spdk_log_set_level(enum spdk_log_level level) {
  g_syslog_level.store(level, std::memory_order_relaxed);
}
enum spdk_log_level spdk_log_get_level(void) {
  return static_cast<spdk_log_level>(g_syslog_level.load(std::memory_order_relaxed));
}

int spdk_log_set_flag(const char* flag) { return set_flag(flag, true); }
int spdk_log_clear_flag(const char* flag) { return set_flag(flag, false); }

bool spdk_log_get_flag(const char* spelled) {
  char name[flag_name_max + 1];
  if (!normalize(spelled, name)) return false;
  const ::flag* f = find(name);
  return f != nullptr && f->enabled.load(std::memory_order_relaxed);
}

void spdk_log_set_sink(spdk_log_sink_fn sink, void* ctx) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  g_sink = sink;
  g_sink_ctx = ctx;
}

void spdk_vlog(enum spdk_log_level level, const char* file, const int line, const char* func,
               const char* format, va_list ap) {
  if (logfunc* logf = g_logf.load(std::memory_order_acquire)) {
    logf(level, file, line, func, format, ap);
    return;
  }
  if (level == SPDK_LOG_DISABLED || static_cast<int>(level) > print_level()) return;
  emit(level, file, line, func, format, ap);
}

void spdk_log(enum spdk_log_level level, const char* file, const int line, const char* func,
              const char* format, ...) {
  va_list args;
  va_start(args, format);
  spdk_vlog(level, file, line, func, format, args);
  va_end(args);
}

void spdk_log_open(logfunc* logf) { g_logf.store(logf, std::memory_order_release); }
void spdk_log_close(void) { g_logf.store(nullptr, std::memory_order_release); }
void spdk_log_enable_timestamps(bool value) {
  g_timestamps.store(value, std::memory_order_relaxed);
}

int spdk_log_to_syslog_level(enum spdk_log_level level) {
  switch (level) {
    case SPDK_LOG_DEBUG:
    case SPDK_LOG_INFO: return LOG_INFO;
    case SPDK_LOG_NOTICE: return LOG_NOTICE;
    case SPDK_LOG_WARN: return LOG_WARNING;
    case SPDK_LOG_ERROR: return LOG_ERR;
    case SPDK_LOG_DISABLED: return -1;
  }
  return LOG_INFO;
}

void spdk_log_dump(FILE* fp, const char* label, const void* buf, size_t len) {
  // The label, then 16 bytes a line: offset, hex, and the printable characters.
  std::fprintf(fp, "%s\n", label != nullptr ? label : "");
  const auto* bytes = static_cast<const unsigned char*>(buf);
  for (size_t at = 0; at < len; at += 16) {
    char hex[16 * 3 + 2] = {};
    char text[16 + 1] = {};
    size_t used = 0;
    for (size_t i = 0; i < 16; ++i) {
      if (at + i < len) {
        used += static_cast<size_t>(std::snprintf(hex + used, sizeof hex - used, "%02x%s",
                                                  bytes[at + i], i == 7 ? "  " : " "));
        text[i] = std::isprint(bytes[at + i]) != 0 ? static_cast<char>(bytes[at + i]) : '.';
      } else {
        used += static_cast<size_t>(std::snprintf(hex + used, sizeof hex - used, "%s",
                                                  i == 7 ? "    " : "   "));
      }
    }
    std::fprintf(fp, "%08zx  %s %s\n", at, hex, text);
  }
}

void spdk_log_flagged(enum spdk_log_level level, const char* flag, const char* file,
                      const int line, const char* func, const char* format, ...) {
  if (!spdk_log_get_flag(flag)) return;
  logfunc* logf = g_logf.load(std::memory_order_acquire);
  if (logf == nullptr && print_level() == SPDK_LOG_DISABLED) return;
  va_list args;
  va_start(args, format);
  if (logf != nullptr) {
    logf(level, file, line, func, format, args);
  } else {
    emit(level, file, line, func, format, args);
  }
  va_end(args);
}

}  // extern "C"
