// trace_viz's stages on the golden trace: the DOT text (pinned by a reviewed golden file), the
// slices, Graphviz's acceptance of every output, SVG/PNG rendering, and the Perfetto JSON.
#include "json_checker.hpp"

#include <causal_graph.hpp>
#include <dot_writer.hpp>
#include <json_writer.hpp>
#include <output_file.hpp>
#include <render.hpp>
#include <trace/reader.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

namespace lt = lockstep::trace;

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

lt::trace_log golden_trace() {
  lt::trace_log t;
  std::string error;
  EXPECT_TRUE(lt::read_file(LOCKSTEP_TRACE_TEST_DATA "/ping_failed.trace", &t, &error)) << error;
  return t;
}

std::set<std::string> ids(const lt::graph& g, bool with_cuts = false) {
  std::set<std::string> out;
  for (const lt::node& n : g.nodes)
    if (with_cuts || n.kind != lt::node_kind::cut) out.insert(n.id);
  return out;
}

// The golden DOT (data/ping_failed.dot) was written once by trace_viz and reviewed by hand
// against data/ping_failed.trace: the start event s0 sends register_retry to cores 1 and 2 and
// four send_result_to_origin events (#4..#7, alternating cores 1 and 2); the allocations of the
// answers for #4 (step 6) and #7 (step 3) fail, #5 and #6 are answered at steps 4 and 8 on core
// 0; core 2's retry poller (step 10) resends #7's answer as event #10, whose on_answer trips
// the check at step 11. Node ids come from step numbers (s<step>, f<step>_<k>, o<event>), so
// they are stable; nodes appear in trace order within each core's cluster, sends in call order.
TEST(TraceViz, DotMatchesTheReviewedGolden) {
  const lt::graph g = lt::build_graph(golden_trace(), {});
  EXPECT_EQ(lt::to_dot(g), file_text(LOCKSTEP_TRACE_TEST_DATA "/ping_failed.dot"));
}

TEST(TraceViz, TheFailureIsTheCheckFailedStep) {
  const lt::graph g = lt::build_graph(golden_trace(), {});
  ASSERT_NE(g.failure, SIZE_MAX);
  EXPECT_EQ(g.nodes[g.failure].id, "s11");
  EXPECT_EQ(g.nodes[g.failure].kind, lt::node_kind::failed_check);
  EXPECT_EQ(g.nodes[g.failure].name, "trace_test::on_answer");
  // Poller runs that sent nothing are left out unless asked for: none here, so equal.
  EXPECT_EQ(lt::build_graph(golden_trace(), {true}).nodes.size(), g.nodes.size());
}

// data/ping_shutdown.trace: the shutdown request arrives at step 7 (core 0's clock 631 ns), runs
// at step 11 and stops the app; events #6 and #8, queued for core 1, are dropped.
TEST(TraceViz, ShutdownStopAndDroppedEventsAreDrawn) {
  lt::trace_log t;
  std::string error;
  ASSERT_TRUE(lt::read_file(LOCKSTEP_TRACE_TEST_DATA "/ping_shutdown.trace", &t, &error)) << error;
  const lt::graph g = lt::build_graph(t, {});
  auto find = [&g](const std::string& id) -> const lt::node* {
    for (const lt::node& n : g.nodes)
      if (n.id == id) return &n;
    return nullptr;
  };
  const lt::node* request = find("o13");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->kind, lt::node_kind::external);
  EXPECT_EQ(request->name, "shutdown request");
  EXPECT_EQ(request->start_ns, 631u);
  ASSERT_NE(find("x11"), nullptr);
  EXPECT_EQ(find("x11")->kind, lt::node_kind::stop);
  for (const char* id : {"q6", "q8"}) {
    ASSERT_NE(find(id), nullptr) << id;
    EXPECT_EQ(find(id)->kind, lt::node_kind::never_ran);
    EXPECT_EQ(find(id)->core, 1u);
    EXPECT_EQ(find(id)->name, "trace_test::send_result_to_origin");
  }
  EXPECT_EQ(g.failure, SIZE_MAX);
  ASSERT_TRUE(lt::graphviz_accepts(lt::to_dot(g), &error)) << error;
}

TEST(TraceViz, ACutSendToAnEventThatNeverRanSaysSo) {
  lt::trace_log t;
  std::string error;
  ASSERT_TRUE(lt::read_file(LOCKSTEP_TRACE_TEST_DATA "/ping_shutdown.trace", &t, &error)) << error;
  const lt::graph g = lt::build_graph(t, {});
  lt::slice_options o;
  // The causal past of the last step reaches back to the start event, which called #6 and #8;
  // they never ran, so they are not in anyone's past: the sends to them are cut.
  o.causal = true;
  std::string note;
  size_t never_ran_stubs = 0;
  for (const lt::node& n : lt::slice_graph(g, o, &note).nodes)
    never_ran_stubs += n.kind == lt::node_kind::cut && n.detail == "to core 1: never ran";
  EXPECT_EQ(never_ran_stubs, 2u);
}

