// Evaluation helpers: re-arrest within a follow-up window for participants
// against a comparison group, with the odds ratio, its 95% confidence
// interval and the relative reductions, or "too small to report".
//
//   v1::EvaluationRequest request;  // window, follow_up_days (365)
//   absl::StatusOr<v1::RearrestEvaluation> e =
//       divert::metrics::EvaluateRearrest(records, request);
//
// Participants are the people enrolled on a referral made in the window
// (index date: that referral's date); the comparison group are the people
// the records mark comparison_group (index date: their first arrest in the
// window). Re-arrest is any arrest or citation in MetricRecords.arrests in
// the days after the index date, for both groups alike. A group smaller
// than min_group_size (11) makes the evaluation not reportable: only the
// group sizes are given.
#ifndef DIVERT_METRICS_EVALUATION_H_
#define DIVERT_METRICS_EVALUATION_H_

#include "absl/status/statusor.h"
#include "divert/v1/metrics.pb.h"

namespace divert::metrics {

// InvalidArgument for a window that is not two valid dates in order, a
// negative follow-up or group size, or records that do not fold.
absl::StatusOr<v1::RearrestEvaluation> EvaluateRearrest(
    const v1::MetricRecords& records, const v1::EvaluationRequest& request);

}  // namespace divert::metrics

#endif  // DIVERT_METRICS_EVALUATION_H_
