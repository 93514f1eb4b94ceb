// Medians, percentiles and distinct counts by cell agree with sorting.
#include "metrics/collected_values.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

using Pairs = std::vector<std::pair<uint32_t, int32_t>>;

std::vector<int32_t> CellOf(CellValues& grouped, size_t cell) {
  std::vector<int32_t> values(grouped.cell_begin(cell), grouped.cell_end(cell));
  std::sort(values.begin(), values.end());
  return values;
}

TEST(CollectedValuesTest, GroupsValuesByCell) {
  CellValues grouped = GroupByCell({{2, 7}, {0, 3}, {2, 1}, {0, 3}}, 4);
  ASSERT_EQ(grouped.cells(), 4u);
  EXPECT_EQ(CellOf(grouped, 0), (std::vector<int32_t>{3, 3}));
  EXPECT_TRUE(CellOf(grouped, 1).empty());
  EXPECT_EQ(CellOf(grouped, 2), (std::vector<int32_t>{1, 7}));
  EXPECT_TRUE(CellOf(grouped, 3).empty());
}

TEST(CollectedValuesTest, MedianIsTheMiddleOrTheMeanOfTheTwoMiddle) {
  std::vector<int32_t> odd = {9, 1, 5};
  EXPECT_EQ(MedianOf(odd.data(), odd.data() + odd.size()), 5);
  std::vector<int32_t> even = {10, 1, 4, 3};
  EXPECT_EQ(MedianOf(even.data(), even.data() + even.size()), 3.5);
  std::vector<int32_t> one = {-2};
  EXPECT_EQ(MedianOf(one.data(), one.data() + 1), -2);
}

TEST(CollectedValuesTest, PercentileIsTheNearestRank) {
  std::vector<int32_t> values = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
  auto p = [&](double percent) {
    std::vector<int32_t> copy = values;
    return PercentileOf(copy.data(), copy.data() + copy.size(), percent);
  };
  EXPECT_EQ(p(90), 90);
  EXPECT_EQ(p(91), 100);
  EXPECT_EQ(p(100), 100);
  EXPECT_EQ(p(1), 10);
  EXPECT_EQ(p(50), 50);
}

// Both ways of counting distinct values (marking a dense range, sorting a
// sparse one) against a plain sort, cell by cell and in total.
TEST(CollectedValuesTest, CountsDistinctValuesDenseOrSparse) {
  std::mt19937 random(7);
  for (int32_t spread : {50, 2000000000}) {
    Pairs pairs;
    std::uniform_int_distribution<int32_t> value(-spread / 2, spread / 2);
    std::uniform_int_distribution<uint32_t> cell(0, 5);
    for (int i = 0; i < 500; ++i) pairs.emplace_back(cell(random), value(random));
    CellValues grouped = GroupByCell(pairs, 6);
    std::vector<int64_t> per_cell;
    int64_t total = 0;
    CountDistinct(&grouped, &per_cell, &total);
    std::vector<int32_t> all;
    for (size_t c = 0; c < 6; ++c) {
      std::vector<int32_t> cell_values;
      for (const auto& [at, v] : pairs) {
        if (at == c) cell_values.push_back(v);
      }
      all.insert(all.end(), cell_values.begin(), cell_values.end());
      std::sort(cell_values.begin(), cell_values.end());
      const auto distinct =
          std::unique(cell_values.begin(), cell_values.end()) - cell_values.begin();
      EXPECT_EQ(per_cell[c], distinct) << "spread " << spread << " cell " << c;
    }
    std::sort(all.begin(), all.end());
    EXPECT_EQ(total, std::unique(all.begin(), all.end()) - all.begin());
  }
}

TEST(CollectedValuesTest, NoValuesNoneDistinct) {
  CellValues grouped = GroupByCell({}, 3);
  std::vector<int64_t> per_cell;
  int64_t total = -1;
  CountDistinct(&grouped, &per_cell, &total);
  EXPECT_EQ(per_cell, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(total, 0);
}

}  // namespace
}  // namespace divert::metrics
