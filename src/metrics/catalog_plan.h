// A catalog compiled for evaluation: each definition resolved into field
// indexes of its facts table, each distinct CEL filter compiled once, and
// metrics that are built from others ordered after them.
#ifndef DIVERT_SRC_METRICS_CATALOG_PLAN_H_
#define DIVERT_SRC_METRICS_CATALOG_PLAN_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/cel/cel.h"
#include "divert/v1/metrics.pb.h"
#include "metrics/site_facts.h"

namespace divert::metrics {

// A CEL condition over one record kind's facts.
struct CompiledFilter {
  v1::RecordKind kind = v1::RECORD_KIND_UNSPECIFIED;
  std::string source;
  std::shared_ptr<const cel::Program> program;
  // The facts fields it reads; when `memoizable`, its result depends on
  // nothing else (and the period), so it is evaluated once per distinct
  // combination of their values.
  std::vector<int> fields;
  // Parallel to `fields`: read only through has(), so only whether the
  // field is set matters.
  std::vector<bool> presence_only;
  bool memoizable = false;
};

// One record kind's CEL environment.
struct RecordEnvironment {
  std::string variable;
  const google::protobuf::Descriptor* schema = nullptr;
  std::unique_ptr<cel::Environment> environment;
};

struct CompiledMetric {
  const v1::MetricDefinition* definition = nullptr;
  v1::MetricKind kind = v1::METRIC_KIND_UNSPECIFIED;
  v1::RecordKind records = v1::RECORD_KIND_UNSPECIFIED;
  // Indexes into CatalogPlan::filters; -1 for none.
  int filter = -1;
  int condition = -1;
  // Field indexes of the facts message; -1 for none.
  int value_field = -1;
  v1::TimeRule::Kind time_rule = v1::TimeRule::WITHIN_PERIOD;
  int date_field = -1;
  int end_field = -1;
  int from_field = -1;
  int days = 0;
  // For each Breakdown number, the field it groups by, or -1 when the
  // metric does not support it.
  std::array<int, v1::Breakdown_ARRAYSIZE> breakdown_fields;
  // Indexes into CatalogPlan::metrics; -1 for none.
  int numerator = -1;
  int denominator = -1;
  int reference = -1;
  std::string benchmark;
  // 0: nothing is suppressed.
  int min_cell_size = 11;
  bool complementary = true;
};

class CatalogPlan {
 public:
  static absl::StatusOr<std::unique_ptr<CatalogPlan>> Compile(
      const v1::MetricCatalog& catalog);

  const v1::MetricCatalog& catalog() const { return catalog_; }
  // In catalog order.
  const std::vector<CompiledMetric>& metrics() const { return metrics_; }
  const std::vector<CompiledFilter>& filters() const { return filters_; }
  // Metric indexes such that a metric comes after those it is built from.
  const std::vector<int>& order() const { return order_; }
  int IndexOf(absl::string_view id) const;
  const RecordEnvironment& environment(v1::RecordKind kind) const {
    return environments_[kind];
  }
  // The kinds of event that a metric over EVENTS may count: every kind,
  // unless each such metric's filter requires event.kind to be one of
  // some (`event.kind == EventKind.X`, `event.kind in [...]`, joined by
  // && and ||); none when no metric counts EVENTS. A fold for this
  // catalog needs rows of the events table for these kinds only.
  const EventKindSet& counted_event_kinds() const { return counted_event_kinds_; }
  // The fields of each record kind's facts that the metrics `request`
  // computes (its metric_ids, or every metric) and those they are built
  // from read, by RecordKind number (one mark per field of
  // FactsSchema(kind)): their filters' and conditions' fields (every field
  // for a filter that is not memoizable), values and dates, a
  // participant's enrolled_day, and the fields of the request's
  // breakdowns, and of race when a disparity ratio is computed. A fold for
  // the request needs columns for these only (FoldOptions::fields). An id
  // the catalog does not have is left to the computation to report.
  FieldsByKind FieldsRead(const v1::MetricRequest& request) const;

 private:
  CatalogPlan() = default;

  v1::MetricCatalog catalog_;
  std::vector<CompiledMetric> metrics_;
  std::vector<CompiledFilter> filters_;
  std::vector<int> order_;
  std::array<RecordEnvironment, v1::RecordKind_ARRAYSIZE> environments_;
  EventKindSet counted_event_kinds_;
};

// The facts message and CEL variable of a record kind.
const google::protobuf::Descriptor* FactsSchema(v1::RecordKind kind);
const char* RecordVariable(v1::RecordKind kind);
// The facts field a breakdown groups by ("race", "case_manager_id").
const char* BreakdownField(v1::Breakdown breakdown);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_CATALOG_PLAN_H_
