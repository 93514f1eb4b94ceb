// Evaluating a compiled CEL filter over every row of a facts table.
//
// A memoizable filter reads only some fields of its record (and the
// period), so rows that agree on those fields get the same result: it is
// evaluated once per distinct combination, and every other row costs a
// lookup. Other filters are evaluated row by row.
#ifndef DIVERT_SRC_METRICS_FILTER_EVAL_H_
#define DIVERT_SRC_METRICS_FILTER_EVAL_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "metrics/catalog_plan.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

// One byte per row: 1 where the filter holds. Fails (naming the filter's
// source, never a record's values) when it evaluates to an error.
absl::StatusOr<std::vector<uint8_t>> EvaluateFilter(
    const CompiledFilter& filter, const RecordEnvironment& environment,
    const FactTable& table, int32_t period_start_day, int32_t period_end_day);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_FILTER_EVAL_H_
