// Small-cell suppression for published reports.
//
// A cell describing fewer people than the minimum cell size (but some) is
// suppressed; when exactly one cell of a breakdown is, the smallest other
// non-empty cell is too (complementary suppression), or, when there is
// none, the total, so that the total minus the shown cells never reveals a
// suppressed one.
#ifndef DIVERT_SRC_METRICS_DISCLOSURE_H_
#define DIVERT_SRC_METRICS_DISCLOSURE_H_

#include <cstdint>
#include <vector>

#include "divert/v1/metrics.pb.h"

namespace divert::metrics {

// A value before it is written into a report.
struct CellValue {
  bool defined = false;
  double value = 0;
  int64_t records = 0;
  int64_t numerator = 0;
  v1::Suppression suppression = v1::NOT_SUPPRESSED;

  bool suppressed() const { return suppression != v1::NOT_SUPPRESSED; }
  // Clears what a suppressed value must not show.
  void Suppress(v1::Suppression why);
};

// Suppresses the small cells of `cells` (whose sizes add up to `total`'s)
// and their complements. `check_numerator`: a share's numerator is a count
// of people too.
void SuppressSmallCells(int min_cell_size, bool complementary,
                        bool check_numerator, std::vector<CellValue>* cells,
                        CellValue* total);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_DISCLOSURE_H_
