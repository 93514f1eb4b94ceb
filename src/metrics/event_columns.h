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

namespace divert::metrics {

// An optional text column whose values the fold codes into one of its
// dictionaries; a dictionary-encoded column is coded once per distinct
// value. Absent or null: "".
class CodedText {
 public:
  // FindUnlessEmpty's answer for a text its dictionary does not hold yet
  // (and, inside, the mark of a dictionary value not coded yet).
  static constexpr int32_t kNotCoded = kNone + 1;

  CodedText() = default;
  explicit CodedText(std::optional<TextView> view);

  absl::string_view Get(int64_t row) const {
    return view_ && !view_->IsNull(row) ? view_->Get(row) : absl::string_view();
  }
  // The dictionary value of `row` (no key when null or not
  // dictionary-encoded): equal keys, equal text.
  TextKey Key(int64_t row) const {
    return view_ && view_->is_dictionary() && !view_->IsNull(row) ? view_->Key(row)
                                                                 : TextKey();
  }
  int32_t Code(int64_t row, Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return dictionary.Code("");
    if (!view_->is_dictionary()) return dictionary.Code(view_->Get(row));
    const int64_t index = view_->Index(row);
    int32_t& code = codes_[static_cast<size_t>(index)];
    if (code == kNotCoded) code = dictionary.Code(view_->Value(index));
    return code;
  }
  // Loads what Code(row, dictionary) or CodeUnlessEmpty will read from
  // `dictionary`, unless the row's dictionary value is coded already: a
  // loop asks for a row several rows ahead.
  void Prefetch(int64_t row, const Dictionary& dictionary) const {
    if (!view_ || view_->IsNull(row)) return;
    if (!view_->is_dictionary()) {
      dictionary.Prefetch(view_->Get(row));
      return;
    }
    const int64_t index = view_->Index(row);
    if (codes_[static_cast<size_t>(index)] == kNotCoded) {
      dictionary.Prefetch(view_->Value(index));
    }
  }
  // The code CodeUnlessEmpty(row, dictionary) will give, when `dictionary`
  // holds the row's text already (then remembered, as CodeUnlessEmpty
  // remembers it); kNotCoded when it does not, without coding it.
  int32_t FindUnlessEmpty(int64_t row, const Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return kNone;
    if (!view_->is_dictionary()) {
      const absl::string_view text = view_->Get(row);
      if (text.empty()) return kNone;
      const int32_t code = dictionary.Find(text);
      return code == kNone ? kNotCoded : code;
    }
    const int64_t index = view_->Index(row);
    int32_t& code = codes_[static_cast<size_t>(index)];
    if (code == kNotCoded) {
      const absl::string_view text = view_->Value(index);
      if (text.empty()) {
        code = kNone;
      } else if (const int32_t found = dictionary.Find(text); found != kNone) {
        code = found;
      }
    }
    return code;
  }
  // As Code, but kNone (and no code) for null or "". A column is read
  // with Code or with CodeUnlessEmpty (and FindUnlessEmpty), not both.
  int32_t CodeUnlessEmpty(int64_t row, Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return kNone;
    if (!view_->is_dictionary()) {
      const absl::string_view text = view_->Get(row);
      return text.empty() ? kNone : dictionary.Code(text);
    }
    const int64_t index = view_->Index(row);
    int32_t& code = codes_[static_cast<size_t>(index)];
    if (code == kNotCoded) {
      const absl::string_view text = view_->Value(index);
      code = text.empty() ? kNone : dictionary.Code(text);
    }
    return code;
  }

 private:
  std::optional<TextView> view_;
  std::vector<int32_t> codes_;
};

// An optional integer column; absent or null: 0.
class OptionalInt {
 public:
  OptionalInt() = default;
  explicit OptionalInt(std::optional<IntView> view) : view_(view) {}
  int32_t Get(int64_t row) const {
    return view_ && !view_->IsNull(row) ? static_cast<int32_t>(view_->Get(row)) : 0;
  }

 private:
  std::optional<IntView> view_;
};

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
