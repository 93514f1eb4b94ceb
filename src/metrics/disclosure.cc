#include "metrics/disclosure.h"

namespace divert::metrics {
namespace {

bool IsSmall(int64_t count, int min_cell_size) {
  return count > 0 && count < min_cell_size;
}

bool NeedsSuppression(const CellValue& cell, int min_cell_size,
                      bool check_numerator) {
  return IsSmall(cell.records, min_cell_size) ||
         (check_numerator && IsSmall(cell.numerator, min_cell_size));
}

}  // namespace

void CellValue::Suppress(v1::Suppression why) {
  suppression = why;
  defined = false;
  value = 0;
  records = 0;
  numerator = 0;
}

void SuppressSmallCells(int min_cell_size, bool complementary,
                        bool check_numerator, std::vector<CellValue>* cells,
                        CellValue* total) {
  int suppressed = 0;
  for (CellValue& cell : *cells) {
    if (!cell.suppressed() &&
        NeedsSuppression(cell, min_cell_size, check_numerator)) {
      cell.Suppress(v1::SMALL_CELL);
    }
    if (cell.suppressed()) ++suppressed;
  }
  if (complementary && suppressed == 1 && cells->size() > 1) {
    CellValue* smallest = nullptr;
    for (CellValue& cell : *cells) {
      if (cell.suppressed() || cell.records == 0) continue;
      if (smallest == nullptr || cell.records < smallest->records) {
        smallest = &cell;
      }
    }
    if (smallest != nullptr) {
      smallest->Suppress(v1::COMPLEMENTARY);
    } else if (!total->suppressed()) {
      total->Suppress(v1::COMPLEMENTARY);
    }
  }
  if (!total->suppressed() &&
      NeedsSuppression(*total, min_cell_size, check_numerator)) {
    total->Suppress(v1::SMALL_CELL);
  }
}

}  // namespace divert::metrics
