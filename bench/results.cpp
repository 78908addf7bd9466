#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lockstep::bench {
namespace {

std::vector<double> sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Readable magnitudes for the table: 12.3M, 45.6k, 78.9.
std::string human(double v) {
  char buf[64];
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3gG", v / 1e9);
  } else if (std::fabs(v) >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (std::fabs(v) >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

}  // namespace

std::string read_loadavg() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "unknown";
  double a = 0, b = 0, c = 0;
  const int got = std::fscanf(f, "%lf %lf %lf", &a, &b, &c);
  std::fclose(f);
  if (got != 3) return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", a, b, c);
  return buf;
}

double metric::min() const { return samples.empty() ? NAN : sorted(samples).front(); }
double metric::max() const { return samples.empty() ? NAN : sorted(samples).back(); }
double metric::median() const {
  if (samples.empty()) return NAN;
  const std::vector<double> s = sorted(samples);
  const size_t n = s.size();
  return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

metric& results::add(const std::string& key, const std::string& unit, bool higher_is_better) {
  metrics.push_back(metric{key, unit, higher_is_better, {}, {}});
  return metrics.back();
}

const metric* results::find(const std::string& key) const {
  for (const metric& m : metrics)
    if (m.key == key) return &m;
  return nullptr;
}

void results::add_ratio(const std::string& key, const std::string& numerator,
                        const std::string& denominator, const std::string& goal) {
  ratio q{key, numerator, denominator, goal, NAN, false};
  const metric* n = find(numerator);
  const metric* d = find(denominator);
  if (n != nullptr && d != nullptr && !n->samples.empty() && !d->samples.empty() &&
      d->median() > 0) {
    q.value = n->median() / d->median();
    q.valid = true;
  }
  ratios.push_back(q);
}

std::string to_json(const results& r) {
  std::string out = "{\n";
  for (const metric& m : r.metrics) out += "  " + quoted(m.key) + ": " + number(m.median()) + ",\n";
  out += "  \"ratios\": {";
  for (size_t i = 0; i < r.ratios.size(); ++i) {
    const ratio& q = r.ratios[i];
    out += std::string(i == 0 ? "\n" : ",\n") + "    " + quoted(q.key) + ": {\"value\": " +
           (q.valid ? number(q.value) : "null") + ", \"of\": " +
           quoted(q.numerator + " / " + q.denominator) + ", \"goal\": " + quoted(q.goal) + "}";
  }
  out += "\n  },\n  \"spread\": {";
  for (size_t i = 0; i < r.metrics.size(); ++i) {
    const metric& m = r.metrics[i];
    out += std::string(i == 0 ? "\n" : ",\n") + "    " + quoted(m.key) + ": {\"min\": " +
           number(m.min()) + ", \"median\": " + number(m.median()) + ", \"max\": " +
           number(m.max()) + ", \"samples\": " + std::to_string(m.samples.size()) + "}";
  }
  out += "\n  },\n  \"notes\": {";
  bool first = true;
  for (const metric& m : r.metrics) {
    if (m.note.empty()) continue;
    out += std::string(first ? "\n" : ",\n") + "    " + quoted(m.key) + ": " + quoted(m.note);
    first = false;
  }
  out += std::string(first ? "" : "\n  ") + "},\n";
  out += "  \"repetitions\": " + std::to_string(r.repetitions) + ",\n";
  out += "  \"warmups\": " + std::to_string(r.warmups) + ",\n";
  out += "  \"loadavg_before\": " + quoted(r.loadavg_before) + ",\n";
  out += "  \"loadavg_after\": " + quoted(r.loadavg_after) + ",\n";
  out += std::string("  \"smoke\": ") + (r.smoke ? "true" : "false") + "\n}\n";
  return out;
}

std::string to_table(const results& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-42s %10s %10s %10s  %s\n", "metric", "min", "median", "max",
                "unit");
  out += line;
  for (const metric& m : r.metrics) {
    if (m.samples.empty()) {
      std::snprintf(line, sizeof line, "%-42s %10s %10s %10s  %s  (%s)\n", m.key.c_str(), "-", "-",
                    "-", m.unit.c_str(), m.note.c_str());
    } else {
      std::snprintf(line, sizeof line, "%-42s %10s %10s %10s  %s (%s)\n", m.key.c_str(),
                    human(m.min()).c_str(), human(m.median()).c_str(), human(m.max()).c_str(),
                    m.unit.c_str(), m.higher_is_better ? "higher is better" : "lower is better");
    }
    out += line;
  }
  out += "\nsame-run ratios (median / median):\n";
  for (const ratio& q : r.ratios) {
    std::snprintf(line, sizeof line, "  %-34s %8s   goal %-10s %s / %s\n", q.key.c_str(),
                  q.valid ? number(q.value).c_str() : "-", q.goal.c_str(), q.numerator.c_str(),
                  q.denominator.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "\n%u repetitions after %u warm-up%s%s\n", r.repetitions,
                r.warmups, r.warmups == 1 ? "" : "s", r.smoke ? " (smoke: tiny counts)" : "");
  out += line;
  out += "load average before: " + r.loadavg_before + ", after: " + r.loadavg_after + "\n";
  return out;
}

}  // namespace lockstep::bench
