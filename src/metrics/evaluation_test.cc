// Re-arrest against a comparison group, on the fixture (worked by hand) and
// on the synthetic site.
#include "divert/metrics/evaluation.h"

#include <cmath>

#include "divert/metrics/synthetic_site.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"

namespace divert::metrics {
namespace {

v1::EvaluationRequest FirstQuarter2024(int min_group_size) {
  v1::EvaluationRequest request;
  *request.mutable_window()->mutable_start() = testing::MakeDate(2024, 1, 1);
  *request.mutable_window()->mutable_end() = testing::MakeDate(2024, 3, 31);
  request.set_min_group_size(min_group_size);
  return request;
}

TEST(EvaluationTest, SmallGroupsAreTooSmallToReport) {
  auto e = EvaluateRearrest(testing::FixtureSite(), FirstQuarter2024(0));
  ASSERT_TRUE(e.ok()) << e.status();
  // Participants p01, p03, p04; comparison p09, p10.
  EXPECT_EQ(e->participants().people(), 3);
  EXPECT_EQ(e->comparison().people(), 2);
  EXPECT_FALSE(e->reportable());
  EXPECT_TRUE(e->participants().too_small());
  EXPECT_EQ(e->participants().rearrested(), 0);
  EXPECT_EQ(e->odds_ratio(), 0);
  ASSERT_EQ(e->notes_size(), 2);
  EXPECT_EQ(e->notes(0),
            "the participants (3 people) is too small to report: at least 11 "
            "are needed");
  EXPECT_EQ(e->request().follow_up_days(), 365);
}

TEST(EvaluationTest, OddsRatioWithAZeroCellByHand) {
  auto e = EvaluateRearrest(testing::FixtureSite(), FirstQuarter2024(1));
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(e->reportable());
  // p01 re-arrested 20 Feb (1 of 3); p09 on 3 Mar and p10 on 1 Mar (2 of 2).
  EXPECT_EQ(e->participants().rearrested(), 1);
  EXPECT_EQ(e->comparison().rearrested(), 2);
  EXPECT_NEAR(e->participants().rate(), 1.0 / 3, 1e-12);
  // With 0.5 added: (1.5 x 0.5) / (2.5 x 2.5) = 0.12.
  EXPECT_NEAR(e->odds_ratio(), 0.12, 1e-12);
  const double se = std::sqrt(1 / 1.5 + 1 / 2.5 + 1 / 2.5 + 1 / 0.5);
  EXPECT_NEAR(e->odds_ratio_ci_low(), std::exp(std::log(0.12) - 1.959963984540054 * se), 1e-12);
  EXPECT_NEAR(e->odds_ratio_ci_high(), std::exp(std::log(0.12) + 1.959963984540054 * se), 1e-12);
  EXPECT_NEAR(e->odds_reduction(), 0.88, 1e-12);
  EXPECT_NEAR(e->rate_reduction(), 2.0 / 3, 1e-12);
  ASSERT_EQ(e->notes_size(), 1);
}

TEST(EvaluationTest, TheSyntheticSiteIsReportable) {
  SyntheticSiteOptions options;
  options.referrals = 4000;
  v1::MetricRecords records;
  GenerateSyntheticSite(options, &records);
  auto e = EvaluateRearrest(records, FirstQuarter2024(0));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->reportable());
  EXPECT_GT(e->participants().people(), 100);
  EXPECT_GT(e->comparison().people(), 100);
  EXPECT_LT(e->odds_ratio_ci_low(), e->odds_ratio());
  EXPECT_GT(e->odds_ratio_ci_high(), e->odds_ratio());
}

TEST(EvaluationTest, RefusesABadWindow) {
  v1::EvaluationRequest request = FirstQuarter2024(0);
  *request.mutable_window()->mutable_end() = testing::MakeDate(2023, 1, 1);
  EXPECT_EQ(EvaluateRearrest(testing::FixtureSite(), request).status().message(),
            "window: end is before start");
}

}  // namespace
}  // namespace divert::metrics
