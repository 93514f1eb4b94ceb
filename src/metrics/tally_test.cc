#include "metrics/tally.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

// A period of days 100..130 and rows whose days fall around it.
constexpr int32_t kStart = 100;
constexpr int32_t kEnd = 130;

struct Rows {
  std::vector<int32_t> date, ended, from, value;
  std::vector<uint8_t> condition;
  std::vector<uint32_t> cell;

  static Rows Random(size_t n, size_t cells, uint32_t seed) {
    std::mt19937 rng(seed);
    auto day = [&]() {
      return rng() % 8 == 0 ? kNone : static_cast<int32_t>(80 + rng() % 70);
    };
    Rows rows;
    for (size_t i = 0; i < n; ++i) {
      rows.date.push_back(day());
      rows.ended.push_back(day());
      rows.from.push_back(day());
      rows.value.push_back(rng() % 6 == 0 ? kNone : static_cast<int32_t>(rng() % 1000) - 100);
      rows.condition.push_back(rng() % 3 == 0);
      rows.cell.push_back(static_cast<uint32_t>(rng() % cells));
    }
    return rows;
  }
};

// The rule, one row at a time, as the catalog's documentation says it.
bool Counts(const TimeTest& t, const Rows& rows, size_t row) {
  const int32_t day = rows.date[row];
  switch (t.rule) {
    case v1::TimeRule::AS_OF_END: {
      if (day == kNone || day > t.period_end) return false;
      if (t.ended.data == nullptr) return true;
      const int32_t ended = rows.ended[row];
      return ended == kNone || ended > t.period_end;
    }
    case v1::TimeRule::WITHIN_DAYS: {
      const int32_t first = rows.from[row];
      if (first == kNone || first < t.period_start || first > t.period_end) return false;
      return day != kNone && day >= first && day - first <= t.days;
    }
    default:
      return day != kNone && day >= t.period_start && day <= t.period_end;
  }
}

TallyResult Expected(const TallyRequest& q, const Rows& rows) {
  TallyResult out;
  out.records.assign(q.cells, 0);
  out.numerator.assign(q.cells, 0);
  out.sum.assign(q.cells, 0);
  for (size_t i = 0; i < q.row_count; ++i) {
    const size_t row = q.rows != nullptr ? q.rows[i] : i;
    if (!Counts(q.time, rows, row)) continue;
    const uint32_t cell = q.cell_of != nullptr ? rows.cell[row] : 0;
    if (q.tally != Tally::kRecords && rows.value[row] == kNone) continue;
    if (q.tally == Tally::kValues) {
      out.values.emplace_back(cell, rows.value[row]);
      continue;
    }
    ++out.records[cell];
    if (q.condition != nullptr && rows.condition[row]) ++out.numerator[cell];
    if (q.tally == Tally::kSum) out.sum[cell] += rows.value[row];
  }
  return out;
}

