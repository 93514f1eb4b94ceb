// The synthetic site: deterministic, labelled, and a valid referral log.
#include "divert/metrics/synthetic_site.h"

#include <memory>
#include <string>

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

// The records of a synthetic site of `referrals` referrals.
v1::MetricRecords SiteOf(int referrals) {
  SyntheticSiteOptions options;
  options.referrals = referrals;
  v1::MetricRecords records;
  GenerateSyntheticSite(options, &records);
  return records;
}

const CompiledCatalog& ShippedCatalog() {
  static const auto* catalog =
      new std::shared_ptr<const CompiledCatalog>(*CompiledCatalog::Compile(testing::LeadCatalog()));
  return **catalog;
}

TEST(SyntheticSiteTest, TheWholeCatalogComputesOverIt) {
  const v1::MetricRecords records = SiteOf(3000);
  v1::MetricRequest request = testing::FirstQuarter2024(v1::PUBLISHED);
  request.add_breakdowns(v1::RACE_ETHNICITY);
  request.add_breakdowns(v1::GENDER);
  request.add_breakdowns(v1::PATHWAY);
  auto report = ShippedCatalog().Compute(records, request);
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

// A request for some metrics reads only their fields (and those of the
// metrics they are built from), so each metric computed alone must come
// out exactly as it does in the whole catalog's report.
TEST(SyntheticSiteTest, EachMetricAloneComesOutAsInTheWholeCatalog) {
  const v1::MetricRecords records = SiteOf(2000);
  v1::MetricRequest by_race = testing::FirstQuarter2024();
  for (v1::Breakdown b : {v1::RACE_ETHNICITY, v1::GENDER, v1::PATHWAY}) {
    by_race.add_breakdowns(b);
  }
  v1::MetricRequest published = testing::FirstQuarter2024(v1::PUBLISHED);
  for (v1::Breakdown b : {v1::AGE_GROUP, v1::CASE_MANAGER}) published.add_breakdowns(b);
  for (const v1::MetricRequest& request : {by_race, published}) {
    auto whole = ShippedCatalog().Compute(records, request);
    ASSERT_TRUE(whole.ok()) << whole.status();
    for (const v1::MetricResult& expected : whole->results()) {
      const std::string& id = expected.definition().id();
      v1::MetricRequest alone = request;
      alone.add_metric_ids(id);
      auto report = ShippedCatalog().Compute(records, alone);
      ASSERT_TRUE(report.ok()) << id << ": " << report.status();
      ASSERT_EQ(report->results_size(), 1) << id;
      // Serialized: a value may be NaN, which compares unequal to itself.
      EXPECT_EQ(report->results(0).SerializeAsString(), expected.SerializeAsString())
          << id << " by " << request.ShortDebugString();
    }
  }
}

}  // namespace
}  // namespace divert::metrics
