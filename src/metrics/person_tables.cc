#include "metrics/person_tables.h"

#include <utility>

namespace divert::metrics {
namespace {

// An optional date column of `table`.
absl::StatusOr<DayColumn> OptionalDay(const ArrowSchema& schema,
                                      const ArrowArray& batch,
                                      absl::string_view table,
                                      absl::string_view name) {
  absl::StatusOr<std::optional<TimeView>> view =
      OptionalColumn<TimeView>(schema, batch, table, name);
  if (!view.ok()) return view.status();
  return *view ? DayColumn(**view) : DayColumn();
}

}  // namespace

absl::StatusOr<PersonBatch> PersonBatch::Of(const ArrowSchema& schema,
                                            const ArrowArray& batch,
                                            int64_t first_row) {
  constexpr absl::string_view kTable = "people";
  if (absl::Status s = CheckBatch(schema, batch, kTable); !s.ok()) return s;
  if (FindColumn(schema, "person_key") < 0) return MissingColumn(kTable, "person_key");
  PersonBatch out;
  out.rows_ = batch.length;
  out.first_row_ = first_row;
  if (absl::Status s = ReadTexts(schema, batch, kTable, {{&out.person_key_, "person_key"}});
      !s.ok()) {
    return s;
  }
  for (auto [view, name] : {std::pair{&out.race_ethnicity_, "race_ethnicity"},
                            std::pair{&out.gender_, "gender"}}) {
    absl::StatusOr<std::optional<IntListView>> list =
        OptionalColumn<IntListView>(schema, batch, kTable, name);
    if (!list.ok()) return list.status();
    *view = *list;
  }
  absl::StatusOr<DayColumn> born = OptionalDay(schema, batch, kTable, "date_of_birth");
  if (!born.ok()) return born.status();
  out.date_of_birth_ = *born;
  if (absl::Status s = ReadIntegers(schema, batch, kTable,
                                    {{&out.comparison_group_, "comparison_group"}});
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<EncounterBatch> EncounterBatch::Of(const ArrowSchema& schema,
                                                  const ArrowArray& batch) {
  constexpr absl::string_view kTable = "encounters";
  if (absl::Status s = CheckBatch(schema, batch, kTable); !s.ok()) return s;
  EncounterBatch out;
  out.rows_ = batch.length;
  if (absl::Status s = ReadTexts(schema, batch, kTable,
                                 {{&out.decision_id_, "decision_id"},
                                  {&out.person_key_, "person_key"},
                                  {&out.precinct_, "precinct"},
                                  {&out.area_, "area"},
                                  {&out.agency_, "agency"},
                                  {&out.officer_id_, "officer_id"}});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<DayColumn> on = OptionalDay(schema, batch, kTable, "occurred_on");
  if (!on.ok()) return on.status();
  out.occurred_on_ = *on;
  if (absl::Status s = ReadIntegers(schema, batch, kTable,
                                    {{&out.pathway_, "pathway"}, {&out.outcome_, "outcome"}});
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<ArrestBatch> ArrestBatch::Of(const ArrowSchema& schema,
                                            const ArrowArray& batch) {
  constexpr absl::string_view kTable = "arrests";
  if (absl::Status s = CheckBatch(schema, batch, kTable); !s.ok()) return s;
  ArrestBatch out;
  out.rows_ = batch.length;
  if (absl::Status s = ReadTexts(schema, batch, kTable,
                                 {{&out.person_key_, "person_key"},
                                  {&out.precinct_, "precinct"},
                                  {&out.area_, "area"}});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<DayColumn> on = OptionalDay(schema, batch, kTable, "occurred_on");
  if (!on.ok()) return on.status();
  out.occurred_on_ = *on;
  if (absl::Status s = ReadIntegers(schema, batch, kTable,
                                    {{&out.citation_, "citation"},
                                     {&out.booked_, "booked"},
                                     {&out.charged_, "charged"},
                                     {&out.lead_eligible_, "lead_eligible"},
                                     {&out.jail_days_, "jail_days"}});
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace divert::metrics
