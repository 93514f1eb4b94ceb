// Small-cell suppression, with the complementary cell a total would reveal.
#include "metrics/disclosure.h"

#include <vector>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

CellValue Count(int64_t n) {
  CellValue cell;
  cell.defined = true;
  cell.value = static_cast<double>(n);
  cell.records = n;
  return cell;
}

TEST(DisclosureTest, ASmallCellTakesTheNextSmallestWithIt) {
  std::vector<CellValue> cells = {Count(40), Count(4), Count(0), Count(25)};
  CellValue total = Count(69);
  SuppressSmallCells(11, true, false, &cells, &total);
  EXPECT_EQ(cells[0].suppression, v1::NOT_SUPPRESSED);
  EXPECT_EQ(cells[1].suppression, v1::SMALL_CELL);
  EXPECT_EQ(cells[1].value, 0);
  EXPECT_EQ(cells[1].records, 0);
  EXPECT_EQ(cells[2].suppression, v1::NOT_SUPPRESSED);  // a known zero
  EXPECT_EQ(cells[3].suppression, v1::COMPLEMENTARY);
  EXPECT_EQ(total.suppression, v1::NOT_SUPPRESSED);
  EXPECT_EQ(total.value, 69);
}

TEST(DisclosureTest, TwoSmallCellsProtectEachOther) {
  std::vector<CellValue> cells = {Count(40), Count(4), Count(3)};
  CellValue total = Count(47);
  SuppressSmallCells(11, true, false, &cells, &total);
  EXPECT_EQ(cells[0].suppression, v1::NOT_SUPPRESSED);
  EXPECT_EQ(cells[1].suppression, v1::SMALL_CELL);
  EXPECT_EQ(cells[2].suppression, v1::SMALL_CELL);
}

TEST(DisclosureTest, WithNoOtherCellTheTotalGoes) {
  std::vector<CellValue> cells = {Count(5), Count(0)};
  CellValue total = Count(5);
  SuppressSmallCells(3, true, false, &cells, &total);
  EXPECT_EQ(cells[0].suppression, v1::NOT_SUPPRESSED);
  std::vector<CellValue> small = {Count(2), Count(0)};
  CellValue small_total = Count(2);
  SuppressSmallCells(3, true, false, &small, &small_total);
  EXPECT_EQ(small[0].suppression, v1::SMALL_CELL);
  EXPECT_TRUE(small_total.suppressed());
}

TEST(DisclosureTest, ASharesNumeratorCountsPeopleToo) {
  CellValue share = Count(50);
  share.numerator = 3;
  share.value = 0.06;
  std::vector<CellValue> cells = {share};
  CellValue total = share;
  SuppressSmallCells(11, false, true, &cells, &total);
  EXPECT_EQ(cells[0].suppression, v1::SMALL_CELL);
  EXPECT_EQ(total.suppression, v1::SMALL_CELL);
  std::vector<CellValue> unchecked = {share};
  CellValue unchecked_total = share;
  SuppressSmallCells(11, false, false, &unchecked, &unchecked_total);
  EXPECT_EQ(unchecked[0].suppression, v1::NOT_SUPPRESSED);
}

}  // namespace
}  // namespace divert::metrics