TEST(TraceViz, CausalSliceKeepsExactlyThePastOfTheFailure) {
  const lt::graph g = lt::build_graph(golden_trace(), {});
  lt::slice_options o;
  o.causal = true;
  std::string note;
  // Everything but core 1's retry poller run (step 9) and its allocation failure: they come
  // after core 1's last send towards the failure (s7 -> s8) and send nothing the failure saw.
  std::set<std::string> want = ids(g);
  want.erase("s9");
  want.erase("f9_0");
  EXPECT_EQ(ids(lt::slice_graph(g, o, &note)), want);
  EXPECT_EQ(note, "causal past of the failure");
  // One hop: the failure, its predecessor on core 0, and its sender.
  o.depth = 1;
  const lt::graph one = lt::slice_graph(g, o, &note);
  EXPECT_EQ(ids(one), (std::set<std::string>{"s8", "s10", "s11"}));
  // The send s7 -> s8 is cut and ends in one stub; s10 (a timer) has no sender, and cut program
  // order needs no stub.
  EXPECT_EQ(ids(one, true).size(), 4u);
}

TEST(TraceViz, AroundSliceKeepsTheWindowAndStubsCutSends) {
  const lt::graph g = lt::build_graph(golden_trace(), {});
  lt::slice_options o;
  o.around = true;
  o.around_step = 6;
  o.radius = 1;
  std::string note;
  const lt::graph w = lt::slice_graph(g, o, &note);
  EXPECT_EQ(note, "steps 5..7");
  EXPECT_EQ(ids(w), (std::set<std::string>{"s5", "s6", "f6_0", "s7"}));
  // s0 -> s5, s0 -> s6, s0 -> s7 come from outside the window, s7 -> s8 leaves it.
  EXPECT_EQ(ids(w, true).size(), 8u);
  size_t stubs_from_s0 = 0;
  for (const lt::node& n : w.nodes)
    stubs_from_s0 += n.kind == lt::node_kind::cut && n.detail == "from core 0, step 0";
  EXPECT_EQ(stubs_from_s0, 3u);
}

// Claim: Graphviz reads every DOT text trace_viz makes of the golden trace, whatever the slice.
TEST(TraceViz, GraphvizAcceptsEveryOutput) {
  const lt::trace_log t = golden_trace();
  std::string error;
  for (bool all_pollers : {false, true}) {
    const lt::graph g = lt::build_graph(t, {all_pollers});
    ASSERT_TRUE(lt::graphviz_accepts(lt::to_dot(g), &error)) << error;
    for (uint64_t step = 0; step <= t.steps; ++step) {
      for (uint64_t radius : {0, 1, 3}) {
        lt::slice_options o;
        o.around = true;
        o.around_step = step;
        o.radius = radius;
        std::string note;
        ASSERT_TRUE(lt::graphviz_accepts(lt::to_dot(lt::slice_graph(g, o, &note)), &error))
            << error;
      }
    }
    for (uint64_t depth : {0, 1, 2, 5, 100}) {
      lt::slice_options o;
      o.causal = true;
      o.depth = depth;
      std::string note;
      ASSERT_TRUE(lt::graphviz_accepts(lt::to_dot(lt::slice_graph(g, o, &note)), &error))
          << error;
    }
  }
  // And the check itself can fail.
  EXPECT_FALSE(lt::graphviz_accepts("digraph { a -> }", &error));
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("lockstep_trace_viz_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(TraceViz, SvgAndPngRender) {
  const std::string dot = lt::to_dot(lt::build_graph(golden_trace(), {}));
  std::string error;
  const std::string svg = temp_path("g.svg");
  ASSERT_TRUE(lt::render(dot, "svg", svg, &error)) << error;
  const std::string svg_text = file_text(svg);
  EXPECT_NE(svg_text.find("<svg"), std::string::npos);
  EXPECT_NE(svg_text.find("CHECK FAILED in trace_test::on_answer"), std::string::npos);
  EXPECT_NE(svg_text.find("core 2"), std::string::npos);
  const std::string png = temp_path("g.png");
  ASSERT_TRUE(lt::render(dot, "png", png, &error)) << error;
  const std::string png_bytes = file_text(png);
  ASSERT_GT(png_bytes.size(), 1000u);
  EXPECT_EQ(png_bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::filesystem::remove(svg);
  std::filesystem::remove(png);
}

// Graphviz's own file output reports success for a path it cannot create; render must not.
TEST(TraceViz, RenderFailsForAFileItCannotCreate) {
  const std::string dot = lt::to_dot(lt::build_graph(golden_trace(), {}));
  const std::string dir = temp_path("missing_dir");
  for (const char* format : {"svg", "png"}) {
    const std::string path = dir + "/g." + format;
    std::string error;
    EXPECT_FALSE(lt::render(dot, format, path, &error)) << format;
    EXPECT_NE(error.find("cannot create '" + path + "'"), std::string::npos) << error;
    EXPECT_FALSE(std::filesystem::exists(path)) << path;
  }
}

// Lowers the file size limit for one scope so that writes past it fail with EFBIG (SIGXFSZ
// ignored, which would otherwise end the process), and puts both back after.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit low = saved_;
    low.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &low) == 0;
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = SIG_DFL;
  bool ok_ = false;
};

