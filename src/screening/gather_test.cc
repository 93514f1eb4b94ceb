// The vector gathers write exactly what one value at a time would: every
// column, every row, including the rows after the last whole block.
#include "screening/gather.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace divert::screening {
namespace {

TEST(GatherTest, GathersBytesOfEveryColumnAndRow) {
  std::mt19937 rng(3);
  const int codes_count = 40;
  std::vector<uint8_t> table(codes_count * 16);
  for (uint8_t& b : table) b = static_cast<uint8_t>(rng());
  for (int columns : {1, 7, 16}) {
    for (int64_t n : {0, 5, 16, 37, 1000}) {
      std::vector<int32_t> codes(n);
      for (int32_t& c : codes) c = static_cast<int32_t>(rng() % codes_count);
      std::vector<std::vector<uint8_t>> out(columns, std::vector<uint8_t>(n + 1, 0xEE));
      std::vector<uint8_t*> pointers;
      for (auto& column : out) pointers.push_back(column.data());
      GatherBytes(table.data(), codes.data(), n, columns, pointers.data());
      for (int k = 0; k < columns; ++k) {
        for (int64_t r = 0; r < n; ++r) {
          ASSERT_EQ(out[k][r], table[codes[r] * 16 + k]) << k << " " << r;
        }
        EXPECT_EQ(out[k][n], 0xEE) << "wrote past the end of column " << k;
      }
    }
  }
}

TEST(GatherTest, GathersInt32ValuesOfEveryColumnAndRow) {
  std::mt19937 rng(5);
  std::vector<int32_t> table(30 * 4);
  for (int32_t& v : table) v = static_cast<int32_t>(rng());
  for (int64_t n : {0, 3, 4, 37}) {
    std::vector<int32_t> codes(n);
    for (int32_t& c : codes) c = static_cast<int32_t>(rng() % 30);
    std::vector<std::vector<int32_t>> out(4, std::vector<int32_t>(n));
    int32_t* pointers[4] = {out[0].data(), out[1].data(), out[2].data(), out[3].data()};
    GatherInt32x4(table.data(), codes.data(), n, pointers);
    for (int k = 0; k < 4; ++k) {
      for (int64_t r = 0; r < n; ++r) ASSERT_EQ(out[k][r], table[codes[r] * 4 + k]);
    }
  }
}

TEST(GatherTest, SetsTheBitsOfRowsWithAValue) {
  const std::vector<int32_t> by_code = {3, -1, 0, -1};
  const std::vector<int32_t> codes = {0, 1, 2, 3, 0, 0, 1, 2, 2, 3, 0};
  std::vector<uint8_t> bits(2, 0);
  EXPECT_EQ(NonNegativeBits(by_code.data(), codes.data(), 11, bits.data()), 7);
  EXPECT_EQ(bits[0], 0b10110101);
  EXPECT_EQ(bits[1], 0b101);
}

}  // namespace
}  // namespace divert::screening
