// A site's records folded into fact tables, once, as of a day.
//
// FoldRecords reads a MetricRecords (the referral log, people, encounters,
// meetings, arrests, trainings) and builds one FactTable per record kind.
// Referrals are folded from their events up to and including `through_day`
// (later events are left out), so "as of the period's end" questions read
// the state on that day. The fold follows the referral life cycle's Fold
// (src/referral/fold.cc) and its test checks that they agree.
#ifndef DIVERT_SRC_METRICS_SITE_FACTS_H_
#define DIVERT_SRC_METRICS_SITE_FACTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/metrics/record_columns.h"
#include "divert/v1/metrics.pb.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

struct SiteFacts {
  SiteFacts();
  SiteFacts(const SiteFacts&) = delete;
  SiteFacts& operator=(const SiteFacts&) = delete;

  std::string site;
  bool synthetic = false;
  int32_t through_day = 0;

  FactTable referrals;
  // Events and services, and the referral row each belongs to.
  FactTable events;
  std::vector<uint32_t> event_referral;
  FactTable services;
  std::vector<uint32_t> service_referral;
  FactTable decisions;
  FactTable meetings;
  FactTable arrests;
  FactTable trainings;
  // Benchmark populations by name: people per RaceGroup number.
  std::map<std::string, std::map<int32_t, int64_t>> benchmarks;

  // The table a record kind reads (participants: the referrals table).
  const FactTable* Table(v1::RecordKind kind) const;
};

// Folds `records` as of `through_day` (days since 1970-01-01, local).
// Fails with InvalidArgument, naming the event's index and referral id, for
// an event without a date, an event of a referral that has not started, an
// unknown time zone, or a subject or person listed twice.
absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const v1::MetricRecords& records, int32_t through_day);

// As above, with the referral log as Arrow columns (record_columns.h):
// the same facts as the records the columns stand for. Fails with
// InvalidArgument naming the table, column and row for a missing required
// column, a column of the wrong type, a null where a value is required,
// an event of a referral the referrals table does not list, or the
// errors above.
absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const RecordColumns& columns, int32_t through_day);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_SITE_FACTS_H_
