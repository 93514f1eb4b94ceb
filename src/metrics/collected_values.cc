#include "metrics/collected_values.h"

#include <algorithm>
#include <cmath>

namespace divert::metrics {
namespace {

// Marking needs a table entry per value of the range; wider ranges (sparse
// values) are counted by sorting instead.
constexpr uint64_t kMaxMarkedRange = uint64_t{1} << 26;

int64_t DistinctBySorting(int32_t* begin, int32_t* end) {
  std::sort(begin, end);
  return std::unique(begin, end) - begin;
}

}  // namespace

CellValues GroupByCell(const std::vector<std::pair<uint32_t, int32_t>>& pairs,
                       size_t cells) {
  CellValues grouped;
  grouped.begin.assign(cells + 1, 0);
  for (const auto& [cell, value] : pairs) ++grouped.begin[cell + 1];
  for (size_t cell = 0; cell < cells; ++cell) {
    grouped.begin[cell + 1] += grouped.begin[cell];
  }
  grouped.values.resize(pairs.size());
  std::vector<size_t> next(grouped.begin.begin(), grouped.begin.end() - 1);
  for (const auto& [cell, value] : pairs) grouped.values[next[cell]++] = value;
  return grouped;
}

double MedianOf(int32_t* begin, int32_t* end) {
  const size_t n = static_cast<size_t>(end - begin);
  int32_t* middle = begin + n / 2;
  std::nth_element(begin, middle, end);
  if (n % 2 == 1) return *middle;
  const int32_t below = *std::max_element(begin, middle);
  return (below + static_cast<double>(*middle)) / 2;
}

double PercentileOf(int32_t* begin, int32_t* end, double percent) {
  const size_t n = static_cast<size_t>(end - begin);
  size_t rank = static_cast<size_t>(std::ceil(percent / 100.0 * n));
  rank = std::clamp<size_t>(rank, 1, n);
  int32_t* at = begin + (rank - 1);
  std::nth_element(begin, at, end);
  return *at;
}

void CountDistinct(CellValues* values, std::vector<int64_t>* per_cell,
                   int64_t* total) {
  const size_t cells = values->cells();
  per_cell->assign(cells, 0);
  *total = 0;
  if (values->values.empty()) return;
  const auto [low, high] =
      std::minmax_element(values->values.begin(), values->values.end());
  const uint64_t range = static_cast<uint64_t>(int64_t{*high} - *low) + 1;
  if (range > kMaxMarkedRange || range > 4 * values->values.size() + 4096) {
    for (size_t cell = 0; cell < cells; ++cell) {
      (*per_cell)[cell] =
          DistinctBySorting(values->cell_begin(cell), values->cell_end(cell));
    }
    std::vector<int32_t> all = values->values;
    *total = DistinctBySorting(all.data(), all.data() + all.size());
    return;
  }
  // last_cell[v]: 1 + the last cell that held v (0: none yet).
  const int32_t offset = *low;
  std::vector<uint32_t> last_cell(range, 0);
  std::vector<bool> seen(range, false);
  for (size_t cell = 0; cell < cells; ++cell) {
    const auto mark = static_cast<uint32_t>(cell + 1);
    int64_t distinct = 0;
    for (const int32_t* v = values->cell_begin(cell); v != values->cell_end(cell); ++v) {
      const auto at = static_cast<size_t>(int64_t{*v} - offset);
      if (last_cell[at] != mark) {
        last_cell[at] = mark;
        ++distinct;
      }
      if (!seen[at]) {
        seen[at] = true;
        ++*total;
      }
    }
    (*per_cell)[cell] = distinct;
  }
}

}  // namespace divert::metrics
