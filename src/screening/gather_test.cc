// The vector gathers write exactly what one value at a time would: every
// column, every row, including the rows after the last whole block, with
// null entries as 0 values and clear validity bits, and every validity
// byte written whatever the memory held before.
#include "screening/gather.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace divert::screening {
namespace {

bool Bit(const std::vector<uint8_t>& bits, int64_t r) {
  return ((bits[r >> 3] >> (r & 7)) & 1) != 0;
}

TEST(GatherTest, GathersBytesOfEveryColumnAndRow) {
  std::mt19937 rng(3);
  const int codes_count = 40;
  std::vector<uint8_t> table(codes_count * 16);
  for (uint8_t& b : table) {
    // About one entry in four is null.
    b = rng() % 4 == 0 ? kNullByte : static_cast<uint8_t>(rng() % 100);
  }
  for (int columns : {1, 7, 16}) {
    // Row counts that end in the 16-row loop and in the one-row loop.
    for (int64_t n : {0, 5, 16, 37, 53, 1000}) {
      std::vector<int32_t> codes(n);
      for (int32_t& c : codes) c = static_cast<int32_t>(rng() % codes_count);
      std::vector<std::vector<uint8_t>> out(columns, std::vector<uint8_t>(n + 1, 0xEE));
      std::vector<std::vector<uint8_t>> bits(columns,
                                             std::vector<uint8_t>((n + 7) / 8, 0xA5));
      std::vector<uint8_t*> pointers, validity;
      for (auto& column : out) pointers.push_back(column.data());
      for (auto& column : bits) validity.push_back(column.data());
      std::vector<int64_t> nulls(columns, -1);
      GatherBytes(table.data(), codes.data(), n, columns, pointers.data(),
                  validity.data(), nulls.data());
      for (int k = 0; k < columns; ++k) {
        int64_t expected_nulls = 0;
        for (int64_t r = 0; r < n; ++r) {
          const uint8_t entry = table[codes[r] * 16 + k];
          const bool null = entry == kNullByte;
          expected_nulls += null;
          ASSERT_EQ(out[k][r], null ? 0 : entry) << k << " " << r;
          ASSERT_EQ(Bit(bits[k], r), !null) << k << " " << r;
        }
        EXPECT_EQ(nulls[k], expected_nulls) << k;
        EXPECT_EQ(out[k][n], 0xEE) << "wrote past the end of column " << k;
      }
    }
  }
}

TEST(GatherTest, ColumnsWithoutValidityAreCopiedAsTheyAre) {
  const std::vector<uint8_t> table(16 * 2, 7);
  const std::vector<int32_t> codes = {0, 1, 1, 0, 1};
  std::vector<uint8_t> out(5, 0);
  uint8_t* pointers[1] = {out.data()};
  uint8_t* validity[1] = {nullptr};
  int64_t nulls[1] = {-1};
  GatherBytes(table.data(), codes.data(), 5, 1, pointers, validity, nulls);
  EXPECT_EQ(out, std::vector<uint8_t>(5, 7));
  EXPECT_EQ(nulls[0], 0);
}

TEST(GatherTest, GathersInt32ValuesOfEveryColumnAndRow) {
  std::mt19937 rng(5);
  std::vector<int32_t> table(30 * 4);
  for (int32_t& v : table) {
    v = rng() % 4 == 0 ? -1 : static_cast<int32_t>(rng() % 1000000);
  }
  for (int64_t n : {0, 3, 4, 8, 37, 1000}) {
    std::vector<int32_t> codes(n);
    for (int32_t& c : codes) c = static_cast<int32_t>(rng() % 30);
    std::vector<std::vector<int32_t>> out(4, std::vector<int32_t>(n));
    std::vector<std::vector<uint8_t>> bits(4, std::vector<uint8_t>((n + 7) / 8, 0x5A));
    int32_t* pointers[4] = {out[0].data(), out[1].data(), out[2].data(), out[3].data()};
    // Column 2 has no validity: it is copied, negative values and all.
    uint8_t* validity[4] = {bits[0].data(), bits[1].data(), nullptr, bits[3].data()};
    int64_t nulls[4] = {-1, -1, -1, -1};
    GatherInt32x4(table.data(), codes.data(), n, pointers, validity, nulls);
    for (int k = 0; k < 4; ++k) {
      int64_t expected_nulls = 0;
      for (int64_t r = 0; r < n; ++r) {
        const int32_t entry = table[codes[r] * 4 + k];
        if (k == 2) {
          ASSERT_EQ(out[k][r], entry);
          continue;
        }
        expected_nulls += entry < 0;
        ASSERT_EQ(out[k][r], entry < 0 ? 0 : entry) << k << " " << r;
        ASSERT_EQ(Bit(bits[k], r), entry >= 0) << k << " " << r;
      }
      EXPECT_EQ(nulls[k], expected_nulls) << k;
    }
  }
}

}  // namespace
}  // namespace divert::screening
