// Compiling policies: every problem is found at once and reported with the
// version, the rule and the line:column in the condition.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// A one-version policy ("v1", in force from 2024-01-01) with a small
// catalog, and `body` (rules, parameters...) inside the version.
std::string OneVersion(absl::string_view body) {
  return absl::StrCat(R"pb(
    site_id: "test" time_zone: "America/New_York"
    versions {
      version: "v1"
      approved_on { year: 2023 month: 12 day: 1 }
      effective_from { year: 2024 month: 1 day: 1 }
      offense_catalog {
        offenses { code: "PL 155.25" aliases: "PL 1552500" level: MISDEMEANOR category: "theft" }
        offenses { code: "PL 120.00" level: MISDEMEANOR category: "assault" violent: true }
      }
  )pb", body, "\n}");
}

// The issues of compiling `text`, as strings.
std::vector<std::string> Issues(const std::string& text) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromTextFormat(text, &issues);
  std::vector<std::string> out;
  for (const PolicyIssue& issue : issues) out.push_back(issue.ToString());
  EXPECT_EQ(policy.ok(), out.empty()) << absl::StrJoin(out, "\n");
  return out;
}

TEST(PolicyCompilerTest, CompilesTheExamplePolicy) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromTextFormat(testing::kExample1Policy, &issues);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_THAT(issues, IsEmpty());
  EXPECT_EQ((*policy)->policy().versions_size(), 2);
}

TEST(PolicyCompilerTest, ReportsEveryProblemAtOnce) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromTextFormat(OneVersion(R"pb(
    rules { id: "a" kind: CRITERION condition: "encounter.person.age >" }
    rules { id: "b" kind: CRITERION condition: "encounter.person.age == 'old'" }
    rules { id: "c" kind: EXCLUSION condition: "encounter.circumstances.violnt" }
    rules { id: "d" kind: EXCLUSION condition: "encounter.person.age > max_age" }
    rules { id: "a" kind: CRITERION condition: "true" }
    rules { id: "e" kind: CRITERION }
    rules { id: "f" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.statute_code == 'PL 999.99'" }
  )pb"), &issues);
  EXPECT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> rules;
  for (const PolicyIssue& issue : issues) {
    EXPECT_EQ(issue.version, "v1");
    rules.push_back(issue.rule_id);
  }
  EXPECT_THAT(rules, UnorderedElementsAre("a", "b", "c", "d", "a", "e", "f"));
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr("the policy has 7 problems:"));
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr("version v1, rule f, 1:24: unknown offense code 'PL 999.99'"));
}

TEST(PolicyCompilerTest, CelProblemsCarryTheirPosition) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "typo" kind: EXCLUSION condition: "encounter.circumstances.violnt" }
    rules { id: "type" kind: CRITERION condition: "encounter.person.age == 'old'" }
    rules { id: "param" kind: EXCLUSION condition: "encounter.person.age > max_age" }
    rules { id: "syntax" kind: CRITERION condition: "encounter.person.age >" }
  )pb"));
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0], "version v1, rule typo, 1:24: undefined field 'violnt'");
  EXPECT_THAT(issues[1], HasSubstr("version v1, rule type, 1:22: "));
  EXPECT_THAT(issues[2], HasSubstr("version v1, rule param, 1:24: "
                                   "undeclared reference to 'max_age'"));
  EXPECT_THAT(issues[3], HasSubstr("version v1, rule syntax, 1:"));
}

TEST(PolicyCompilerTest, UnknownOffenseCodes) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "eq" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.statute_code == 'PL 155.25' || charge.statute_code != 'PL 999.99'" }
    rules { id: "rev" kind: EXCLUSION scope: EACH_CHARGE condition: "'PL 888.88' == charge.statute_code" }
    rules { id: "in" kind: EXCLUSION condition: "encounter.charges.exists(c, c.statute_code in ['PL 120.00', 'PL 777.77'])" }
    rules { id: "alias" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.statute_code == 'PL 1552500'" }
    rules { id: "prefix" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.statute_code.startsWith('XX')" }
  )pb"));
  EXPECT_THAT(issues,
              ElementsAre("version v1, rule eq, 1:62: unknown offense code 'PL 999.99'",
                          "version v1, rule rev, 1:1: unknown offense code 'PL 888.88'",
                          "version v1, rule in, 1:61: unknown offense code 'PL 777.77'",
                          "version v1, rule alias, 1:24: offense code 'PL 1552500' is "
                          "written 'PL 155.25' in the catalog; write it that way"));
}

