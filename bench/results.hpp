// The figures of one benchmark run: per metric the samples of every repetition, reduced to
// min / median / max, and the same-run ratios against the baselines, printed as one JSON object
// or as a table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::bench {

struct metric {
  std::string key;        // the JSON key
  std::string unit;       // for the table
  bool higher_is_better;  // for the table
  std::vector<double> samples;  // one per repetition (after the warm-up)
  std::string note;       // why there are no samples, when there are none

  double min() const;
  double median() const;
  double max() const;
};

// A same-run ratio and the goal it is judged against (for the reader: never a test verdict).
struct ratio {
  std::string key;
  std::string numerator;
  std::string denominator;
  std::string goal;   // e.g. ">= 1.5"
  double value = 0;   // median / median; meaningless when !valid
  bool valid = false;
};

struct results {
  std::vector<metric> metrics;
  std::vector<ratio> ratios;
  uint32_t repetitions = 0;
  uint32_t warmups = 0;
  bool smoke = false;
  // /proc/loadavg when the measurements began and ended ("unknown" where there is none): on a
  // shared machine, how loaded it was.
  std::string loadavg_before = "unknown";
  std::string loadavg_after = "unknown";

  metric& add(const std::string& key, const std::string& unit, bool higher_is_better);
  const metric* find(const std::string& key) const;
  void add_ratio(const std::string& key, const std::string& numerator,
                 const std::string& denominator, const std::string& goal);
};

std::string to_json(const results& r);
// The first three fields of /proc/loadavg (1, 5, 15 minutes), or "unknown".
std::string read_loadavg();
std::string to_table(const results& r);

}  // namespace lockstep::bench
