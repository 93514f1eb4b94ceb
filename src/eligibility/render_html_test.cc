// The policy rendered as a standalone HTML page.
#include "eligibility/render_html.h"

#include <string>

#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(RenderHtmlTest, IsAStandalonePage) {
  auto html = testing::Example1()->RenderHtml();
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(*html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_THAT(*html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(*html, HasSubstr("<title>Test City LEAD: eligibility policy, "
                               "version 2024-2</title>"));
  EXPECT_THAT(*html, HasSubstr("<style>"));
  EXPECT_THAT(*html, HasSubstr("<h1>Test City LEAD: eligibility policy, "
                               "version 2024-2</h1>"));
  EXPECT_THAT(*html, HasSubstr("<h2>What changed from version 2024-1</h2>"));
  EXPECT_THAT(*html, HasSubstr("<tr><td><code>AC 10-125</code> <strong>verify"
                               "</strong></td><td>Consumption of alcohol in "
                               "public</td>"));
  EXPECT_THAT(*html, HasSubstr("</body>\n</html>\n"));
}

TEST(RenderHtmlTest, AlternativesNestInsideTheirRule) {
  const std::string html = *testing::Example1()->RenderHtml();
  EXPECT_THAT(html, HasSubstr("<li>Holds when any one of these holds:\n<ul>\n"
                              "<li>Alternative <code>misdemeanor</code>"));
  EXPECT_THAT(html, HasSubstr("!charge.violent</code></li>\n</ul></li>\n"
                              "<li>Checked for each charge"));
}

TEST(RenderHtmlTest, EscapesEverything) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" site_name: "<script>alert(1)</script>"
    versions { version: "1" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "r" kind: CRITERION text: "Age > 1 & <b>" condition: "encounter.person.age > 1 && true" } })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::string html = *(*policy)->RenderHtml();
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("<title>&lt;script&gt;alert(1)&lt;/script&gt;: "));
  EXPECT_THAT(html, HasSubstr("<h3>Age &gt; 1 &amp; &lt;b&gt;</h3>"));
  EXPECT_THAT(html, HasSubstr("<code>encounter.person.age &gt; 1 &amp;&amp; true</code>"));
}

}  // namespace
}  // namespace divert::eligibility
