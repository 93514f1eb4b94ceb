// RowCounter adds each row to its code's count, whatever the runs, the
// number of rows (not a multiple of four) or the number of codes (in four
// tables up to 1,024 codes, directly above), and adds to what the counts
// held.
#include "screening/row_counts.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace divert::screening {
namespace {

std::vector<int64_t> Expected(const std::vector<int32_t>& codes, size_t distinct) {
  std::vector<int64_t> counts(distinct, 0);
  for (int32_t code : codes) ++counts[code];
  return counts;
}

TEST(RowCounterTest, CountsEveryRowByItsCode) {
  std::mt19937 random(7);
  RowCounter counter;
  for (size_t distinct : {1, 3, 26, 1024, 1025, 5000}) {
    for (int64_t n : {0, 1, 3, 4, 4095, 4096}) {
      std::vector<int32_t> codes(static_cast<size_t>(n));
      // Runs of one code between random ones.
      for (int64_t r = 0; r < n; ++r) {
        codes[r] = r % 7 < 4 ? 0 : static_cast<int32_t>(random() % distinct);
      }
      std::vector<int64_t> counts(distinct, 5);
      counter.Count(codes.data(), n, distinct, counts.data());
      std::vector<int64_t> expected = Expected(codes, distinct);
      for (int64_t& count : expected) count += 5;
      EXPECT_EQ(counts, expected) << distinct << " codes, " << n << " rows";
    }
  }
}

}  // namespace
}  // namespace divert::screening
