// The trace reader: a good trace reads whole; truncated, wrong-version or garbage input is
// rejected with a message naming the line.
#include <trace/reader.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace lt = lockstep::trace;

std::string golden_text() {
  std::ifstream in(LOCKSTEP_TRACE_TEST_DATA "/ping_failed.trace", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string parse_error(const std::string& text) {
  lt::trace_log t;
  std::string error;
  EXPECT_FALSE(lt::parse(text, &t, &error)) << "accepted:\n" << text;
  return error;
}

// Replaces line `n` (1-based) of `text`.
std::string with_line(const std::string& text, size_t n, const std::string& line) {
  std::istringstream in(text);
  std::string out, l;
  for (size_t i = 1; std::getline(in, l); ++i) out += (i == n ? line : l) + "\n";
  return out;
}

TEST(TraceReader, ReadsTheGoldenTrace) {
  lt::trace_log t;
  std::string error;
  ASSERT_TRUE(lt::parse(golden_text(), &t, &error)) << error;
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.cores, 3u);
  EXPECT_EQ(t.outcome, "failed");
  EXPECT_EQ(t.steps, 12u);
  EXPECT_EQ(t.trace_hash, 0xa07ba4c4e6ceaf3eull);
  ASSERT_EQ(t.names.size(), 6u);
  EXPECT_EQ(t.names[3], "trace_test::send_result_to_origin");
  ASSERT_EQ(t.records.size(), 35u);
  const lt::record& first = t.records.front();
  EXPECT_EQ(first.kind, lt::kind::alloc);
  EXPECT_EQ(first.core, lt::outside);
  EXPECT_EQ(first.line, 13u);
  const lt::record& last = t.records.back();
  EXPECT_EQ(last.kind, lt::kind::check_failed);
  EXPECT_EQ(last.in, lt::failed_in::event);
  EXPECT_EQ(last.id, 10u);
  EXPECT_EQ(t.name_of(last), "trace_test::on_answer");
}

// Claim: every proper prefix of a trace is rejected, with an error that names a line of the
// prefix (or the one right after it).
TEST(TraceReader, EveryTruncationIsRejected) {
  const std::string text = golden_text();
  for (size_t len = 0; len < text.size(); ++len) {
    const std::string prefix = text.substr(0, len);
    const std::string error = parse_error(prefix);
    size_t lines = 1;
    for (char c : prefix) lines += c == '\n' ? 1 : 0;
    unsigned long line = 0;
    ASSERT_EQ(std::sscanf(error.c_str(), "line %lu: ", &line), 1) << error;
    EXPECT_GE(line, 1u) << error;
    EXPECT_LE(line, lines) << error;
    // Cut at a line end: the reader says the trace ended early.
    if (len > 0 && prefix.back() == '\n') {
      EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    }
  }
}

TEST(TraceReader, AnotherVersionIsRejectedByNumber) {
  EXPECT_EQ(parse_error(with_line(golden_text(), 1, "lockstep-trace 1")),
            "line 1: trace format version 1, but this reader reads version 2 only (write the "
            "trace again with this build)");
}

TEST(TraceReader, GarbageIsNotATrace) {
  EXPECT_EQ(parse_error("hello world\n"),
            "line 1: not a lockstep trace: expected 'lockstep-trace 2', got 'hello world'");
  EXPECT_EQ(parse_error(""), "line 1: the trace ends here, but the header 'lockstep-trace 2' "
                             "should follow (truncated trace?)");
  EXPECT_EQ(parse_error(std::string("\x7f" "ELF\x02\x01\x01\n", 8)),
            "line 1: not a lockstep trace: control character in the line (not a text trace?): "
            "'\\x7fELF\\x02\\x01\\x01'");
}

TEST(TraceReader, BadRecordsNameTheLineAndTheLayout) {
  const std::string text = golden_text();
  // Line 13 is the first record: "alloc 0 - 0 1 0 0 1".
  EXPECT_EQ(parse_error(with_line(text, 13, "alloc 0 - 0 1 0 0")),
            "line 13: expected 8 fields (alloc STEP CORE T_NS ID TARGET BY NAME), got 7");
  EXPECT_EQ(parse_error(with_line(text, 13, "launch 0 - 0 1 0 0 1")),
            "line 13: unknown record 'launch' (expected alloc, alloc_failed, call, exec, poller, "
            "timer, stop, shutdown_request or check_failed)");
  EXPECT_EQ(parse_error(with_line(text, 13, "alloc 0 - 0 1 7 0 1")),
            "line 13: TARGET: core 7 does not exist (the trace has 3 cores)");
  EXPECT_EQ(parse_error(with_line(text, 13, "alloc 0 - 0 1 0 0 9")),
            "line 13: NAME 9 is not in the names table (it has 5 names)");
  EXPECT_EQ(parse_error(with_line(text, 13, "alloc 0 - 0 1 0 0 x")),
            "line 13: NAME: expected an unsigned decimal number, got 'x'");
  // Line 14 calls event 1; calling an event never allocated is caught.
  EXPECT_EQ(parse_error(with_line(text, 14, "call 0 - 0 99 0 0")),
            "line 14: event 99 is called but was never allocated");
  // The header: a count that does not match what follows.
  EXPECT_EQ(parse_error(with_line(text, 12, "records 36")),
            "line 48: 'end' after 35 records, but the header announced 36 (records lost, or a "
            "wrong count)");
  EXPECT_EQ(parse_error(with_line(text, 12, "records 34")),
            "line 47: expected 'end' after 34 records, got 'check_failed 11 0 1000 event 10 4'");
}

TEST(TraceReader, ReadFileNamesThePath) {
  lt::trace_log t;
  std::string error;
  EXPECT_FALSE(lt::read_file("/nonexistent/x.trace", &t, &error));
  EXPECT_NE(error.find("/nonexistent/x.trace: cannot open"), std::string::npos) << error;
}

// A directory opens like a file and reads as nothing; it must not be reported as an empty,
// truncated trace.
TEST(TraceReader, ReadFileSaysADirectoryIsNotATrace) {
  lt::trace_log t;
  std::string error;
  EXPECT_FALSE(lt::read_file(LOCKSTEP_TRACE_TEST_DATA, &t, &error));
  EXPECT_EQ(error, LOCKSTEP_TRACE_TEST_DATA ": is a directory, not a trace file");
}

// Input that is not a trace is refused on its first line, whatever follows: a first line
// longer than the header could be, or one with a control character, ends the reading there.
TEST(TraceReader, GarbageIsRefusedWithinItsFirstLine) {
  EXPECT_EQ(parse_error(std::string(1 << 20, 'x')).substr(0, 56),
            "line 1: not a lockstep trace: line longer than 64 bytes ");
  EXPECT_EQ(parse_error(std::string(1, '\0')),
            "line 1: not a lockstep trace: control character in the line (not a text trace?): "
            "'\\x00'");
  // A header cut by a carriage return (a CRLF file) starts like a trace: said as it is.
  EXPECT_EQ(parse_error("lockstep-trace 2\r\n"),
            "line 1: control character in the line (not a text trace?): 'lockstep-trace 2\\x0d'");
}

// The limit holds for the lines after the header too (line_max): a line is never read past it.
TEST(TraceReader, ALineLongerThanTheLimitIsRefused) {
  const std::string text = "lockstep-trace 2\noptions " + std::string(lt::line_max, 'x') + "\n";
  const std::string error = parse_error(text);
  const std::string expected =
      "line 2: line longer than " + std::to_string(lt::line_max) + " bytes (not a text trace?): ";
  EXPECT_EQ(error.substr(0, expected.size()), expected);
}

}  // namespace
