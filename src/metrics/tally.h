// The inner loop of computing a metric: each row a metric visits is tested
// against its time rule and counted into its cell (or its value collected).
// The loop is specialised at compile time by time rule and by what it
// counts, and has no branch a row: every row adds its pass (0 or 1), and
// counts go to four tables, rows in turn, so that a run of rows in one
// cell does not make each increment wait for the last one's store.
#ifndef DIVERT_SRC_METRICS_TALLY_H_
#define DIVERT_SRC_METRICS_TALLY_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "divert/v1/metrics.pb.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

// Which rows count, by their days (see v1::TimeRule); days are day
// numbers, kNone when unset.
struct TimeTest {
  v1::TimeRule::Kind rule = v1::TimeRule::WITHIN_PERIOD;
  // The row's date: within the period (WITHIN_PERIOD), on or before its
  // end (AS_OF_END), or at most `days` days after `from` (WITHIN_DAYS).
  ColumnView date;
  // AS_OF_END: a row that ended on or before the period's end does not
  // count; no column (data null): no row has ended.
  ColumnView ended;
  // WITHIN_DAYS: the day counted from, which must fall within the period.
  ColumnView from;
  int32_t days = 0;
  int32_t period_start = 0;
  int32_t period_end = 0;
};

// What a metric counts of each row that passes.
enum class Tally {
  // The records, and with a condition those it holds for.
  kRecords,
  // The same, and the sum of the rows' values (rows without one do not
  // count).
  kSum,
  // Each row's (cell, value) (rows without a value do not count).
  kValues,
};

struct TallyRequest {
  TimeTest time;
  Tally tally = Tally::kRecords;
  // kSum and kValues: each row's value.
  ColumnView value;
  // kRecords and kSum: 1 where the metric's condition holds (the
  // numerator of a share); null when it has none.
  const uint8_t* condition = nullptr;
  // Each row's cell, below `cells`; null: every row is in cell 0. With
  // `cell_via`, row r's cell is cell_of[cell_via[r]] (a joined table's rows
  // in their parent's cells: an event's are its referral's).
  const uint32_t* cell_of = nullptr;
  const uint32_t* cell_via = nullptr;
  size_t cells = 1;
  // The rows visited, in order; null: rows 0 .. row_count - 1.
  const uint32_t* rows = nullptr;
  size_t row_count = 0;
};

struct TallyResult {
  // By cell (kRecords and kSum): the rows that count, those of them the
  // condition holds for (all zero without one), and the sum of their
  // values (kSum; all zero otherwise).
  std::vector<int64_t> records;
  std::vector<int64_t> numerator;
  std::vector<int64_t> sum;
  // kValues: (cell, value) of each row that counts, in the order visited.
  std::vector<std::pair<uint32_t, int32_t>> values;
};

TallyResult TallyRows(const TallyRequest& request);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_TALLY_H_
