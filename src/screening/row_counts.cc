#include "screening/row_counts.h"

namespace divert::screening {
namespace {

// Above this many codes, clearing four tables costs more than the runs
// save, and runs of one code are rarer.
constexpr size_t kMostCodesInTables = 1024;

}  // namespace

void RowCounter::Count(const int32_t* codes, int64_t n, size_t distinct,
                       int64_t* counts) {
  if (distinct > kMostCodesInTables || n > int64_t{UINT32_MAX}) {
    for (int64_t r = 0; r < n; ++r) ++counts[codes[r]];
    return;
  }
  tables_.assign(4 * distinct, 0);
  uint32_t* t0 = tables_.data();
  uint32_t* t1 = t0 + distinct;
  uint32_t* t2 = t1 + distinct;
  uint32_t* t3 = t2 + distinct;
  int64_t r = 0;
  for (; r + 4 <= n; r += 4) {
    ++t0[codes[r]];
    ++t1[codes[r + 1]];
    ++t2[codes[r + 2]];
    ++t3[codes[r + 3]];
  }
  for (; r < n; ++r) ++t0[codes[r]];
  for (size_t c = 0; c < distinct; ++c) {
    counts[c] += int64_t{t0[c]} + t1[c] + t2[c] + t3[c];
  }
}

}  // namespace divert::screening