TEST(PolicyCompilerTest, UnknownOffenseCategories) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "cat" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.offense_category in ['theft', 'thft']" }
    rules { id: "ok" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.offense_category == 'assault'" }
  )pb"));
  EXPECT_THAT(issues, ElementsAre("version v1, rule cat, 1:38: unknown offense "
                                  "category 'thft'"));
}

TEST(PolicyCompilerTest, VersionWithoutCatalogChecksNoCodes) {
  const auto issues = Issues(R"pb(
    site_id: "test"
    versions {
      version: "v1" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "x" kind: EXCLUSION scope: EACH_CHARGE condition: "charge.statute_code == 'PL 999.99'" }
    })pb");
  EXPECT_THAT(issues, IsEmpty());
}

TEST(PolicyCompilerTest, ChargeIsOnlyForEachChargeRules) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "x" kind: EXCLUSION condition: "charge.violent" }
    rules { id: "ok" kind: EXCLUSION condition: "encounter.charges.exists(charge, charge.violent)" }
  )pb"));
  EXPECT_THAT(issues, ElementsAre("version v1, rule x, 1:1: 'charge' is only "
                                  "defined in rules with scope EACH_CHARGE; use "
                                  "encounter.charges here"));
}

TEST(PolicyCompilerTest, ConditionMustBeBool) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "x" kind: CRITERION condition: "encounter.person.age + 1" }
  )pb"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0], HasSubstr("the condition must be a bool, not int"));
}

TEST(PolicyCompilerTest, RuleShapeProblems) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "no_kind" condition: "true" }
    rules { id: "empty" kind: CRITERION }
    rules { id: "both" kind: CRITERION condition: "true" any_of { id: "a" condition: "true" } }
    rules { id: "reviewer" kind: CRITERION condition: "true" review_by: PROSECUTOR }
    rules { id: "alts" kind: CRITERION any_of { condition: "true" } any_of { id: "x" condition: "true" } any_of { id: "x" } }
    rules { kind: CRITERION condition: "true" }
    rules { id: "trigger" kind: REVIEW_TRIGGER condition: "true" }
  )pb"));
  EXPECT_THAT(
      issues,
      ElementsAre(
          "version v1, rule no_kind, has no kind: CRITERION, EXCLUSION or REVIEW_TRIGGER",
          "version v1, rule empty, has no condition and no alternatives (any_of)",
          "version v1, rule both, has both a condition and alternatives (any_of): give one",
          "version v1, rule reviewer, names a reviewer (review_by) but is not a REVIEW_TRIGGER",
          "version v1, rule alts/1, alternative 1 (counting from 1) has no id",
          "version v1, rule alts/x, the alternative id 'x' is used twice in this rule",
          "version v1, rule alts/x, alternative has no condition",
          "version v1, rule 6 (counting from 1) has no id"))
      << "a review trigger without a reviewer is fine: the OWG reviews";
}

