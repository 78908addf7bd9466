#include "output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lockstep::trace {
namespace {

// Removes a partly written output. A device or FIFO named as the output (/dev/full, written as
// root) must never be unlinked, nor a symbolic link (which would go, not the file it names), so
// only a regular file named directly goes: lstat, which does not follow a link.
bool remove_partial(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::unlink(path.c_str()) == 0;
}

}  // namespace

bool write_file(const std::string& path, std::string_view data, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = "cannot create '" + path + "': " + std::strerror(errno);
    return false;
  }
  int failed_errno = 0;
  errno = 0;
  if (std::fwrite(data.data(), 1, data.size(), f) != data.size() || std::fflush(f) != 0)
    failed_errno = errno != 0 ? errno : EIO;
  // fclose can report what the buffered writes could not (a full disk, a quota).
  if (std::fclose(f) != 0 && failed_errno == 0) failed_errno = errno != 0 ? errno : EIO;
  if (failed_errno != 0) {
    const bool removed = remove_partial(path);
    *error = "cannot write '" + path + "': " + std::strerror(failed_errno) +
             (removed ? " (the incomplete file was removed)" : "");
    return false;
  }
  return true;
}

}  // namespace lockstep::trace
