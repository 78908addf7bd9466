// Replays the reader's fuzz corpus (and the hand-made bad traces) through the fuzz target in
// every build, one test per input: no crash, no sanitizer report, and every rejection names a
// line of the input (the target aborts otherwise).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> inputs() {
  std::vector<std::string> out;
  for (const char* dir : {LOCKSTEP_FUZZ_CORPUS, LOCKSTEP_BAD_TRACES})
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename() != "expected.txt")
        out.push_back(e.path().string());
  std::sort(out.begin(), out.end());  // a stable test order
  return out;
}

class FuzzCorpus : public testing::TestWithParam<std::string> {};

TEST_P(FuzzCorpus, ReaderAndGraphStagesSurvive) {
  std::ifstream in(GetParam(), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string bytes = s.str();
  EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
            0);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param).filename().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Inputs, FuzzCorpus, testing::ValuesIn(inputs()), test_name);

}  // namespace