TEST(PolicyCompilerTest, DuplicateRuleIds) {
  const auto issues = Issues(OneVersion(R"pb(
    rules { id: "x" kind: CRITERION condition: "true" }
    rules { id: "x" kind: EXCLUSION condition: "false" }
  )pb"));
  EXPECT_THAT(issues, ElementsAre("version v1, rule x, the rule id is used "
                                  "twice in this version"));
}

TEST(PolicyCompilerTest, ParameterProblems) {
  const auto issues = Issues(OneVersion(R"pb(
    parameters { name: "ok" int_value: 3 }
    parameters { name: "ok" int_value: 4 }
    parameters { name: "encounter" bool_value: true }
    parameters { name: "2fast" double_value: 1 }
    parameters { name: "in" string_value: "x" }
    parameters { name: "empty" }
    rules { id: "r" kind: CRITERION condition: "ok > 2" }
  )pb"));
  EXPECT_THAT(issues,
              ElementsAre("version v1, parameter 'ok' is defined twice",
                          "version v1, parameter 'encounter' would hide the "
                          "variable of the same name",
                          "version v1, parameter 4 (counting from 1): '2fast' is "
                          "not a name of letters, digits and underscores",
                          "version v1, parameter 'in' is a reserved word in CEL",
                          "version v1, parameter 'empty' has no value"));
}

TEST(PolicyCompilerTest, ParametersHaveTheirTypes) {
  const auto issues = Issues(OneVersion(R"pb(
    parameters { name: "grams" double_value: 1.5 }
    parameters { name: "label" string_value: "x" }
    rules { id: "r" kind: CRITERION condition: "grams > label" }
  )pb"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0], HasSubstr("rule r, 1:"));
}

TEST(PolicyCompilerTest, CatalogProblems) {
  const auto issues = Issues(R"pb(
    site_id: "test"
    versions {
      version: "v1" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
      offense_catalog {
        offenses { code: "PL 1" }
        offenses { code: "pl  1" }
        offenses { code: "" }
      }
    })pb");
  EXPECT_THAT(issues,
              ElementsAre("version v1, offense code 'pl  1' names two catalog "
                          "entries ('PL 1' and 'pl  1')",
                          "version v1, offense catalog entry 3 has an empty "
                          "code or alias"));
}

std::string TwoVersions(absl::string_view first, absl::string_view second) {
  return absl::StrCat("site_id: \"test\"\nversions { ", first,
                      " }\nversions { ", second, " }");
}

TEST(PolicyCompilerTest, VersionsMustFollowOneAnother) {
  EXPECT_THAT(
      Issues(TwoVersions(
          R"pb(version: "a" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 3 day: 1 })pb",
          R"pb(version: "a" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 3 day: 1 })pb")),
      ElementsAre("version a, the label 'a' is used by two versions",
                  "version a, takes effect on 2024-03-01, the same day as "
                  "version 'a': two versions would be in force at once"));
  EXPECT_THAT(
      Issues(TwoVersions(
          R"pb(version: "a" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 3 day: 1 })pb",
          R"pb(version: "b" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 2 day: 1 })pb")),
      ElementsAre("version b, takes effect on 2024-02-01, before version 'a' "
                  "listed above it (2024-03-01): list versions oldest first"));
}

TEST(PolicyCompilerTest, VersionDates) {
  EXPECT_THAT(
      Issues(TwoVersions(
          R"pb(version: "a" approved_on { year: 2024 month: 2 day: 30 } effective_from { year: 2024 month: 3 day: 1 })pb",
          R"pb(version: "b" approved_on { year: 2024 month: 5 day: 2 } effective_from { year: 2024 month: 5 day: 1 })pb")),
      ElementsAre("version a, approved_on 2024-02-30 is not a valid date",
                  "version b, approved on 2024-05-02, after it takes effect on "
                  "2024-05-01"));
  EXPECT_THAT(Issues(R"pb(site_id: "t" versions { version: "a" })pb"),
              ElementsAre("version a, approved_on is missing",
                          "version a, effective_from is missing"));
  EXPECT_THAT(Issues(R"pb(site_id: "t")pb"),
              ElementsAre("the policy has no versions"));
  EXPECT_THAT(
      Issues(R"pb(site_id: "t" versions { approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 } })pb"),
      ElementsAre("version 1 (counting from 1) has no label"));
}

TEST(PolicyCompilerTest, UnknownTimeZone) {
  EXPECT_THAT(
      Issues(R"pb(site_id: "t" time_zone: "Mars/Olympus_Mons"
                  versions { version: "a" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 } })pb"),
      ElementsAre("unknown time zone 'Mars/Olympus_Mons': use an IANA name "
                  "such as America/New_York"));
}

TEST(PolicyCompilerTest, IssuesFormatWithWhateverTheyHave) {
  EXPECT_EQ((PolicyIssue{"2024-2", "exclusion.violent", 1, 12, "m"}).ToString(),
            "version 2024-2, rule exclusion.violent, 1:12: m");
  EXPECT_EQ((PolicyIssue{"", "", 3, 4, "m"}).ToString(), "3:4: m");
  EXPECT_EQ((PolicyIssue{"", "", 0, 0, "m"}).ToString(), "m");
}

}  // namespace
}  // namespace divert::eligibility
