// Fixture for tests/lint/tidy_test.py: each marked line breaks a determinism rule.
// Mentions in comments do not count: rand() <random> time(nullptr)
#include <chrono>  // BAD: chrono
#include <random>  // BAD: random
#include <unordered_map>

namespace fixture {

const char* text = "rand() and time(nullptr) in a string do not count";
std::unordered_map<int, int> table_;

int draw() { return rand(); }  // BAD: rand

long now() { return time(nullptr); }  // BAD: time

int sum() {
  int s = 0;
  for (const auto& kv : table_) s += kv.second;  // BAD: iterates
  return s + (table_.begin() == table_.end() ? 0 : 1);  // BAD: begin
}

int lookup(int k) { return table_.count(k) != 0 ? table_.at(k) : 0; }  // fine: a lookup

}  // namespace fixture