TEST(TallyTest, CountsWhatTheRulesSayForEveryRuleTallyAndShape) {
  constexpr size_t kRows = 5000;
  constexpr size_t kCells = 7;
  const Rows rows = Rows::Random(kRows, kCells, 17);
  std::vector<uint32_t> visited;
  for (uint32_t row = 0; row < kRows; row += 1 + row % 3) visited.push_back(row);

  for (v1::TimeRule::Kind rule :
       {v1::TimeRule::KIND_UNSPECIFIED, v1::TimeRule::WITHIN_PERIOD,
        v1::TimeRule::AS_OF_END, v1::TimeRule::WITHIN_DAYS}) {
    for (bool ended : {false, true}) {
      for (Tally tally : {Tally::kRecords, Tally::kSum, Tally::kValues}) {
        for (bool condition : {false, true}) {
          for (bool cells : {false, true}) {
            for (bool some_rows : {false, true}) {
              TallyRequest q;
              q.time.rule = rule;
              q.time.date.data = rows.date.data();
              if (ended) q.time.ended.data = rows.ended.data();
              q.time.from.data = rows.from.data();
              q.time.days = 9;
              q.time.period_start = kStart;
              q.time.period_end = kEnd;
              q.tally = tally;
              q.value.data = rows.value.data();
              q.condition = condition ? rows.condition.data() : nullptr;
              q.cell_of = cells ? rows.cell.data() : nullptr;
              q.cells = cells ? kCells : 1;
              q.rows = some_rows ? visited.data() : nullptr;
              q.row_count = some_rows ? visited.size() : kRows;

              const TallyResult got = TallyRows(q);
              const TallyResult want = Expected(q, rows);
              SCOPED_TRACE(testing::Message()
                           << "rule " << rule << " ended " << ended << " tally "
                           << static_cast<int>(tally) << " condition " << condition
                           << " cells " << cells << " some rows " << some_rows);
              if (tally == Tally::kValues) {
                EXPECT_EQ(got.values, want.values);
                EXPECT_FALSE(want.values.empty());
                continue;
              }
              EXPECT_EQ(got.records, want.records);
              EXPECT_EQ(got.numerator, want.numerator);
              EXPECT_EQ(got.sum, want.sum);
              EXPECT_GT(want.records[0], 0);
            }
          }
        }
      }
    }
  }
}

TEST(TallyTest, ReadsDaysThroughAJoinedColumn) {
  // Each row's date is its parent's (an event's referral day).
  const std::vector<int32_t> parent_days = {kStart - 1, kStart, kEnd, kEnd + 1};
  const std::vector<uint32_t> parent_of = {0, 1, 1, 2, 3, 2};
  TallyRequest q;
  q.time.date.data = parent_days.data();
  q.time.date.via = parent_of.data();
  q.time.period_start = kStart;
  q.time.period_end = kEnd;
  q.row_count = parent_of.size();
  EXPECT_EQ(TallyRows(q).records, std::vector<int64_t>{4});
}

// Cells read through a row index give what the cells copied row by row
// give (an event's cell is its referral's).
TEST(TallyTest, ReadsCellsThroughAJoinedIndex) {
  constexpr size_t kRows = 3000;
  constexpr size_t kCells = 5;
  const Rows rows = Rows::Random(kRows, kCells, 23);
  const std::vector<uint32_t> parent_cells = {4, 0, 2, 3, 1, 2, 0};
  std::vector<uint32_t> parent_of(kRows), copied(kRows);
  for (size_t row = 0; row < kRows; ++row) {
    parent_of[row] = static_cast<uint32_t>((row * 7919) % parent_cells.size());
    copied[row] = parent_cells[parent_of[row]];
  }
  for (Tally tally : {Tally::kRecords, Tally::kValues}) {
    TallyRequest q;
    q.time.date.data = rows.date.data();
    q.time.period_start = kStart;
    q.time.period_end = kEnd;
    q.tally = tally;
    q.value.data = rows.value.data();
    q.condition = rows.condition.data();
    q.cells = kCells;
    q.row_count = kRows;
    q.cell_of = copied.data();
    const TallyResult want = TallyRows(q);
    q.cell_of = parent_cells.data();
    q.cell_via = parent_of.data();
    const TallyResult got = TallyRows(q);
    EXPECT_EQ(got.records, want.records);
    EXPECT_EQ(got.numerator, want.numerator);
    EXPECT_EQ(got.values, want.values);
    if (tally == Tally::kRecords) {
      EXPECT_GT(*std::max_element(want.records.begin(), want.records.end()), 0);
    } else {
      EXPECT_FALSE(want.values.empty());
    }
  }
}

TEST(TallyTest, NoRowsCountNothing) {
  TallyRequest q;
  q.cells = 3;
  const TallyResult result = TallyRows(q);
  EXPECT_EQ(result.records, std::vector<int64_t>(3, 0));
  EXPECT_EQ(result.numerator, std::vector<int64_t>(3, 0));
  EXPECT_TRUE(result.values.empty());
}

}  // namespace
}  // namespace divert::metrics
