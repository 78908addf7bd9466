// spdk/string.h: SPDK's string helpers with SPDK's return conventions.
#include "spdk/string.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// strtol-style parsing with SPDK's verdicts: the value, or a negative errno.
template <class T, class Parse>
T checked_parse(const char* text, int base, Parse parse, T max, T min) {
  if (text == nullptr) return -EINVAL;
  char* end = nullptr;
  errno = 0;
  const T value = parse(text, &end, base);
  const int err = errno;
  if (err == 0 && *end != '\0') return -EINVAL;          // characters after the number
  if (err == ERANGE && (value == max || value == min)) return -ERANGE;  // overflow
  if (err != 0 && value == 0) return -err;               // e.g. EINVAL for a bad base
  if (value < 0) return -ERANGE;                         // negative numbers are refused
  return value;
}

}  // namespace

extern "C" {

char* spdk_vsprintf_alloc(const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const int len = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (len < 0) return nullptr;
  auto* out = static_cast<char*>(std::malloc(static_cast<size_t>(len) + 1));
  if (out == nullptr) return nullptr;
  std::vsnprintf(out, static_cast<size_t>(len) + 1, format, args);
  return out;
}

char* spdk_sprintf_alloc(const char* format, ...) {
  va_list args;
  va_start(args, format);
  char* out = spdk_vsprintf_alloc(format, args);
  va_end(args);
  return out;
}

char* spdk_vsprintf_append_realloc(char* buffer, const char* format, va_list args) {
  if (buffer == nullptr) return spdk_vsprintf_alloc(format, args);
  va_list copy;
  va_copy(copy, args);
  const int len = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (len < 0) return nullptr;
  const size_t old_len = std::strlen(buffer);
  auto* out = static_cast<char*>(std::realloc(buffer, old_len + static_cast<size_t>(len) + 1));
  if (out == nullptr) return nullptr;  // buffer is untouched and still the caller's
  std::vsnprintf(out + old_len, static_cast<size_t>(len) + 1, format, args);
  return out;
}

char* spdk_sprintf_append_realloc(char* buffer, const char* format, ...) {
  va_list args;
  va_start(args, format);
  char* out = spdk_vsprintf_append_realloc(buffer, format, args);
  va_end(args);
  return out;
}

char* spdk_strlwr(char* s) {
  if (s == nullptr) return nullptr;
  for (char* p = s; *p != '\0'; ++p) *p = static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  return s;
}

char* spdk_strsepq(char** stringp, const char* delim) {
  char* field = *stringp;
  if (field == nullptr) return nullptr;
  char* in = field;
  char* out = field;
  char quote = 0;      // the quote character we are inside, or 0
  bool escaped = false;
  while (*in != '\0' && *in != '\n') {
    const char c = *in;
    if (escaped) {
      escaped = false;
      *out++ = *in++;
    } else if (quote != 0) {
      if (quote == '"' && c == '\\') {
        escaped = true;
        ++in;
      } else if (c == quote) {
        quote = 0;
        ++in;
      } else {
        *out++ = *in++;
      }
    } else if (c == '\\') {
      escaped = true;
      ++in;
    } else if (c == '"' || c == '\'') {
      quote = c;
      ++in;
    } else if (std::strchr(delim, c) != nullptr) {
      ++in;  // the delimiter ends the field
      break;
    } else {
      *out++ = *in++;
    }
  }
  *out = '\0';
  while (*in != '\0' && std::strchr(delim, *in) != nullptr) ++in;
  *stringp = *in != '\0' ? in : nullptr;
  return field;
}

char* spdk_str_trim(char* s) {
  if (s == nullptr) return nullptr;
  char* begin = s;
  while (*begin != '\0' && std::isspace(static_cast<unsigned char>(*begin))) ++begin;
  char* end = begin + std::strlen(begin);
  while (end > begin && std::isspace(static_cast<unsigned char>(end[-1]))) *--end = '\0';
  if (begin != s) std::memmove(s, begin, static_cast<size_t>(end - begin) + 1);
  return s;
}

void spdk_strerror_r(int errnum, char* buf, size_t buflen) {
  if (buf == nullptr || buflen == 0) return;
  // glibc's GNU strerror_r returns the message (maybe a static string, maybe buf).
  const char* msg = strerror_r(errnum, buf, buflen);
  if (msg == nullptr) {
    std::snprintf(buf, buflen, "Unknown error %d", errnum);
  } else if (msg != buf) {
    std::snprintf(buf, buflen, "%s", msg);
  }
}

const char* spdk_strerror(int errnum) {
  thread_local char buf[256];
  spdk_strerror_r(errnum, buf, sizeof buf);
  return buf;
}

size_t spdk_str_chomp(char* s) {
  size_t len = std::strlen(s);
  size_t removed = 0;
  while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n')) {
    s[--len] = '\0';
    ++removed;
  }
  return removed;
}

void spdk_strcpy_pad(void* dst, const char* src, size_t size, int pad) {
  const size_t len = std::strlen(src);
  if (len >= size) {
    std::memcpy(dst, src, size);
  } else {
    std::memcpy(dst, src, len);
    std::memset(static_cast<char*>(dst) + len, pad, size - len);
  }
}

