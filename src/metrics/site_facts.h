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

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/metrics/record_columns.h"
#include "divert/v1/metrics.pb.h"
#include "metrics/block_cache.h"
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

// The largest arrays of a fold (at a million referrals, hundreds of
// megabytes: the referrals being folded, their services, the
// fact tables' columns), kept emptied with their capacity from one fold
// to the next. A fold given one writes memory already mapped instead of
// fresh pages, each of which the kernel maps and clears on first touch.
// One fold at a time uses a FoldScratch.
class FoldScratch {
 public:
  FoldScratch();
  FoldScratch(const FoldScratch&) = delete;
  FoldScratch& operator=(const FoldScratch&) = delete;
  ~FoldScratch();

  struct Arrays;  // site_facts.cc
  Arrays& arrays() { return *arrays_; }
  // Blocks kept for the largest hash tables of a fold and arrays of the
  // computation over its facts.
  BlockCache& blocks();

 private:
  std::unique_ptr<Arrays> arrays_;
};

// At most one FoldScratch kept between folds, for folds that may run at
// once in several threads (a CompiledCatalog's): a fold takes the one kept
// (or a new one when another fold has it) and gives it back after.
class FoldScratchPool {
 public:
  std::unique_ptr<FoldScratch> Take();
  // Keeps `scratch` unless one is kept already (then deletes it).
  void Give(std::unique_ptr<FoldScratch> scratch);

 private:
  // A std::mutex, which ThreadSanitizer sees (the system's Abseil is not
  // built for it).
  std::mutex mutex_;
  std::unique_ptr<FoldScratch> kept_;  // guarded by mutex_
};

// A set of event kinds, by EventKind number.
using EventKindSet = std::bitset<v1::EventKind_ARRAYSIZE>;

// For each record kind (by RecordKind number), a mark for each field of
// its facts message; an empty vector marks every field.
using FieldsByKind = std::array<std::vector<bool>, v1::RecordKind_ARRAYSIZE>;

// How a fold runs.
struct FoldOptions {
  // The arrays to reuse, left those of this fold (but the facts': see
  // Recycle); null for none. The facts hold memory of it: they must be
  // recycled or deleted before it.
  FoldScratch* scratch = nullptr;
  // The kinds of event that get rows of the events table (a catalog
  // counts only some: CatalogPlan::counted_event_kinds). Every event still
  // folds into its referral's facts.
  EventKindSet event_kinds = EventKindSet().set();
  // The fields whose columns the facts tables keep (a catalog reads only
  // some: CatalogPlan::fields_read), by the record kind that reads them;
  // the participants' fields are the referrals table's too. The fold
  // keeps the fields it reads itself (person keys, the dates an age is
  // taken on) and those the events and services tables join from the
  // referrals'. Another field's column is left out (FactTable::KeepOnly).
  FieldsByKind fields;
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

// As the two above, run as `options` say.
absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const v1::MetricRecords& records, int32_t through_day, const FoldOptions& options);
absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const RecordColumns& columns, int32_t through_day, const FoldOptions& options);

// Gives the memory of `facts`' largest columns to `scratch` (for the next
// fold) and deletes them.
void Recycle(std::unique_ptr<SiteFacts> facts, FoldScratch* scratch);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_SITE_FACTS_H_