// A drawing that cannot be written completely is reported, and what was written is removed:
// no half a drawing is left that looks like a finished one.
TEST(TraceViz, RenderRemovesADrawingItCouldNotFinish) {
  const std::string dot = lt::to_dot(lt::build_graph(golden_trace(), {}));
  std::string drawing, error;
  ASSERT_TRUE(lt::render_to_memory(dot, "svg", &drawing, &error)) << error;
  ASSERT_GT(drawing.size(), 2000u);
  const std::string path = temp_path("cut.svg");
  {
    file_size_limit limit(1000);
    ASSERT_TRUE(limit.ok());
    EXPECT_FALSE(lt::render(dot, "svg", path, &error));
  }
  EXPECT_NE(error.find("cannot write '" + path + "'"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(path)) << path;
}

// A device as the output, named through a symbolic link of the test's own: the failure is
// reported, and neither the link nor the device goes (trace_viz may run as root, where removing
// either would succeed). Were the partial-file removal ever to take either, it takes the link
// in the test's directory, never /dev/full itself, which the test never names as an output.
TEST(TraceViz, WriteFileReportsAFullDeviceAndKeepsIt) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string link = temp_path("full_device_link");
  std::filesystem::remove(link);
  std::filesystem::create_symlink("/dev/full", link);
  std::string error;
  EXPECT_FALSE(lt::write_file(link, std::string(100000, 'x'), &error));
  EXPECT_NE(error.find("cannot write '" + link + "'"), std::string::npos) << error;
  EXPECT_EQ(error.find("removed"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/full"));
  std::filesystem::remove(link);
}

// A symbolic link to a regular file whose write fails part way is kept: removing the link would
// lose it and leave the partial file it names in place all the same.
TEST(TraceViz, WriteFileKeepsASymbolicLinkItCouldNotFinish) {
  const std::string target = temp_path("link_target.txt");
  const std::string link = temp_path("link_to_target.txt");
  std::filesystem::remove(link);
  { std::ofstream(target) << "old"; }
  std::filesystem::create_symlink(target, link);
  std::string error;
  {
    file_size_limit limit(1000);
    ASSERT_TRUE(limit.ok());
    EXPECT_FALSE(lt::write_file(link, std::string(100000, 'x'), &error));
  }
  EXPECT_NE(error.find("cannot write '" + link + "'"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::is_symlink(link)) << error;
  std::filesystem::remove(link);
  std::filesystem::remove(target);
}

TEST(TraceViz, WriteFileWritesEveryByte) {
  const std::string path = temp_path("bytes.txt");
  const std::string data = std::string("a\0b", 3) + std::string(70000, 'z');
  std::string error;
  ASSERT_TRUE(lt::write_file(path, data, &error)) << error;
  EXPECT_EQ(file_text(path), data);
  std::filesystem::remove(path);
}

TEST(TraceViz, PerfettoJsonParsesWithATrackPerCoreAndAFlowPerSend) {
  const lt::trace_log t = golden_trace();
  const std::string json = lt::to_chrome_json(t);
  trace_test::json_checker j(json);
  ASSERT_TRUE(j.valid()) << json;
  // 9 exec + 2 timer runs + the failed step as complete slices.
  EXPECT_EQ(j.phases.count("X"), 12u);
  // Sends from a core: every call but the start event's (from outside): 9 flows.
  EXPECT_EQ(j.phases.count("s"), 9u);
  EXPECT_EQ(j.phases.count("f"), 9u);
  // One process name, then a name and a sort index for each of 3 cores and "outside".
  EXPECT_EQ(j.phases.count("M"), 1u + 2u * 4u);
  // 3 allocation failures and the failed check as instants.
  EXPECT_EQ(j.phases.count("i"), 4u);
  EXPECT_NE(json.find("\"name\":\"core 2\""), std::string::npos);
  // The checker itself rejects broken JSON.
  trace_test::json_checker bad(json.substr(0, json.size() / 2));
  EXPECT_FALSE(bad.valid());
}

TEST(TraceViz, EscapingKeepsQuotesAndBackslashesInside) {
  EXPECT_EQ(lt::dot_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(lt::json_escape("a\"b\\c\x01"), "a\\\"b\\\\c\\u0001");
}

}  // namespace
