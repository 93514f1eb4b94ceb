#include "metrics/filter_eval.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "divert/metrics/synthetic_site.h"
#include "gtest/gtest.h"
#include "metrics/catalog_plan.h"
#include "metrics/demographics.h"
#include "metrics/site_facts.h"
#include "metrics/testing/fixture.h"

namespace divert::metrics {
namespace {

// Every filter of the LEAD catalog over a SYNTHETIC site: evaluated once
// per distinct combination of the fields it reads, its answers are those
// of evaluating it row by row.
TEST(EvaluateFilterTest, MemoizedAnswersAreThoseOfEvaluatingEveryRow) {
  v1::MetricRecords records;
  SyntheticSiteOptions options;
  options.referrals = 3000;
  GenerateSyntheticSite(options, &records);
  const int32_t start = DayNumber(testing::MakeDate(2024, 1, 1));
  const int32_t end = DayNumber(testing::MakeDate(2024, 12, 31));
  absl::StatusOr<std::unique_ptr<SiteFacts>> facts = FoldRecords(records, end);
  ASSERT_TRUE(facts.ok()) << facts.status();
  absl::StatusOr<std::unique_ptr<CatalogPlan>> plan =
      CatalogPlan::Compile(testing::LeadCatalog());
  ASSERT_TRUE(plan.ok()) << plan.status();

  int memoized = 0;
  for (const CompiledFilter& filter : (*plan)->filters()) {
    SCOPED_TRACE(filter.source);
    const FactTable& table = *(*facts)->Table(filter.kind);
    const RecordEnvironment& environment = (*plan)->environment(filter.kind);
    absl::StatusOr<std::vector<uint8_t>> mask =
        EvaluateFilter(filter, environment, table, start, end);
    CompiledFilter row_by_row = filter;
    row_by_row.memoizable = false;
    absl::StatusOr<std::vector<uint8_t>> expected =
        EvaluateFilter(row_by_row, environment, table, start, end);
    ASSERT_TRUE(mask.ok()) << mask.status();
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_EQ(mask->size(), table.rows());
    EXPECT_EQ(*mask, *expected);
    memoized += filter.memoizable;
  }
  // Most of the catalog's filters read a few fields of few values.
  EXPECT_GE(memoized, 20);
}

}  // namespace
}  // namespace divert::metrics
