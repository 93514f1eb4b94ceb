// People, encounters and arrests, from MetricRecords messages or from
// Arrow tables (divert/metrics/record_columns.h), read with one set of
// accessors so that one fold (site_facts.cc) serves both. A table is read a
// record batch at a time; a row is the batch's.
#ifndef DIVERT_SRC_METRICS_PERSON_TABLES_H_
#define DIVERT_SRC_METRICS_PERSON_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "divert/screening/arrow_c.h"
#include "divert/v1/metrics.pb.h"
#include "metrics/arrow_columns.h"
#include "metrics/demographics.h"
#include "metrics/fact_table.h"
#include "metrics/local_days.h"
#include "metrics/table_columns.h"
#include "metrics/text_map.h"

namespace divert::metrics {

// A date column (a date, or a timestamp: with a time zone, dated in the
// site's); absent or null: kNone.
class DayColumn {
 public:
  DayColumn() = default;
  explicit DayColumn(TimeView view) : view_(view) {}
  int32_t Day(int64_t row, LocalDays& days) const {
    if (!view_ || view_->IsNull(row)) return kNone;
    return view_->is_instant() ? days.DayOf(view_->Seconds(row)) : view_->Day(row);
  }

 private:
  std::optional<TimeView> view_;
};

// --- people -------------------------------------------------------------

// Columns: person_key (text, required, never null), race_ethnicity and
// gender (RaceEthnicity and Gender numbers: a list a row, or one),
// date_of_birth (a date), comparison_group (bool or integer).
class PersonBatch {
 public:
  static absl::StatusOr<PersonBatch> Of(const ArrowSchema& schema,
                                        const ArrowArray& batch,
                                        int64_t first_row);

  int64_t rows() const { return rows_; }
  std::string RowName(int64_t row) const {
    return absl::StrCat("people row ", first_row_ + row);
  }
  bool HasKey(int64_t row) const { return !person_key_.IsNull(row); }
  void Prefetch(int64_t row, const Dictionary& keys) const {
    person_key_.Prefetch(row, keys);
  }
  int32_t KeyCode(int64_t row, Dictionary& keys) { return person_key_.Code(row, keys); }
  Demographics DemographicsAt(int64_t row, LocalDays& days) const {
    DemographicsBuilder builder;
    if (race_ethnicity_) {
      race_ethnicity_->ForEach(row, [&](int64_t v) {
        builder.AddRaceEthnicity(static_cast<int>(v));
      });
    }
    if (gender_) {
      gender_->ForEach(row, [&](int64_t v) { builder.AddGender(static_cast<int>(v)); });
    }
    return builder.Build(comparison_group_.Get(row) != 0,
                         date_of_birth_.Day(row, days));
  }

 private:
  int64_t rows_ = 0;
  int64_t first_row_ = 0;
  CodedText person_key_;
  std::optional<IntListView> race_ethnicity_, gender_;
  DayColumn date_of_birth_;
  OptionalInt comparison_group_;
};

// MetricRecords.people, read as a PersonBatch is.
class PersonMessages {
 public:
  explicit PersonMessages(const v1::MetricRecords& records) : records_(records) {}

  int64_t rows() const { return records_.people_size(); }
  std::string RowName(int64_t row) const { return absl::StrCat("people[", row, "]"); }
  bool HasKey(int64_t) const { return true; }
  void Prefetch(int64_t row, const Dictionary& keys) const {
    keys.Prefetch(At(row).person_key());
  }
  int32_t KeyCode(int64_t row, Dictionary& keys) const {
    return keys.Code(At(row).person_key());
  }
  Demographics DemographicsAt(int64_t row, LocalDays&) const {
    return DemographicsOf(At(row));
  }

 private:
  const v1::PersonRecord& At(int64_t row) const {
    return records_.people(static_cast<int>(row));
  }
  const v1::MetricRecords& records_;
};

// --- encounters ---------------------------------------------------------

// Text columns (codes: kNone for null or ""): decision_id, person_key,
// precinct, area, agency, officer_id; occurred_on (a date); pathway and
// outcome (Pathway and Outcome numbers). All optional.
class EncounterBatch {
 public:
  static absl::StatusOr<EncounterBatch> Of(const ArrowSchema& schema,
                                           const ArrowArray& batch);

  int64_t rows() const { return rows_; }
  void Prefetch(int64_t row, const Dictionary& keys,
                const TextMap<bool>& decisions) const {
    person_key_.Prefetch(row, keys);
    if (!decision_id_.IsNull(row)) decisions.Prefetch(decision_id_.Get(row));
  }
  absl::string_view DecisionId(int64_t row) const { return decision_id_.Get(row); }
  int32_t PersonCode(int64_t row, Dictionary& keys) {
    return person_key_.CodeUnlessEmpty(row, keys);
  }
  int32_t Day(int64_t row, LocalDays& days) const { return occurred_on_.Day(row, days); }
  int32_t Pathway(int64_t row) const { return pathway_.Get(row); }
  int32_t Outcome(int64_t row) const { return outcome_.Get(row); }
  int32_t Precinct(int64_t row, Dictionary& d) { return precinct_.CodeUnlessEmpty(row, d); }
  int32_t Area(int64_t row, Dictionary& d) { return area_.CodeUnlessEmpty(row, d); }
  int32_t Agency(int64_t row, Dictionary& d) { return agency_.CodeUnlessEmpty(row, d); }
  int32_t Officer(int64_t row, Dictionary& d) { return officer_id_.CodeUnlessEmpty(row, d); }

