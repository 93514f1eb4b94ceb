// The values a MEDIAN, PERCENTILE or DISTINCT_COUNT metric collects, one
// (cell, value) pair per record, summarized cell by cell and in total.
//
// The pairs are grouped by cell with a counting sort; medians and
// percentiles are then found by selection (std::nth_element) and distinct
// values by marking them in a table, so a million values cost a few passes
// instead of a sort. The answers are those of sorting each cell's values.
#ifndef DIVERT_SRC_METRICS_COLLECTED_VALUES_H_
#define DIVERT_SRC_METRICS_COLLECTED_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace divert::metrics {

// Values grouped by cell: cell c's are values[begin[c]] .. values[begin[c + 1]].
struct CellValues {
  std::vector<size_t> begin;
  std::vector<int32_t> values;

  size_t cells() const { return begin.size() - 1; }
  int32_t* cell_begin(size_t cell) { return values.data() + begin[cell]; }
  int32_t* cell_end(size_t cell) { return values.data() + begin[cell + 1]; }
};

// Groups `pairs` (cell, value), every cell below `cells`, by cell.
CellValues GroupByCell(const std::vector<std::pair<uint32_t, int32_t>>& pairs,
                       size_t cells);

// The median of begin..end (not empty): the middle value, or the mean of
// the two middle values. Reorders the range.
double MedianOf(int32_t* begin, int32_t* end);

// The nearest-rank `percent`th percentile of begin..end (not empty).
// Reorders the range.
double PercentileOf(int32_t* begin, int32_t* end, double percent);

// The number of distinct values of each cell, and of all cells together.
// Reorders the values within each cell.
void CountDistinct(CellValues* values, std::vector<int64_t>* per_cell,
                   int64_t* total);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_COLLECTED_VALUES_H_
