// Fixture: lookups in an unordered set are fine, and so is a member called rand.
// #include <random> in a comment does not count.
#include <unordered_set>

struct source {
  int (*rand)();
};

std::unordered_set<int> seen_;

bool has(int v) { return seen_.find(v) != seen_.end(); }
int pick(source& s) { return s.rand() + (std::this_thread::get_id() == std::thread::id{} ? 1 : 0); }  // BAD: thread id
