// The fidelity check against LEAD's non-negotiables.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using Finding = v1::FidelityFinding;

// "SEVERITY code [rule] section" for each finding.
std::vector<std::string> Findings(const v1::FidelityReport& report) {
  std::vector<std::string> out;
  for (const Finding& f : report.findings()) {
    std::string s = absl::StrCat(Finding::Severity_Name(f.severity()), " ", f.code());
    if (!f.rule_id().empty()) absl::StrAppend(&s, " [", f.rule_id(), "]");
    absl::StrAppend(&s, " ", f.toolkit_section());
    out.push_back(s);
  }
  return out;
}

v1::FidelityReport Check(const std::string& version_body) {
  auto policy = CompiledPolicy::FromTextFormat(absl::StrCat(R"pb(
    site_id: "f"
    versions { version: "v1" approved_on { year: 2024 month: 1 day: 1 }
               effective_from { year: 2024 month: 1 day: 1 } )pb",
                                                            version_body, "}"));
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? (*policy)->CheckFidelity() : v1::FidelityReport();
}

TEST(FidelityTest, TheExamplePolicyOnlyHasCatalogNotes) {
  const v1::FidelityReport report = testing::Example1()->CheckFidelity();
  EXPECT_EQ(report.site_id(), "nyc-test");
  EXPECT_THAT(Findings(report),
              ElementsAre("NOTE catalog_needs_verification IV.B",
                          "NOTE catalog_needs_verification IV.B"));
  EXPECT_EQ(report.findings(0).policy_version(), "2024-1");
  EXPECT_EQ(report.findings(1).policy_version(), "2024-2");
  EXPECT_EQ(report.findings(0).message(),
            "1 offense catalog entry is marked for verification");
}

TEST(FidelityTest, AnEmptyVersionMissesSettingsAndReviewPaths) {
  EXPECT_THAT(Findings(Check("")),
              UnorderedElementsAre("WARNING no_review_for_supervision V",
                                   "WARNING no_review_for_warrants V",
                                   "VIOLATION intake_deadline_missing VI",
                                   "WARNING extensions_not_allowed VI",
                                   "NOTE caseload_not_set IX",
                                   "NOTE no_social_contact_referral_source IV.A"));
}

constexpr char kReviewRules[] = R"pb(
  rules { id: "review.supervision" kind: REVIEW_TRIGGER condition: "encounter.circumstances.on_supervision" }
  rules { id: "review.warrants" kind: REVIEW_TRIGGER condition: "has(encounter.circumstances.outstanding_warrants) && encounter.circumstances.outstanding_warrants" }
)pb";

constexpr char kGoodSettings[] = R"pb(
  program { intake_deadline_days: 30 preferred_caseload: 15 maximum_caseload: 25
            extensions { allowed: true }
            referral_sources { name: "Outreach" pathways: SOCIAL_CONTACT } }
)pb";

TEST(FidelityTest, AFaithfulVersionHasNoFindings) {
  EXPECT_TRUE(Check(absl::StrCat(kReviewRules, kGoodSettings)).findings().empty());
}

TEST(FidelityTest, NonNegotiablesAreViolations) {
  const v1::FidelityReport report = Check(absl::StrCat(kReviewRules, R"pb(
    program { intake_deadline_days: 45 preferred_caseload: 20 maximum_caseload: 30
              participation_time_limit_days: 365 requires_abstinence: true
              mandates_treatment: true holds_charge_in_abeyance: true }
  )pb"));
  EXPECT_THAT(Findings(report),
              UnorderedElementsAre("VIOLATION intake_deadline_too_long VI",
                                   "WARNING extensions_not_allowed VI",
                                   "VIOLATION maximum_caseload_too_high IX",
                                   "WARNING preferred_caseload_high IX",
                                   "VIOLATION participation_time_limit III.G",
                                   "VIOLATION requires_abstinence III.G",
                                   "VIOLATION mandates_treatment III.G",
                                   "VIOLATION charge_held_in_abeyance III.G",
                                   "NOTE no_social_contact_referral_source IV.A"));
}

TEST(FidelityTest, RulesThatBreakThePrinciples) {
  const v1::FidelityReport report = Check(absl::StrCat(kReviewRules, kGoodSettings, R"pb(
    rules { id: "x.social" kind: EXCLUSION condition: "encounter.circumstances.imminent_danger"
            pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
    rules { id: "x.arrest" kind: EXCLUSION condition: "encounter.circumstances.imminent_danger" }
    rules { id: "c.race" kind: CRITERION condition: "!(RaceEthnicity.WHITE in encounter.person.race_ethnicity)" }
    rules { id: "c.gender" kind: EXCLUSION condition: "encounter.person.gender.exists(g, g == Gender.MAN)" }
    rules { id: "r.race" kind: REVIEW_TRIGGER condition: "encounter.person.race_ethnicity.size() > 1" }
  )pb"));
  EXPECT_THAT(Findings(report),
              UnorderedElementsAre(
                  "VIOLATION exclusion_applies_to_social_contact [x.social] IV.A",
                  "VIOLATION rule_reads_race_or_gender [c.race] III",
                  "VIOLATION rule_reads_race_or_gender [c.gender] III"))
      << "a review trigger may read race (e.g. to watch for disparities)";
}

TEST(FidelityTest, ReviewPathsMustBeReviewTriggers) {
  const v1::FidelityReport report = Check(R"pb(
    rules { id: "x" kind: EXCLUSION condition: "encounter.circumstances.on_supervision || encounter.circumstances.outstanding_warrants" }
    program { intake_deadline_days: 7 maximum_caseload: 25 extensions { allowed: true }
              referral_sources { name: "Police" pathways: SOCIAL_CONTACT } }
  )pb");
  EXPECT_THAT(Findings(report),
              UnorderedElementsAre("WARNING no_review_for_supervision V",
                                   "WARNING no_review_for_warrants V"));
  EXPECT_EQ(report.findings(0).message(),
            "no path to review for people on supervision: no review trigger "
            "reads circumstances.on_supervision");
}

}  // namespace
}  // namespace divert::eligibility
