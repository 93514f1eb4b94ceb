// Big arrays: vectors on their own (huge-page) mappings behave as vectors.
#include "metrics/big_array.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

TEST(BigArrayTest, AnArrayOfMillionsKeepsItsValuesAsItGrowsAndShrinks) {
  BigVector<int32_t> column(3'000'000, -1);  // 12 MB: a mapping of its own
  for (size_t row = 0; row < column.size(); row += 1000) {
    column[row] = static_cast<int32_t>(row);
  }
  column.resize(5'000'000, 7);  // moved to a bigger mapping
  EXPECT_EQ(column[0], 0);
  EXPECT_EQ(column[1], -1);
  EXPECT_EQ(column[2'999'000], 2'999'000);
  EXPECT_EQ(column[2'999'999], -1);
  EXPECT_EQ(column[4'999'999], 7);
  column.resize(10);
  column.shrink_to_fit();  // back to operator new
  EXPECT_EQ(column.size(), 10u);
  EXPECT_EQ(column[0], 0);
  EXPECT_EQ(column[9], -1);
}

TEST(BigArrayTest, SmallArraysAndEmptyOnesWork) {
  BigVector<uint8_t> small(100, 1);
  BigVector<uint8_t> empty;
  empty.swap(small);
  EXPECT_TRUE(small.empty());
  ASSERT_EQ(empty.size(), 100u);
  EXPECT_EQ(empty[99], 1);
}

}  // namespace
}  // namespace divert::metrics
