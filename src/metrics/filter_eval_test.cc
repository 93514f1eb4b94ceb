#include "metrics/filter_eval.h"

#include <cstdint>
#include <memory>
#include <optional>
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
  int by_slots = 0;
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

    // A filter of one field, evaluated once per slot of the field's
    // values, holds for the same rows.
    if (!filter.memoizable || filter.fields.size() != 1) continue;
    std::optional<FieldSlots> slots =
        SlotsOf(table, filter.fields[0], filter.presence_only[0]);
    ASSERT_TRUE(slots.has_value());
    absl::StatusOr<std::vector<uint8_t>> holds =
        EvaluateFilterBySlot(filter, environment, table, start, end, *slots);
    ASSERT_TRUE(holds.ok()) << holds.status();
    ASSERT_EQ(holds->size(), slots->first_row.size());
    std::vector<uint8_t> by_slot;
    for (uint16_t slot : slots->slot) by_slot.push_back((*holds)[slot]);
    EXPECT_EQ(by_slot, *expected);
    ++by_slots;
  }
  // Most of the catalog's filters read a few fields of few values, and
  // many one field.
  EXPECT_GE(memoized, 20);
  EXPECT_GE(by_slots, 10);
}

// Each row's slot of a field's value, and each slot's first row.
TEST(SlotsOfTest, GivesEachRowItsValuesSlotAndEachSlotItsFirstRow) {
  FactTable table(v1::EventFacts::descriptor());
  table.AddRows(6);
  const int kind = table.FieldIndex("kind");
  const int32_t kinds[] = {3, 1, 3, 0, 1, 3};
  for (size_t row = 0; row < 6; ++row) table.Set(row, kind, kinds[row]);
  std::optional<FieldSlots> slots = SlotsOf(table, kind, /*presence_only=*/false);
  ASSERT_TRUE(slots.has_value());
  EXPECT_EQ(slots->slot, (std::vector<uint16_t>{3, 1, 3, 0, 1, 3}));
  ASSERT_GE(slots->first_row.size(), 4u);
  EXPECT_EQ(slots->first_row[0], 3u);
  EXPECT_EQ(slots->first_row[1], 1u);
  EXPECT_EQ(slots->first_row[2], FieldSlots::kNoRow);
  EXPECT_EQ(slots->first_row[3], 0u);

  // Whether the day is set: slot 1 when it is.
  const int day = table.FieldIndex("day");
  table.Set(4, day, 7);
  std::optional<FieldSlots> set = SlotsOf(table, day, /*presence_only=*/true);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->slot, (std::vector<uint16_t>{0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(set->first_row, (std::vector<uint32_t>{0, 4}));
}

}  // namespace
}  // namespace divert::metrics
