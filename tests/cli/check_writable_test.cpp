// explore::check_writable answers whether --trace-out can be written, and leaves no trace of
// having asked.
#include <lockstep/explore.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace {

std::string scratch(const std::string& name) {
  return ::testing::TempDir() + "check_writable_" + std::to_string(::getpid()) + "_" + name;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

TEST(CheckWritable, ANewFileIsWritableAndNotLeftBehind) {
  const std::string path = scratch("new.trace");
  std::remove(path.c_str());
  std::string error;
  EXPECT_TRUE(lockstep::explore::check_writable(path, &error)) << error;
  EXPECT_FALSE(exists(path)) << "the check created a file and left it";
}

TEST(CheckWritable, AnExistingFileIsWritableAndUnchanged) {
  const std::string path = scratch("old.trace");
  { std::ofstream(path) << "what was there\n"; }
  std::string error;
  EXPECT_TRUE(lockstep::explore::check_writable(path, &error)) << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "what was there\n");
  std::remove(path.c_str());
}

TEST(CheckWritable, AMissingDirectoryOrADirectoryIsRefusedWithTheReason) {
  std::string error;
  EXPECT_FALSE(lockstep::explore::check_writable("/nonexistent-lockstep-dir/x.trace", &error));
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_NE(error.find("/nonexistent-lockstep-dir/x.trace"), std::string::npos) << error;
  EXPECT_FALSE(lockstep::explore::check_writable(::testing::TempDir(), &error));
  EXPECT_NE(error.find("directory"), std::string::npos) << error;
}

}  // namespace
