// Evaluating a compiled CEL filter over every row of a facts table.
//
// A memoizable filter reads only some fields of its record (and the
// period), so rows that agree on those fields get the same result: it is
// evaluated once per distinct combination, and every other row costs a
// lookup. Other filters are evaluated row by row. For a filter that reads
// one field, the slot of each row's value can be computed once and shared
// by every filter that reads that field.
#ifndef DIVERT_SRC_METRICS_FILTER_EVAL_H_
#define DIVERT_SRC_METRICS_FILTER_EVAL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "metrics/catalog_plan.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

// The slot of one field's value in each row of a table (its value's
// place among the field's few values), and each slot's first row
// (kNoRow for a slot no row has): what filters that read only that field
// share.
struct FieldSlots {
  static constexpr uint32_t kNoRow = UINT32_MAX;
  std::vector<uint16_t> slot;
  std::vector<uint32_t> first_row;
};

// The slots of `field` (of whether it is set, when `presence_only`) in
// `table`, for a field of few values (a bool, an enum, a string of a small
// dictionary, a date or count within a small range); nullopt for another.
std::optional<FieldSlots> SlotsOf(const FactTable& table, int field,
                                  bool presence_only);

// For a memoizable filter that reads one field only, whose slots are
// `slots` (SlotsOf): whether it holds, by slot, evaluated once for each
// slot at its first row (in the order of those rows, so that a failure is
// the one EvaluateFilter would report).
absl::StatusOr<std::vector<uint8_t>> EvaluateFilterBySlot(
    const CompiledFilter& filter, const RecordEnvironment& environment,
    const FactTable& table, int32_t period_start_day, int32_t period_end_day,
    const FieldSlots& slots);

// One byte per row: 1 where the filter holds. Fails (naming the filter's
// source, never a record's values) when it evaluates to an error.
absl::StatusOr<std::vector<uint8_t>> EvaluateFilter(
    const CompiledFilter& filter, const RecordEnvironment& environment,
    const FactTable& table, int32_t period_start_day, int32_t period_end_day);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_FILTER_EVAL_H_
