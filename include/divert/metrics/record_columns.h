// A site's records with the referral log as Arrow columns (the C Data
// Interface, divert/screening/arrow_c.h): what a data scientist holds, a
// table of referrals and a table of events, folded straight into the
// metrics' fact tables without building a message per event.
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

struct RecordColumns {
  // Everything but the referral log (settings, time zone, people,
  // encounters, meetings, arrests, trainings, benchmarks); its `events`
  // and `subjects` must be empty.
  const v1::MetricRecords* records = nullptr;
  RecordBatches referrals;
  RecordBatches events;
};

}  // namespace divert::metrics

#endif  // DIVERT_METRICS_RECORD_COLUMNS_H_
