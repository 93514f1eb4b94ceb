#include "eligibility/decision_id.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

TEST(EligibilityDecisionIdTest, HashIsPinnedAcrossReleasesAndMachines) {
  // Decision ids are stored by records systems; a change of these values
  // changes every id ever issued and must not happen by accident.
  EXPECT_EQ(StableHash64(""), 0x1eceecea870713a4ULL);
  EXPECT_EQ(StableHash64("a"), 0xe0d822086408bbbaULL);
  EXPECT_EQ(StableHash64("the quick brown fox"), 0xa30c9486ca8e642eULL);
}

TEST(EligibilityDecisionIdTest, EveryByteAndEveryLengthCounts) {
  std::set<uint64_t> seen;
  std::string text;
  for (int length = 0; length <= 40; ++length) {
    EXPECT_TRUE(seen.insert(StableHash64(text)).second) << length;
    for (int at = 0; at < length; ++at) {
      std::string changed = text;
      changed[at] ^= 1;
      EXPECT_TRUE(seen.insert(StableHash64(changed)).second)
          << "length " << length << ", byte " << at;
    }
    text.push_back('\0');  // Zero bytes: a tail padded with zeros differs.
  }
}

TEST(EligibilityDecisionIdTest, PiecesAreKeptApart) {
  EXPECT_NE(StableHash64("c", StableHash64("ab")),
            StableHash64("bc", StableHash64("a")));
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
