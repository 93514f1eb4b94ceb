#include "eligibility/decision_id.h"

#include <string>

#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

TEST(EligibilityDecisionIdTest, Fnv1aMatchesPublishedVectors) {
  // From the FNV reference test suite (64-bit FNV-1a).
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_EQ(Fnv1a64("bar", Fnv1a64("foo")), Fnv1a64("foobar"))
      << "hashing continues across pieces";
}

TEST(EligibilityDecisionIdTest, IdDependsOnSiteVersionAndEncounter) {
  v1::Encounter e;
  e.set_encounter_id("e1");
  std::string buffer, a, b, c, d;
  MakeDecisionId("site", "v1", e, &buffer, &a);
  MakeDecisionId("site", "v1", e, &buffer, &b);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a.substr(0, 4), "dec-");
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 4), std::string::npos);
  MakeDecisionId("sitev", "1", e, &buffer, &c);
  EXPECT_NE(a, c) << "site and version are kept apart";
  e.set_encounter_id("e2");
  MakeDecisionId("site", "v1", e, &buffer, &d);
  EXPECT_NE(a, d);
}

}  // namespace
}  // namespace divert::eligibility
