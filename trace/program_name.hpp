// The name a recording gives the program that made it (lockstep/recording.hpp).
#pragma once

#include <string>

namespace lockstep::trace {

// The basename of /proc/self/exe, or empty when it cannot be read.
std::string program_name();

}  // namespace lockstep::trace
