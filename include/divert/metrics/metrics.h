// Metrics as data: a catalog of MetricDefinitions (proto/divert/v1/
// metrics.proto), compiled once, computed over a site's records.
//
//   auto catalog = divert::metrics::ParseCatalogText(text);
//   auto compiled = divert::metrics::CompiledCatalog::Compile(*catalog);
//   v1::MetricRequest request;  // period, breakdowns
//   absl::StatusOr<v1::MetricReport> report =
//       (*compiled)->Compute(records, request);
//
// Compile checks every definition (ids, kinds, fields, CEL filters against
// the facts message of its record kind, references between metrics,
// breakdowns) and reports every problem with the metric's id. Compute folds
// the records once (src/metrics/site_facts.h), evaluates each distinct
// filter once per distinct combination of the facts it reads, and groups by
// small integer codes. A CompiledCatalog is immutable and thread-safe. It
// keeps the largest arrays of its last fold of records (hundreds of
// megabytes at a million referrals) for its next one, until it is
// deleted: a fold into memory already mapped is faster than into fresh
// pages.
#ifndef DIVERT_METRICS_METRICS_H_
#define DIVERT_METRICS_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/metrics/record_columns.h"
#include "divert/v1/metrics.pb.h"

namespace divert::metrics {

struct SiteFacts;
class CatalogPlan;
class FoldScratchPool;

// The default minimum cell size of published reports.
inline constexpr int kDefaultMinCellSize = 11;

// Parses a catalog in protobuf text format; errors give line:column.
absl::StatusOr<v1::MetricCatalog> ParseCatalogText(absl::string_view text);

class CompiledCatalog {
 public:
  // InvalidArgument listing every problem, one per line, each starting
  // with "metric <id>: ".
  static absl::StatusOr<std::shared_ptr<const CompiledCatalog>> Compile(
      const v1::MetricCatalog& catalog);
  ~CompiledCatalog();

  const v1::MetricCatalog& catalog() const;

  // The report for `request` over `records`. Fails with InvalidArgument for
  // a request without a valid period, more than three breakdowns, an
  // unknown metric id, or records that do not fold (see FoldRecords).
  absl::StatusOr<v1::MetricReport> Compute(
      const v1::MetricRecords& records, const v1::MetricRequest& request) const;

  // As above over records whose referral log is Arrow columns (see
  // record_columns.h): the same report as for the records they stand for.
  // Fails also for columns that do not read (the error names the table,
  // column and row; never a value that identifies a person).
  absl::StatusOr<v1::MetricReport> Compute(
      const RecordColumns& columns, const v1::MetricRequest& request) const;

  // As above over records already folded through the period's end
  // (FoldRecords(records, day of request.period().end())).
  absl::StatusOr<v1::MetricReport> Compute(
      const SiteFacts& facts, const v1::MetricRequest& request) const;

 private:
  explicit CompiledCatalog(std::unique_ptr<CatalogPlan> plan);
  std::unique_ptr<CatalogPlan> plan_;
  // The memory a Compute of records folds into (site_facts.h).
  std::unique_ptr<FoldScratchPool> scratch_;
};

}  // namespace divert::metrics

#endif  // DIVERT_METRICS_METRICS_H_
