#include "eligibility/policy_diff.h"

#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using testing::ParseText;

TEST(PolicyDiffTest, TheExampleVersionChange) {
  const v1::SitePolicy policy = ParseText<v1::SitePolicy>(testing::kExample1Policy);
  const PolicyDiff diff = DiffVersions(policy.versions(0), policy.versions(1));
  EXPECT_TRUE(diff.rules_added.empty());
  EXPECT_TRUE(diff.rules_removed.empty());
  EXPECT_TRUE(diff.rules_changed.empty());
  ASSERT_EQ(diff.parameters.size(), 1u);
  EXPECT_EQ(diff.parameters[0].name, "max_drug_grams");
  EXPECT_EQ(diff.parameters[0].before, "1.0");
  EXPECT_EQ(diff.parameters[0].after, "2.0");
  ASSERT_EQ(diff.offenses_added.size(), 1u);
  EXPECT_EQ(diff.offenses_added[0]->code(), "PL 240.20");
  EXPECT_TRUE(diff.offenses_removed.empty());
  EXPECT_TRUE(diff.settings.empty());
  EXPECT_FALSE(diff.empty());
}

TEST(PolicyDiffTest, RulesParametersOffensesAndSettings) {
  const v1::PolicyVersion before = ParseText<v1::PolicyVersion>(R"pb(
    offense_catalog {
      offenses { code: "PL 1" description: "One" level: MISDEMEANOR }
      offenses { code: "PL 2" description: "Two" }
    }
    parameters { name: "gone" int_value: 1 }
    parameters { name: "same" string_value: "x" }
    rules { id: "kept" kind: CRITERION text: "Kept." condition: "true" }
    rules { id: "changed" kind: CRITERION text: "Old." condition: "true" }
    rules { id: "alts" kind: CRITERION any_of { id: "a" condition: "true" } }
    rules { id: "removed" kind: EXCLUSION condition: "false" }
    program { intake_deadline_days: 30 referral_sources { name: "NYPD" } }
  )pb");
  const v1::PolicyVersion after = ParseText<v1::PolicyVersion>(R"pb(
    offense_catalog {
      offenses { code: "pl 1" description: "One" level: FELONY violent: true }
      offenses { code: "PL 3" }
    }
    parameters { name: "same" string_value: "x" }
    parameters { name: "new" bool_value: true }
    rules { id: "added" kind: REVIEW_TRIGGER condition: "true" }
    rules { id: "kept" kind: CRITERION text: "Kept." condition: "true" }
    rules { id: "changed" kind: EXCLUSION text: "New." condition: "false" pathways: SOCIAL_CONTACT }
    rules { id: "alts" kind: CRITERION any_of { id: "a" condition: "false" } }
    program { intake_deadline_days: 7 referral_sources { name: "NYPD" } }
  )pb");
  const PolicyDiff diff = DiffVersions(before, after);
  ASSERT_EQ(diff.rules_added.size(), 1u);
  EXPECT_EQ(diff.rules_added[0]->id(), "added");
  ASSERT_EQ(diff.rules_removed.size(), 1u);
  EXPECT_EQ(diff.rules_removed[0]->id(), "removed");
  ASSERT_EQ(diff.rules_changed.size(), 2u);
  EXPECT_EQ(diff.rules_changed[0].after->id(), "changed");
  EXPECT_THAT(diff.rules_changed[0].aspects,
              ElementsAre("text", "condition", "kind", "pathways"));
  EXPECT_THAT(diff.rules_changed[1].aspects, ElementsAre("condition"));
  ASSERT_EQ(diff.parameters.size(), 2u);
  EXPECT_EQ(diff.parameters[0].name, "new");
  EXPECT_EQ(diff.parameters[0].before, "");
  EXPECT_EQ(diff.parameters[1].name, "gone");
  EXPECT_EQ(diff.parameters[1].after, "");
  ASSERT_EQ(diff.offenses_changed.size(), 1u);
  EXPECT_THAT(diff.offenses_changed[0].fields, ElementsAre("level", "violent"))
      << "codes match ignoring case; the spelling is not a change";
  ASSERT_EQ(diff.offenses_added.size(), 1u);
  EXPECT_EQ(diff.offenses_added[0]->code(), "PL 3");
  ASSERT_EQ(diff.offenses_removed.size(), 1u);
  EXPECT_EQ(diff.offenses_removed[0]->code(), "PL 2");
  ASSERT_EQ(diff.settings.size(), 1u);
  EXPECT_EQ(diff.settings[0].name, "intake_deadline_days");
  EXPECT_EQ(diff.settings[0].before, "30");
  EXPECT_EQ(diff.settings[0].after, "7");
}

TEST(PolicyDiffTest, ValueAndConditionTexts) {
  v1::Parameter p;
  p.set_double_value(2);
  EXPECT_EQ(ParameterValueText(p), "2.0");
  p.set_double_value(0.25);
  EXPECT_EQ(ParameterValueText(p), "0.25");
  p.set_string_value("a");
  EXPECT_EQ(ParameterValueText(p), "\"a\"");
  p.set_int_value(-3);
  EXPECT_EQ(ParameterValueText(p), "-3");
  EXPECT_EQ(ParameterValueText(v1::Parameter()), "");
  const v1::Rule rule = ParseText<v1::Rule>(
      R"pb(any_of { condition: "a" } any_of { condition: "b || c" })pb");
  EXPECT_EQ(ConditionText(rule), "(a) || (b || c)");
}

}  // namespace
}  // namespace divert::eligibility
