#include "reader.hpp"

#include "causality.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace lockstep::trace {
namespace {

// A core number must stay below this, whatever the header says: the simulator's own limit is
// far lower, and a garbage header must not make later stages allocate per-core state for it.
constexpr uint32_t cores_max = 4096;


// A parse failure: thrown inside the reader only, turned into the error string at its edge.
struct bad_line {
  uint32_t line;
  std::string what;
};

// How much of a line an error message shows.
constexpr size_t shown_max = 60;

std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, shown_max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  if (s.size() > shown_max) out += "...";
  return "'" + out + "'";
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t at = 0;
  for (;;) {
    const size_t space = line.find(' ', at);
    fields.push_back(line.substr(at, space == std::string_view::npos ? line.npos : space - at));
    if (space == std::string_view::npos) return fields;
    at = space + 1;
  }
}

// Where the bytes of a trace come from: a string in memory, or a file read as it is parsed.
// Returns the number of bytes put into buf (0: the end); a read error throws bad_line with
// line 0, which parse() and read_file() turn into "cannot read".
class byte_source {
 public:
  virtual ~byte_source() = default;
  virtual size_t read(char* buf, size_t n) = 0;
};

class memory_source final : public byte_source {
 public:
  explicit memory_source(std::string_view text) : text_(text) {}
  size_t read(char* buf, size_t n) override {
    const size_t k = std::min(n, text_.size() - pos_);
    std::memcpy(buf, text_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// A read error while streaming a file (not a defect of the trace: no line number).
struct read_error {
  int err;
};

class file_source final : public byte_source {
 public:
  explicit file_source(std::FILE* f) : f_(f) {}
  size_t read(char* buf, size_t n) override {
    errno = 0;
    const size_t k = std::fread(buf, 1, n, f_);
    if (k == 0 && std::ferror(f_) != 0) throw read_error{errno != 0 ? errno : EIO};
    return k;
  }

 private:
  std::FILE* f_;
};

// The lines of the text, read as they are asked for; each must end in '\n' (a missing one means
// the file was cut). A line is checked as it is read: a control character or a line longer
// than the limit ends the reading there, so garbage (a binary file, /dev/zero, /dev/urandom) is
// refused after at most one line's worth of bytes, whatever its size.
class line_source {
 public:
  explicit line_source(byte_source& in) : in_(in) {}

  uint32_t number() const noexcept { return number_; }
  bool at_end() {
    fill_if_empty();
    return pos_ >= len_;
  }

  // The next line; `expected` says what should come, for the error when the text ends. The
  // view stays valid until the next call. The first line (the header) may be at most
  // header_line_max bytes long, every other one line_max.
  std::string_view next(const std::string& expected) {
    if (at_end())
      throw bad_line{number_ + 1, "the trace ends here, but " + expected +
                                      " should follow (truncated trace?)"};
    ++number_;
    const size_t limit = number_ == 1 ? header_line_max : line_max;
    line_.clear();
    for (;;) {
      if (!fill_if_empty())
        throw bad_line{number_, line_too_long_or_cut(
                                    "the last line has no newline (truncated trace?)")};
      const char* begin = buffer_ + pos_;
      const size_t avail = len_ - pos_;
      const auto* nl = static_cast<const char*>(std::memchr(begin, '\n', avail));
      const size_t take = nl != nullptr ? static_cast<size_t>(nl - begin) : avail;
      for (size_t i = 0; i < take; ++i) {
        const auto u = static_cast<unsigned char>(begin[i]);
        if (u < 0x20 || u == 0x7f) {
          // Shown as far as shown() shows a line (what is at hand, up to the newline).
          line_.append(begin, std::min(take, shown_max + 1));
          throw bad_line{number_, line_too_long_or_cut(
                                      "control character in the line (not a text trace?): " +
                                      shown(line_))};
        }
      }
      if (line_.size() + take > limit) {
        line_.append(begin, std::min(take, limit + 1 - line_.size()));
        throw bad_line{number_, line_too_long_or_cut(
                                    "line longer than " + std::to_string(limit) +
                                    " bytes (not a text trace?): " + shown(line_))};
      }
      line_.append(begin, take);
      pos_ += take;
      if (nl != nullptr) {
        ++pos_;
        return line_;
      }
    }
  }

 private:
  // Garbage in the first line means the input is not a trace at all: say so first (the header
  // parser would say the same had the line ended). A first line that starts like the header is
  // reported as it is (a CRLF trace, a cut header).
  std::string line_too_long_or_cut(std::string what) const {
    const std::string_view line = line_;
    if (number_ != 1 || (line.substr(0, header_word.size()) == header_word &&
                         line.substr(header_word.size(), 1) == " "))
      return what;
    return "not a lockstep trace: " + what;
  }

  // True when bytes are available at pos_.
  bool fill_if_empty() {
    if (pos_ < len_) return true;
    if (eof_) return false;
    pos_ = 0;
    len_ = in_.read(buffer_, sizeof buffer_);
    if (len_ == 0) eof_ = true;
    return len_ > 0;
  }

  byte_source& in_;
  char buffer_[1 << 16];
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
  std::string line_;
  uint32_t number_ = 0;
};

class parser {
 public:
  parser(byte_source& in, trace_log* out) : lines_(in), t_(*out) {}

  void run() {
    header();
    names();
    records();
    const std::string_view end = lines_.next("the line 'end'");
    if (end != "end")
      fail("expected 'end' after " + std::to_string(t_.records.size()) + " records, got " +
           shown(end));
    if (!lines_.at_end()) {
      lines_.next("");
      fail("text after 'end'");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) { throw bad_line{lines_.number(), what}; }

  // The rest of a line that starts with `word` and a space (or is `word` alone when `empty_ok`).
  std::string_view tagged(std::string_view word, const std::string& expected, bool empty_ok) {
    const std::string_view line = lines_.next("the '" + std::string(word) + "' line");
    if (empty_ok && line == word) return {};
    if (line.size() <= word.size() || line.substr(0, word.size()) != word ||
        line[word.size()] != ' ')
      fail("expected " + expected + ", got " + shown(line));
    return line.substr(word.size() + 1);
  }

  uint64_t number(std::string_view field, const char* what, uint64_t max = UINT64_MAX) {
    uint64_t v = 0;
    const char* end = field.data() + field.size();
    auto [ptr, ec] = std::from_chars(field.data(), end, v);
    if (field.empty() || ec != std::errc() || ptr != end)
      fail(std::string(what) + ": expected an unsigned decimal number, got " + shown(field));
    if (v > max)
      fail(std::string(what) + ": " + std::string(field) + " is out of range (at most " +
           std::to_string(max) + ")");
    return v;
  }

  int32_t signed_number(std::string_view field, const char* what) {
    int32_t v = 0;
    const char* end = field.data() + field.size();
    auto [ptr, ec] = std::from_chars(field.data(), end, v);
    if (field.empty() || ec != std::errc() || ptr != end)
      fail(std::string(what) + ": expected a 32-bit decimal integer, got " + shown(field));
    return v;
  }

  uint32_t core(std::string_view field, const char* what, bool outside_ok) {
    if (field == outside_word) {
      if (!outside_ok) fail(std::string(what) + ": '-' (outside any core) is not allowed here");
      return outside;
    }
    const uint64_t c = number(field, what);
    if (c >= t_.cores)
      fail(std::string(what) + ": core " + std::string(field) + " does not exist (the trace has " +
           std::to_string(t_.cores) + " cores)");
    return static_cast<uint32_t>(c);
  }

  // "key=value" with the given key.
  std::string_view keyed(std::string_view field, std::string_view key) {
    if (field.size() <= key.size() || field.substr(0, key.size()) != key ||
        field[key.size()] != '=')
      fail("expected " + std::string(key) + "=..., got " + shown(field));
    return field.substr(key.size() + 1);
  }

  void header() {
    const std::string header = std::string(header_word) + " " + std::to_string(format_version);
    const std::string_view first = lines_.next("the header '" + header + "'");
    if (first.size() <= header_word.size() || first.substr(0, header_word.size()) != header_word ||
        first[header_word.size()] != ' ')
      fail("not a lockstep trace: expected '" + header + "', got " + shown(first));
    const std::string_view v = first.substr(header_word.size() + 1);
    uint64_t version = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (v.empty() || ec != std::errc() || ptr != v.data() + v.size())
      fail("bad format version " + shown(v) + ": expected a number");
    if (version != format_version)
      fail("trace format version " + std::string(v) + ", but this reader reads version " +
           std::to_string(format_version) + " only (write the trace again with this build)");
    t_.version = format_version;

    t_.options = tagged("options", "'options <replay line>'", false);
    t_.cores = static_cast<uint32_t>(
        number(tagged("cores", "'cores <count>'", false), "cores", cores_max));
    if (t_.cores == 0) fail("cores: a run has at least one core");

    const auto out = split_fields(
        tagged("outcome", "'outcome <outcome> rc= steps= virtual_ns= hash='", false));
    if (out.size() != 5)
      fail("expected 'outcome <outcome> rc=N steps=N virtual_ns=N hash=X' (5 fields), got " +
           std::to_string(out.size()));
    t_.outcome = std::string(out[0]);
    if (t_.outcome != "stopped" && t_.outcome != "hang" && t_.outcome != "step_limit" &&
        t_.outcome != "failed")
      fail("unknown outcome " + shown(out[0]) + " (expected stopped, hang, step_limit or failed)");
    t_.rc = signed_number(keyed(out[1], "rc"), "rc");
    t_.steps = number(keyed(out[2], "steps"), "steps");
    t_.virtual_ns = number(keyed(out[3], "virtual_ns"), "virtual_ns");
    const std::string_view hash = keyed(out[4], "hash");
    if (hash.size() != 16 || hash.find_first_not_of("0123456789abcdef") != hash.npos)
      fail("hash: expected 16 lowercase hex digits, got " + shown(hash));
    t_.trace_hash = std::strtoull(std::string(hash).c_str(), nullptr, 16);

    t_.failure = tagged("failure", "'failure' or 'failure <message>'", true);
  }

  void names() {
    const uint64_t n = number(tagged("names", "'names <count>'", false), "names", UINT32_MAX - 1);
    for (uint64_t i = 1; i <= n; ++i) {
      const std::string_view rest = tagged("name", "name " + std::to_string(i) + " of " +
                                                       std::to_string(n) + " ('name " +
                                                       std::to_string(i) + " <text>')",
                                           false);
      const size_t space = rest.find(' ');
      const std::string_view index = rest.substr(0, space);
      if (number(index, "name index") != i)
        fail("names must be numbered in order: expected 'name " + std::to_string(i) + " ...', got " +
             shown(rest));
      if (space == std::string_view::npos || space + 1 == rest.size())
        fail("name " + std::to_string(i) + " is empty");
      t_.names.emplace_back(rest.substr(space + 1));
    }
  }

  uint32_t name_index(std::string_view field) {
    const uint64_t v = number(field, "NAME");
    if (v >= t_.names.size())
      fail("NAME " + std::string(field) + " is not in the names table (it has " +
           std::to_string(t_.names.size() - 1) + " names)");
    return static_cast<uint32_t>(v);
  }

  void records() {
    const uint64_t n = number(tagged("records", "'records <count>'", false), "records");
    for (uint64_t i = 0; i < n; ++i) {
      const std::string_view line = lines_.next("record " + std::to_string(i + 1) + " of " +
                                                std::to_string(n));
      if (line == "end")
        fail("'end' after " + std::to_string(i) + " records, but the header announced " +
             std::to_string(n) + " (records lost, or a wrong count)");
      t_.records.push_back(record_line(line));
    }
  }

  record record_line(std::string_view line) {
    const auto f = split_fields(line);
    record r;
    r.line = lines_.number();
    const kind_layout* layout = nullptr;
    for (const kind_layout& l : layouts)
      if (l.word == f[0]) layout = &l;
    if (layout == nullptr) {
      std::string words;
      for (uint32_t i = 0; i < kind_count; ++i)
        words += std::string(i == 0 ? "" : i + 1 == kind_count ? " or " : ", ") +
                 std::string(layouts[i].word);
      fail("unknown record " + shown(f[0]) + " (expected " + words + ")");
    }
    if (f.size() != layout->fields)
      fail("expected " + std::to_string(layout->fields) + " fields (" +
           std::string(layout->layout) + "), got " + std::to_string(f.size()));
    r.kind = layout->kind;
    r.step = number(f[1], "STEP");
    if (r.step < last_step_)
      fail("STEP " + std::string(f[1]) + " goes back in time (the previous record is at step " +
           std::to_string(last_step_) + ")");
    last_step_ = r.step;
    if (r.kind == kind::shutdown_request) {
      r.start_ns = r.end_ns = number(f[2], "T_NS");
      r.id = event_id(f[3]);
      r.target = 0;
      return r;
    }
    r.core = core(f[2], "CORE", may_be_outside(r.kind));
    r.start_ns = r.end_ns = number(f[3], is_step(r.kind) ? "START_NS" : "T_NS");
    switch (r.kind) {
      case kind::alloc:
        r.id = event_id(f[4]);
        r.target = core(f[5], "TARGET", false);
        r.by = number(f[6], "BY");
        r.name = name_index(f[7]);
        break;
      case kind::alloc_failed: {
        // The target may be any number here: allocating for a core that does not exist is
        // precisely one way to fail.
        r.target = f[4] == outside_word ? outside : static_cast<uint32_t>(number(f[4], "TARGET", UINT32_MAX - 1));
        r.by = number(f[5], "BY");
        r.name = name_index(f[6]);
        if (f[7] == to_string(alloc_reason::no_event)) {
          r.reason = alloc_reason::no_event;
        } else if (f[7] == to_string(alloc_reason::not_a_core)) {
          r.reason = alloc_reason::not_a_core;
        } else {
          fail("REASON: expected no_event or not_a_core, got " + shown(f[7]));
        }
        break;
      }
      case kind::call: {
        r.id = event_id(f[4]);
        r.target = core(f[5], "TARGET", false);
        r.by = number(f[6], "BY");
        break;
      }
      case kind::exec: {
        r.end_ns = number(f[4], "END_NS");
        if (r.end_ns < r.start_ns) fail("END_NS is before START_NS");
        r.id = event_id(f[5]);
        r.sender = core(f[6], "SENDER", true);
        r.name = name_index(f[7]);
        break;
      }
      case kind::poller:
      case kind::timer:
        r.end_ns = number(f[4], "END_NS");
        if (r.end_ns < r.start_ns) fail("END_NS is before START_NS");
        r.id = number(f[5], "POLLER");
        r.name = name_index(f[6]);
        break;
      case kind::stop:
        r.rc = signed_number(f[4], "RC");
        break;
      case kind::check_failed:
        if (f[4] == to_string(failed_in::event)) {
          r.in = failed_in::event;
        } else if (f[4] == to_string(failed_in::poller)) {
          r.in = failed_in::poller;
        } else if (f[4] == to_string(failed_in::none)) {
          r.in = failed_in::none;
        } else {
          fail("IN: expected event, poller or none, got " + shown(f[4]));
        }
        r.id = number(f[5], "ID");
        r.name = name_index(f[6]);
        break;
      case kind::shutdown_request:
        break;
    }
    const std::string broken = causality_.admit(r);
    if (!broken.empty()) fail(broken);
    return r;
  }

  uint64_t event_id(std::string_view field) {
    const uint64_t id = number(field, "ID");
    if (id == 0) fail("ID: event ids start at 1");
    return id;
  }

  line_source lines_;
  trace_log& t_;
  uint64_t last_step_ = 0;
  trace::causality causality_;  // the rules, over the records in the order of the file
};

// Parses from `in`; on a defect sets *error to "line N: what was wrong" (a read error to
// "cannot read: why", with *read_failed set).
bool parse_from(byte_source& in, trace_log* out, std::string* error, bool* read_failed) {
  *out = trace_log{};
  try {
    // The parser holds a 64 KiB buffer: on the heap, so that callers' stacks stay small.
    auto p = std::make_unique<parser>(in, out);
    p->run();
  } catch (const bad_line& e) {
    *error = "line " + std::to_string(e.line) + ": " + e.what;
    *out = trace_log{};
    return false;
  } catch (const read_error& e) {
    *error = std::string("cannot read: ") + std::strerror(e.err);
    *read_failed = true;
    *out = trace_log{};
    return false;
  }
  return true;
}

}  // namespace

bool parse(std::string_view text, trace_log* out, std::string* error) {
  memory_source in(text);
  bool read_failed = false;
  return parse_from(in, out, error, &read_failed);
}

bool read_file(const std::string& path, trace_log* out, std::string* error) {
  // A directory opens like a file on Linux and then reads as nothing, which would be reported
  // as an empty (truncated) trace: say what it is instead.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = path + ": is a directory, not a trace file";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  // Read as it is parsed: the header is checked on the first line, and a line is refused as
  // soon as it is too long or holds a control character, so a huge or endless input that is
  // not a trace costs no more than one line.
  file_source in(f);
  std::string why;
  bool read_failed = false;
  const bool ok = parse_from(in, out, &why, &read_failed);
  std::fclose(f);
  if (!ok) {
    *error = read_failed ? path + ": " + why : path + ":" + why.substr(std::strlen("line "));
    return false;
  }
  return true;
}

}  // namespace lockstep::trace
