// The referral log as Arrow columns (divert/metrics/record_columns.h), read
// row by row with the accessors the fold reads a ReferralEvent message
// with (site_facts.cc's ProtoEvent), so one fold serves both.
#ifndef DIVERT_SRC_METRICS_EVENT_COLUMNS_H_
#define DIVERT_SRC_METRICS_EVENT_COLUMNS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/screening/arrow_c.h"
#include "metrics/arrow_columns.h"
#include "metrics/fact_table.h"
#include "metrics/table_columns.h"

namespace divert::metrics {

// The columns of one record batch of the events table. `first_row` is the
// table's row number of the batch's first row, for errors.
class EventBatch {
 public:
  static absl::StatusOr<EventBatch> Of(const ArrowSchema& schema,
                                       const ArrowArray& batch,
                                       int64_t first_row);

  int64_t length() const { return length_; }
  int64_t first_row() const { return first_row_; }

  // The required columns; an error names the row for a null or a kind
  // that is not an event of ReferralEvent.
  absl::StatusOr<int> Kind(int64_t row);
  // Kind(row) ... Kind(row + count - 1) into kinds[0] ... kinds[count - 1],
  // kNone where Kind is an error (for the caller to ask Kind for it, in
  // its turn). Integer kinds are read a block at a time.
  void Kinds(int64_t row, int64_t count, int32_t* kinds);
  // The day (local, through `days` for an instant); kNone when null.
  template <typename LocalDaysT>
  int32_t Day(int64_t row, LocalDaysT& days) const {
    if (occurred_at_.IsNull(row)) return kNone;
    return occurred_at_.is_instant() ? days.DayOf(occurred_at_.Seconds(row))
                                     : occurred_at_.Day(row);
  }
  const TextView* text_referral_id() const {
    return text_referral_id_ ? &*text_referral_id_ : nullptr;
  }
  const IntView* int_referral_id() const {
    return int_referral_id_ ? &*int_referral_id_ : nullptr;
  }

  CodedText officer_id, agency, source, case_manager_id, provider;
  CodedText decision_id, service_referral_id;
  OptionalInt need, status, prosecutor_decision, arrest_outcome, exit_reason;

  // kNone when absent or null.
  int32_t NewDueDay(int64_t row) const {
    return new_due_ && !new_due_->IsNull(row) ? new_due_->Day(row) : kNone;
  }
  template <typename F>
  void ForEachNeed(int64_t row, F f) const {
    if (!needs_ || needs_->IsNull(row)) return;
    int64_t begin, end;
    needs_->Range(row, &begin, &end);
    for (int64_t i = begin; i < end; ++i) {
      f(static_cast<int32_t>(needs_->First(i)), static_cast<int32_t>(needs_->Second(i)));
    }
  }

 private:
  int64_t length_ = 0;
  int64_t first_row_ = 0;
  std::optional<TextView> text_referral_id_;
  std::optional<IntView> int_referral_id_;
  TimeView occurred_at_;
  std::optional<IntView> int_kind_;
  std::optional<TextView> text_kind_;
  std::vector<int32_t> kind_codes_;  // by dictionary index; kNone: not looked up
  std::vector<int64_t> block_;  // Kinds' integers
  std::optional<TimeView> new_due_;
  std::optional<PairListView> needs_;
};

// One event of an EventBatch, read as site_facts.cc reads a message.
class ColumnEvent {
 public:
  ColumnEvent(EventBatch* batch, int64_t row, int kind)
      : batch_(batch), row_(row), kind_(kind) {}

  int kind() const { return kind_; }
  int32_t Officer(Dictionary& d) const { return batch_->officer_id.Code(row_, d); }
  int32_t Agency(Dictionary& d) const { return batch_->agency.Code(row_, d); }
  int32_t Source(Dictionary& d) const { return batch_->source.Code(row_, d); }
  int32_t CaseManager(Dictionary& d) const {
    return batch_->case_manager_id.Code(row_, d);
  }
  int32_t Provider(Dictionary& d) const { return batch_->provider.Code(row_, d); }
  absl::string_view decision_id() const { return batch_->decision_id.Get(row_); }
  absl::string_view service_referral_id() const {
    return batch_->service_referral_id.Get(row_);
  }
  TextKey service_referral_key() const {
    return batch_->service_referral_id.Key(row_);
  }
  // Loads the memory service_referral_key() will read first.
  void PrefetchServiceReferral() const { batch_->service_referral_id.PrefetchRow(row_); }
  int32_t need() const { return batch_->need.Get(row_); }
  int32_t status() const { return batch_->status.Get(row_); }
  int32_t prosecutor_decision() const {
    return batch_->prosecutor_decision.Get(row_);
  }
  int32_t arrest_outcome() const { return batch_->arrest_outcome.Get(row_); }
  int32_t exit_reason() const { return batch_->exit_reason.Get(row_); }
  int32_t new_due_day() const { return batch_->NewDueDay(row_); }
  template <typename F>
  void ForEachNeed(F f) const {
    batch_->ForEachNeed(row_, f);
  }

 private:
  EventBatch* batch_;
  int64_t row_;
  int kind_;
};

// The referrals table's columns in one record batch.
struct ReferralBatch {
  static absl::StatusOr<ReferralBatch> Of(const ArrowSchema& schema,
                                          const ArrowArray& batch,
                                          int64_t first_row);

  int64_t length = 0;
  int64_t first_row = 0;
  std::optional<TextView> text_id;
  std::optional<IntView> int_id;
  CodedText person_key, precinct, area;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_EVENT_COLUMNS_H_
