// The causality rules (trace/causality.hpp) on hand-made records: each rule refuses what breaks
// it with its reason, and a refused record is not taken in.
#include <trace/causality.hpp>

#include <gtest/gtest.h>

namespace {

namespace lt = lockstep::trace;

lt::record rec(lt::kind k, uint64_t id, uint32_t core, uint32_t target = lt::outside) {
  lt::record r;
  r.kind = k;
  r.id = id;
  r.core = core;
  r.target = target;
  return r;
}

// Claim: allocate, call, run on the target core — each once — is admitted in that order.
TEST(TraceCausality, AdmitsAnEventsLifeInOrder) {
  lt::causality c;
  EXPECT_EQ(c.admit(rec(lt::kind::alloc, 1, 0, 1)), "");
  EXPECT_TRUE(c.allocated(1));
  EXPECT_FALSE(c.called(1));
  EXPECT_EQ(c.admit(rec(lt::kind::call, 1, 0, 1)), "");
  EXPECT_TRUE(c.called(1));
  EXPECT_EQ(c.admit(rec(lt::kind::exec, 1, 1)), "");
}

// Claim: each rule refuses the record that breaks it, says why, and does not take it in.
TEST(TraceCausality, RefusesWhatBreaksARuleAndSaysWhy) {
  lt::causality c;
  EXPECT_EQ(c.admit(rec(lt::kind::call, 7, 0, 1)), "event 7 is called but was never allocated");
  EXPECT_FALSE(c.called(7));
  EXPECT_EQ(c.admit(rec(lt::kind::exec, 7, 1)), "event 7 runs but was never called");
  ASSERT_EQ(c.admit(rec(lt::kind::alloc, 7, 0, 1)), "");
  EXPECT_EQ(c.admit(rec(lt::kind::alloc, 7, 0, 1)), "event 7 is allocated a second time");
  ASSERT_EQ(c.admit(rec(lt::kind::call, 7, 0, 1)), "");
  EXPECT_EQ(c.admit(rec(lt::kind::call, 7, 0, 1)), "event 7 is called a second time");
  EXPECT_EQ(c.admit(rec(lt::kind::exec, 7, 2)), "event 7 runs on core 2 but was called for core 1");
  ASSERT_EQ(c.admit(rec(lt::kind::exec, 7, 1)), "");
  EXPECT_EQ(c.admit(rec(lt::kind::exec, 7, 1)), "event 7 runs a second time");

  lt::record failed = rec(lt::kind::check_failed, 9, 0);
  failed.in = lt::failed_in::event;
  EXPECT_EQ(c.admit(failed), "the failing event 9 was never called");
  failed.in = lt::failed_in::poller;  // a poller's number, not an event id
  EXPECT_EQ(c.admit(failed), "");
}

}  // namespace
