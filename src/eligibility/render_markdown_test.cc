// The policy rendered as Markdown for the PCG.
#include "eligibility/render_markdown.h"

#include <string>

#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Newest() {
  auto md = testing::Example1()->RenderMarkdown();
  EXPECT_TRUE(md.ok()) << md.status();
  return md.ok() ? *md : "";
}

TEST(RenderMarkdownTest, TitleDatesAndChangeNote) {
  const std::string md = Newest();
  EXPECT_EQ(md.substr(0, md.find('\n')),
            "# Test City LEAD: eligibility policy, version 2024-2");
  EXPECT_THAT(md, HasSubstr("Approved by the Policy Coordinating Group on "
                            "2024-02-14; in force from 2024-03-01."));
  EXPECT_THAT(md, HasSubstr("## Change note\n\nAdds disorderly conduct; raises "
                            "the drug quantity to 2 grams."));
}

TEST(RenderMarkdownTest, RulesInPlainLanguageWithConditions) {
  const std::string md = Newest();
  EXPECT_THAT(md, HasSubstr("## Eligibility criteria\n"));
  EXPECT_THAT(md, HasSubstr("### Probable cause exists for a violent offense.\n\n"
                            "- Condition: `charge.violent`\n"
                            "- Checked for each charge; holds when it holds for "
                            "any charge.\n"
                            "- Applies to arrest diversions only.\n"
                            "- Rule id: `exclusion.violent`\n"));
  EXPECT_THAT(md, HasSubstr("- Holds when any one of these holds:\n"
                            "  - Alternative `misdemeanor`: Non-violent Penal "
                            "Law misdemeanor — `charge.statute_code.startsWith('PL ') "
                            "&& charge.level == OffenseLevel.MISDEMEANOR && "
                            "!charge.violent`\n"));
  EXPECT_THAT(md, HasSubstr("- Reviewed by the supervising agency.\n"));
  EXPECT_THAT(md, HasSubstr("- Source: LEAD Toolkit, Sample Policies V, Example 1, 1-3\n"));
}

TEST(RenderMarkdownTest, ParametersSettingsAndCatalog) {
  const std::string md = Newest();
  EXPECT_THAT(md, HasSubstr("| Name | Value | Unit | Description |\n"
                            "| --- | --- | --- | --- |\n"
                            "| `max_drug_grams` | 2.0 | grams | The site-specific "
                            "quantity of drugs |\n"));
  EXPECT_THAT(md, HasSubstr("- Intake deadline: 30 days from referral.\n"));
  EXPECT_THAT(md, HasSubstr("- Caseload per case manager: preferred 15, maximum 25.\n"));
  EXPECT_THAT(md, HasSubstr("### Felonies (2)\n"));
  EXPECT_THAT(md, HasSubstr("### Violations (1)\n"));
  EXPECT_THAT(md, HasSubstr("| `AC 10-125` **verify** | Consumption of alcohol in "
                            "public | public order |  |  |\n"));
  EXPECT_THAT(md, HasSubstr("| `PL 155.25` | Petit larceny | theft |  | Also "
                            "written PL 1552500. |\n"));
  EXPECT_LT(md.find("### Felonies"), md.find("### Misdemeanors"));
}

TEST(RenderMarkdownTest, WhatChangedFromThePreviousVersion) {
  const std::string md = Newest();
  EXPECT_THAT(md, HasSubstr("## What changed from version 2024-1\n\n"
                            "### Parameters changed\n\n"
                            "- `max_drug_grams`: 1.0 → 2.0\n\n"
                            "### Offense catalog changed\n\n"
                            "- Added: PL 240.20 Disorderly conduct\n"));
  auto first = testing::Example1()->RenderMarkdown("2024-1");
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(*first, HasSubstr("## What changed\n\nThis is the first version."));
  EXPECT_THAT(*first, HasSubstr("in force from 2024-01-01 until version 2024-2 "
                                "takes effect on 2024-03-01."));
  EXPECT_EQ(testing::Example1()->RenderMarkdown("1999").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(RenderMarkdownTest, EscapesMarkupInPolicyText) {
  EXPECT_EQ(EscapeMarkdown("a *b* _c_ [d](e) <f> | #1 & `g`"),
            "a \\*b\\* \\_c\\_ \\[d\\](e) \\<f\\> \\| \\#1 \\& \\`g\\`");
  EXPECT_EQ(EscapeMarkdown("two\nlines"), "two lines");
  EXPECT_EQ(MarkdownCodeSpan("a && b"), "`a && b`");
  EXPECT_EQ(MarkdownCodeSpan("x == `y`"), "`` x == `y` ``");
  EXPECT_EQ(MarkdownCodeSpan("a ``b`` c"), "```a ``b`` c```");

  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" site_name: "<script>alert(1)</script>"
    versions { version: "1" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
      parameters { name: "p" string_value: "a|b" }
      rules { id: "r" kind: CRITERION text: "1. *Bold* claim" condition: "p == 'a|b' || encounter.person.age > 1" } })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::string md = *(*policy)->RenderMarkdown();
  EXPECT_THAT(md, HasSubstr("# \\<script\\>alert(1)\\</script\\>"));
  EXPECT_THAT(md, HasSubstr("### 1\\. \\*Bold\\* claim"));
  EXPECT_THAT(md, HasSubstr("| `p` | \"a\\|b\" |")) << "a pipe cannot end the cell";
  EXPECT_THAT(md, HasSubstr("- Condition: `p == 'a|b' || encounter.person.age > 1`"))
      << "outside tables a code span keeps its pipes";
  EXPECT_THAT(md, Not(HasSubstr("<script>")));
}

}  // namespace
}  // namespace divert::eligibility
