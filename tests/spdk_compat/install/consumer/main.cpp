// Runs hello_start (C) in the simulator through an installed lockstep::spdk_compat.
#include <lockstep/spdk_compat.hpp>

#include <cstdio>

extern "C" void hello_start(void* ctx);

int main() {
  lockstep::sim::options o;
  o.cores = 3;
  const auto r = lockstep::spdk_compat::run_sim(o, hello_start, nullptr);
  std::printf("outcome=%s rc=%d\n", lockstep::sim::to_string(r.outcome), r.rc);
  return r.outcome == lockstep::sim::outcome::stopped && r.rc == 5 ? 0 : 1;
}