 private:
  int64_t rows_ = 0;
  CodedText decision_id_, person_key_, precinct_, area_, agency_, officer_id_;
  DayColumn occurred_on_;
  OptionalInt pathway_, outcome_;
};

// MetricRecords.encounters, read as an EncounterBatch is.
class EncounterMessages {
 public:
  explicit EncounterMessages(const v1::MetricRecords& records) : records_(records) {}

  int64_t rows() const { return records_.encounters_size(); }
  void Prefetch(int64_t row, const Dictionary& keys,
                const TextMap<bool>& decisions) const {
    keys.Prefetch(At(row).person_key());
    decisions.Prefetch(At(row).decision_id());
  }
  absl::string_view DecisionId(int64_t row) const { return At(row).decision_id(); }
  int32_t PersonCode(int64_t row, Dictionary& keys) const {
    return keys.CodeUnlessEmpty(At(row).person_key());
  }
  int32_t Day(int64_t row, LocalDays&) const { return DayNumber(At(row).occurred_on()); }
  int32_t Pathway(int64_t row) const { return At(row).pathway(); }
  int32_t Outcome(int64_t row) const { return At(row).outcome(); }
  int32_t Precinct(int64_t row, Dictionary& d) const {
    return d.CodeUnlessEmpty(At(row).precinct());
  }
  int32_t Area(int64_t row, Dictionary& d) const { return d.CodeUnlessEmpty(At(row).area()); }
  int32_t Agency(int64_t row, Dictionary& d) const {
    return d.CodeUnlessEmpty(At(row).agency());
  }
  int32_t Officer(int64_t row, Dictionary& d) const {
    return d.CodeUnlessEmpty(At(row).officer_id());
  }

 private:
  const v1::EncounterRecord& At(int64_t row) const {
    return records_.encounters(static_cast<int>(row));
  }
  const v1::MetricRecords& records_;
};

// --- arrests ------------------------------------------------------------

// Columns: person_key, precinct, area (text); occurred_on (a date);
// citation, booked, charged, lead_eligible (bool or integer); jail_days
// (integer). All optional.
class ArrestBatch {
 public:
  static absl::StatusOr<ArrestBatch> Of(const ArrowSchema& schema,
                                        const ArrowArray& batch);

  int64_t rows() const { return rows_; }
  void Prefetch(int64_t row, const Dictionary& keys) const {
    person_key_.Prefetch(row, keys);
  }
  int32_t PersonCode(int64_t row, Dictionary& keys) {
    return person_key_.CodeUnlessEmpty(row, keys);
  }
  int32_t Day(int64_t row, LocalDays& days) const { return occurred_on_.Day(row, days); }
  bool Citation(int64_t row) const { return citation_.Get(row) != 0; }
  bool Booked(int64_t row) const { return booked_.Get(row) != 0; }
  bool Charged(int64_t row) const { return charged_.Get(row) != 0; }
  bool LeadEligible(int64_t row) const { return lead_eligible_.Get(row) != 0; }
  int32_t JailDays(int64_t row) const { return jail_days_.Get(row); }
  int32_t Precinct(int64_t row, Dictionary& d) { return precinct_.CodeUnlessEmpty(row, d); }
  int32_t Area(int64_t row, Dictionary& d) { return area_.CodeUnlessEmpty(row, d); }

 private:
  int64_t rows_ = 0;
  CodedText person_key_, precinct_, area_;
  DayColumn occurred_on_;
  OptionalInt citation_, booked_, charged_, lead_eligible_, jail_days_;
};

// MetricRecords.arrests, read as an ArrestBatch is.
class ArrestMessages {
 public:
  explicit ArrestMessages(const v1::MetricRecords& records) : records_(records) {}

  int64_t rows() const { return records_.arrests_size(); }
  void Prefetch(int64_t row, const Dictionary& keys) const {
    keys.Prefetch(At(row).person_key());
  }
  int32_t PersonCode(int64_t row, Dictionary& keys) const {
    return keys.CodeUnlessEmpty(At(row).person_key());
  }
  int32_t Day(int64_t row, LocalDays&) const { return DayNumber(At(row).occurred_on()); }
  bool Citation(int64_t row) const { return At(row).citation(); }
  bool Booked(int64_t row) const { return At(row).booked(); }
  bool Charged(int64_t row) const { return At(row).charged(); }
  bool LeadEligible(int64_t row) const { return At(row).lead_eligible(); }
  int32_t JailDays(int64_t row) const { return At(row).jail_days(); }
  int32_t Precinct(int64_t row, Dictionary& d) const {
    return d.CodeUnlessEmpty(At(row).precinct());
  }
  int32_t Area(int64_t row, Dictionary& d) const { return d.CodeUnlessEmpty(At(row).area()); }

 private:
  const v1::ArrestRecord& At(int64_t row) const {
    return records_.arrests(static_cast<int>(row));
  }
  const v1::MetricRecords& records_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_PERSON_TABLES_H_
