// A site's records as Arrow tables (the C Data Interface,
// divert/screening/arrow_c.h): what a data scientist holds, folded straight
// into the metrics' fact tables without building a message per row. Any
// of the five tables may come as columns; the records not given as a table
// come from the MetricRecords message.
//
// The referrals table has one row per referral:
//   referral_id      required; integers, or text (utf8, large_utf8, or
//                    dictionary-encoded text)
//   person_key       text, optional (who the referral is about)
//   precinct, area   text, optional
// The events table has one row per ReferralEvent, in the order recorded:
//   referral_id      required; the referrals' referral_id type (integers,
//                    or text of any of the three encodings)
//   occurred_at      required; a timestamp (with a time zone: an instant,
//                    dated in the records' time zone; without one: the
//                    site's wall time), or a date32 (the local day)
//   kind             required; the event's field number in ReferralEvent's
//                    oneof (10 eligibility_recorded ... 60 exited) as an
//                    integer, or its name as text ("enrolled")
//   officer_id, agency, source, decision_id, case_manager_id, provider,
//   service_referral_id           text, optional
//   need, status, prosecutor_decision, arrest_outcome, exit_reason
//                    integers (the enum numbers), optional
//   new_due          date32 (extension_granted), optional
//   needs            list<struct<need: integer, state: integer>>
//                    (initial_screening, needs_recorded), optional
// Optional columns may be absent, and null where a message would leave the
// field unset. Each event reads the columns its kind has in
// referral.proto; the others are ignored.
//
// The people, encounters and arrests tables have a row per PersonRecord,
// EncounterRecord and ArrestRecord (metrics.proto), and a column per field,
// named as the field is:
//   people       person_key (text, required, never null, each once);
//                race_ethnicity, gender (RaceEthnicity and Gender
//                numbers: a list of integers a row, or one integer);
//                date_of_birth (a date); comparison_group (bool)
//   encounters   decision_id, person_key, precinct, area, agency,
//                officer_id (text); occurred_on (a date); pathway, outcome
//                (the enum numbers)
//   arrests      person_key, precinct, area (text); occurred_on (a date);
//                citation, booked, charged, lead_eligible (bool); jail_days
//                (integer)
// All but people's person_key are optional. A date may be a date32 or a
// timestamp (with a time zone: dated in the records' time zone); a bool
// may be any integer (0 is false).
#ifndef DIVERT_METRICS_RECORD_COLUMNS_H_
#define DIVERT_METRICS_RECORD_COLUMNS_H_

#include <vector>

#include "divert/screening/arrow_c.h"
#include "divert/v1/metrics.pb.h"

namespace divert::metrics {

// A table as record batches (struct arrays) that share `schema`. Borrowed:
// nothing here is released, and all of it must outlive the call it is
// passed to.
struct RecordBatches {
  const ArrowSchema* schema = nullptr;
  std::vector<const ArrowArray*> batches;
};

// A table not given has no schema (the default).
struct RecordColumns {
  // The records not given as tables (settings, time zone, meetings,
  // trainings, benchmarks, and any of the others). What a table gives must
  // be empty here: `events` and `subjects` when the referral log comes as
  // tables, `people`, `encounters` and `arrests` when they do.
  const v1::MetricRecords* records = nullptr;
  // The referral log: both tables, or neither.
  RecordBatches referrals;
  RecordBatches events;
  RecordBatches people;
  RecordBatches encounters;
  RecordBatches arrests;
};

}  // namespace divert::metrics

#endif  // DIVERT_METRICS_RECORD_COLUMNS_H_
