// The bug zoo: small programs with one planted bug each, for measuring how well the simulator's
// strategies find them (and for testing the exploration machinery itself: a zoo bug that stops
// being found is a broken explorer, not a fixed program).
//
// Each program runs on 4 simulated cores. run() executes it once with the given options and
// judges the run: an empty string when it ended cleanly, "planted: ..." when the planted bug
// showed, anything else for a failure that is not the planted one (a zoo defect).
#pragma once

#include <lockstep/sim.hpp>

#include <string>
#include <vector>

namespace zoo {

struct bug {
  const char* name;
  const char* planted;  // the bug, in one sentence
  // The fault settings the bug needs on top of the defaults (e.g. allocation failures).
  void (*configure)(lockstep::sim::options& opts);
  std::string (*run)(const lockstep::sim::options& opts, lockstep::sim::result* r);
};

const std::vector<bug>& bugs();
const bug* find(const std::string& name);  // nullptr when there is none by that name

// Options for running `b`: `base` with the bug's own settings applied.
lockstep::sim::options options_for(const bug& b, lockstep::sim::options base = {});

}  // namespace zoo
