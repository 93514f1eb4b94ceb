// The synthetic site: deterministic, labelled, and a valid referral log.
#include "divert/metrics/synthetic_site.h"

#include "divert/metrics/metrics.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"

namespace divert::metrics {
namespace {

TEST(SyntheticSiteTest, IsLabelledSyntheticAndDeterministic) {
  SyntheticSiteOptions options;
  options.referrals = 300;
  v1::MetricRecords a, b;
  GenerateSyntheticSite(options, &a);
  GenerateSyntheticSite(options, &b);
  EXPECT_TRUE(a.synthetic());
  EXPECT_NE(a.site().find("SYNTHETIC"), std::string::npos);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(a.subjects_size(), 300);
  EXPECT_GT(a.events_size(), 300 * 5);
  options.seed = 2;
  GenerateSyntheticSite(options, &b);
  EXPECT_NE(a.SerializeAsString(), b.SerializeAsString());
}

TEST(SyntheticSiteTest, ObeysEveryRuleOfTheReferralLifeCycle) {
  SyntheticSiteOptions options;
  options.referrals = 2000;
  v1::MetricRecords records;
  GenerateSyntheticSite(options, &records);
  auto rules = LifecycleRules::Create(records.settings(), records.time_zone());
  ASSERT_TRUE(rules.ok()) << rules.status();
  Referrals referrals(*rules);
  const absl::Status appended = referrals.AppendBatch(std::vector<v1::ReferralEvent>(
      records.events().begin(), records.events().end()));
  EXPECT_TRUE(appended.ok()) << appended;
  EXPECT_EQ(referrals.size(), 2000u);
}

TEST(SyntheticSiteTest, TheWholeCatalogComputesOverIt) {
  SyntheticSiteOptions options;
  options.referrals = 3000;
  v1::MetricRecords records;
  GenerateSyntheticSite(options, &records);
  auto catalog = CompiledCatalog::Compile(testing::LeadCatalog());
  ASSERT_TRUE(catalog.ok());
  v1::MetricRequest request;
  *request.mutable_period()->mutable_start() = testing::MakeDate(2024, 1, 1);
  *request.mutable_period()->mutable_end() = testing::MakeDate(2024, 3, 31);
  request.add_breakdowns(v1::RACE_ETHNICITY);
  request.add_breakdowns(v1::GENDER);
  request.add_breakdowns(v1::PATHWAY);
  auto report = (*catalog)->Compute(records, request);
  ASSERT_TRUE(report.ok()) << report.status();
  int small_totals = 0;
  for (const v1::MetricResult& result : report->results()) {
    SCOPED_TRACE(result.definition().id());
    if (result.total().suppression() == v1::SMALL_CELL) ++small_totals;
    for (const v1::MetricCell& cell : result.cells()) {
      // What is published about people describes at least 11 of them.
      if (cell.value().suppression() == v1::NOT_SUPPRESSED &&
          result.definition().kind() == v1::COUNT &&
          result.definition().records() != v1::MEETINGS) {
        EXPECT_GE(cell.value().records(), 11);
      }
    }
  }
  // A quarter of a site of 3,000 referrals over two years: nearly every
  // total is large enough to publish (filed charges are rare).
  EXPECT_LE(small_totals, 3);
}

}  // namespace
}  // namespace divert::metrics