size_t spdk_strlen_pad(const void* str, size_t size, int pad) {
  const auto* bytes = static_cast<const unsigned char*>(str);
  size_t len = size;
  while (len > 0 && bytes[len - 1] == static_cast<unsigned char>(pad)) --len;
  return len;
}

int spdk_parse_ip_addr(char* ip, char** host, char** port) {
  if (ip == nullptr) return -EINVAL;
  *host = nullptr;
  *port = nullptr;
  char* rest = nullptr;
  if (ip[0] == '[') {  // [IPv6]:port
    char* close = std::strchr(ip, ']');
    if (close == nullptr) return -EINVAL;
    *close = '\0';
    *host = ip + 1;
    rest = close + 1;
    if (*rest == '\0') return 0;
    if (*rest != ':') return -EINVAL;
  } else {  // host:port
    *host = ip;
    rest = std::strchr(ip, ':');
    if (rest == nullptr) return 0;
    *rest = '\0';
  }
  ++rest;  // past ':'
  if (*rest != '\0') *port = rest;
  return 0;
}

int spdk_parse_capacity(const char* cap_str, uint64_t* cap, bool* has_prefix) {
  if (cap_str == nullptr || cap == nullptr || has_prefix == nullptr) return -EINVAL;
  const char* p = cap_str;
  while (std::isspace(static_cast<unsigned char>(*p))) ++p;
  if (!std::isdigit(static_cast<unsigned char>(*p))) return -EINVAL;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(p, &end, 10);
  if (errno != 0) return -errno;
  *cap = value;
  if (*end == '\0') {
    *has_prefix = false;
    return 0;
  }
  *has_prefix = true;
  switch (*end) {  // what follows the prefix ("B" of "MB") is not looked at, as in SPDK
    case 'k': case 'K': *cap *= 1024ULL; break;
    case 'm': case 'M': *cap *= 1024ULL * 1024; break;
    case 'g': case 'G': *cap *= 1024ULL * 1024 * 1024; break;
    default: return -EINVAL;
  }
  return 0;
}

bool spdk_mem_all_zero(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i)
    if (bytes[i] != 0) return false;
  return true;
}

long int spdk_strtol(const char* nptr, int base) {
  return checked_parse<long>(nptr, base, std::strtol, LONG_MAX, LONG_MIN);
}

long long int spdk_strtoll(const char* nptr, int base) {
  return checked_parse<long long>(nptr, base, std::strtoll, LLONG_MAX, LLONG_MIN);
}

char** spdk_strarray_from_string(const char* str, const char* delim) {
  if (str == nullptr || delim == nullptr) return nullptr;
  size_t count = 1;
  for (const char* p = std::strpbrk(str, delim); p != nullptr; p = std::strpbrk(p + 1, delim))
    ++count;
  auto** out = static_cast<char**>(std::calloc(count + 1, sizeof(char*)));
  if (out == nullptr) return nullptr;
  const char* piece = str;
  for (size_t i = 0; i < count; ++i) {
    const char* next = std::strpbrk(piece, delim);
    out[i] = next != nullptr ? strndup(piece, static_cast<size_t>(next - piece)) : strdup(piece);
    if (out[i] == nullptr) {
      spdk_strarray_free(out);
      return nullptr;
    }
    if (next != nullptr) piece = next + 1;
  }
  return out;
}

char** spdk_strarray_dup(const char** strarray) {
  if (strarray == nullptr) return nullptr;
  size_t count = 0;
  while (strarray[count] != nullptr) ++count;
  auto** out = static_cast<char**>(std::calloc(count + 1, sizeof(char*)));
  if (out == nullptr) return nullptr;
  for (size_t i = 0; i < count; ++i) {
    out[i] = strdup(strarray[i]);
    if (out[i] == nullptr) {
      spdk_strarray_free(out);
      return nullptr;
    }
  }
  return out;
}

void spdk_strarray_free(char** strarray) {
  if (strarray == nullptr) return;
  for (char** p = strarray; *p != nullptr; ++p) std::free(*p);
  std::free(strarray);
}

int spdk_strcpy_replace(char* dst, size_t size, const char* src, const char* search,
                        const char* replace) {
  if (dst == nullptr || src == nullptr || search == nullptr || replace == nullptr ||
      *search == '\0')
    return -EINVAL;
  const size_t search_len = std::strlen(search);
  const size_t replace_len = std::strlen(replace);
  size_t needed = 0;
  for (const char* p = src; *p != '\0';) {
    if (std::strncmp(p, search, search_len) == 0) {
      needed += replace_len;
      p += search_len;
    } else {
      ++needed;
      ++p;
    }
  }
  if (needed >= size) return -EINVAL;
  char* out = dst;
  for (const char* p = src; *p != '\0';) {
    if (std::strncmp(p, search, search_len) == 0) {
      std::memcpy(out, replace, replace_len);
      out += replace_len;
      p += search_len;
    } else {
      *out++ = *p++;
    }
  }
  *out = '\0';
  return 0;
}

}  // extern "C"
