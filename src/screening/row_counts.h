// Counting rows by their code (a result, a value) in the inner loop of
// screening. Most rows of a column share a handful of codes, often in runs,
// and ++counts[code] row after row makes each increment of a run wait for
// the last one's store; counting alternate rows in separate tables keeps
// four increments in flight.
#ifndef DIVERT_SRC_SCREENING_ROW_COUNTS_H_
#define DIVERT_SRC_SCREENING_ROW_COUNTS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace divert::screening {

class RowCounter {
 public:
  // ++counts[codes[r]] for r < n, every code below `distinct` (the size of
  // `counts`).
  void Count(const int32_t* codes, int64_t n, size_t distinct, int64_t* counts);

 private:
  // Four tables of `distinct` counts, rows in turn.
  std::vector<uint32_t> tables_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_ROW_COUNTS_H_
