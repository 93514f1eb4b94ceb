#include "metrics/event_columns.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "divert/v1/referral.pb.h"

namespace divert::metrics {
namespace {

// A referral_id column: integers or text.
absl::Status ReadId(const ArrowSchema& schema, const ArrowArray& batch,
                    absl::string_view table, std::optional<TextView>* text,
                    std::optional<IntView>* integer) {
  const Column c = ColumnOf(schema, batch, "referral_id");
  if (c.schema == nullptr) return MissingColumn(table, "referral_id");
  const std::string what = ColumnName(table, "referral_id");
  if (c.schema->dictionary == nullptr && IntView::Accepts(c.schema->format)) {
    absl::StatusOr<IntView> view = IntView::Of(*c.schema, *c.array, what, batch.offset);
    if (!view.ok()) return view.status();
    *integer = *view;
    return absl::OkStatus();
  }
  if (!TextView::Accepts(*c.schema)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": expected integers or text, got Arrow format '",
        c.schema->format == nullptr ? "" : c.schema->format, "'"));
  }
  absl::StatusOr<TextView> view = TextView::Of(*c.schema, *c.array, what, batch.offset);
  if (!view.ok()) return view.status();
  *text = *view;
  return absl::OkStatus();
}

// Which numbers below 128 are field numbers of ReferralEvent's oneof,
// looked up once.
const std::array<bool, 128>& EventKinds() {
  static const std::array<bool, 128> kKinds = [] {
    std::array<bool, 128> kinds{};
    const google::protobuf::OneofDescriptor* oneof =
        v1::ReferralEvent::descriptor()->FindOneofByName("event");
    for (int i = 0; i < oneof->field_count(); ++i) {
      const int n = oneof->field(i)->number();
      if (n >= 0 && n < 128) kinds[static_cast<size_t>(n)] = true;
    }
    return kinds;
  }();
  return kKinds;
}

bool IsEventKind(const std::array<bool, 128>& kinds, int64_t number) {
  return number >= 0 && number < 128 && kinds[static_cast<size_t>(number)];
}

}  // namespace

absl::StatusOr<EventBatch> EventBatch::Of(const ArrowSchema& schema,
                                          const ArrowArray& batch,
                                          int64_t first_row) {
  if (absl::Status s = CheckBatch(schema, batch, "events"); !s.ok()) return s;
  EventBatch out;
  out.length_ = batch.length;
  out.first_row_ = first_row;
  if (absl::Status s = ReadId(schema, batch, "events", &out.text_referral_id_,
                              &out.int_referral_id_);
      !s.ok()) {
    return s;
  }
  const Column occurred = ColumnOf(schema, batch, "occurred_at");
  if (occurred.schema == nullptr) return MissingColumn("events", "occurred_at");
  absl::StatusOr<TimeView> time = TimeView::Of(
      *occurred.schema, *occurred.array, ColumnName("events", "occurred_at"), batch.offset);
  if (!time.ok()) return time.status();
  out.occurred_at_ = *time;

  const Column kind = ColumnOf(schema, batch, "kind");
  if (kind.schema == nullptr) return MissingColumn("events", "kind");
  const std::string kind_what = ColumnName("events", "kind");
  if (kind.schema->dictionary == nullptr && IntView::Accepts(kind.schema->format)) {
    absl::StatusOr<IntView> view = IntView::Of(*kind.schema, *kind.array, kind_what, batch.offset);
    if (!view.ok()) return view.status();
    out.int_kind_ = *view;
  } else {
    absl::StatusOr<TextView> view = TextView::Of(*kind.schema, *kind.array, kind_what, batch.offset);
    if (!view.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kind_what, ": expected integers (ReferralEvent field numbers) or "
          "text (their names), got Arrow format '", kind.schema->format, "'"));
    }
    out.text_kind_ = *view;
    if (view->is_dictionary()) {
      out.kind_codes_.assign(static_cast<size_t>(view->dictionary_size()), kNone);
    }
  }

  if (absl::Status s = ReadTexts(
          schema, batch, "events",
          {{&out.officer_id, "officer_id"},
           {&out.agency, "agency"},
           {&out.source, "source"},
           {&out.case_manager_id, "case_manager_id"},
           {&out.provider, "provider"},
           {&out.decision_id, "decision_id"},
           {&out.service_referral_id, "service_referral_id"}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadIntegers(schema, batch, "events",
                                    {{&out.need, "need"},
                                     {&out.status, "status"},
                                     {&out.prosecutor_decision, "prosecutor_decision"},
                                     {&out.arrest_outcome, "arrest_outcome"},
                                     {&out.exit_reason, "exit_reason"}});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<TimeView>> due =
      OptionalColumn<TimeView>(schema, batch, "events", "new_due");
  if (!due.ok()) return due.status();
  if (*due && (*due)->is_instant()) {
    return absl::InvalidArgumentError(absl::StrCat(
        ColumnName("events", "new_due"), ": expected a date, got a timestamp with a time zone"));
  }
  out.new_due_ = *due;
  if (const Column c = ColumnOf(schema, batch, "needs"); c.schema != nullptr) {
    absl::StatusOr<PairListView> needs = PairListView::Of(
        *c.schema, *c.array, ColumnName("events", "needs"), "need", "state", batch.offset);
    if (!needs.ok()) return needs.status();
    out.needs_ = *needs;
  }
  return out;
}

void EventBatch::Kinds(int64_t row, int64_t count, int32_t* kinds) {
  if (!int_kind_ || int_kind_->may_have_nulls()) {
    for (int64_t i = 0; i < count; ++i) {
      const absl::StatusOr<int> kind = Kind(row + i);
      kinds[i] = kind.ok() ? *kind : kNone;
    }
    return;
  }
  block_.resize(static_cast<size_t>(count));
  int_kind_->GetBlock(row, count, block_.data());
  const std::array<bool, 128>& event_kinds = EventKinds();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t number = block_[static_cast<size_t>(i)];
    kinds[i] = IsEventKind(event_kinds, number) ? static_cast<int32_t>(number) : kNone;
  }
}

absl::StatusOr<int> EventBatch::Kind(int64_t row) {
  const bool null = int_kind_ ? int_kind_->IsNull(row) : text_kind_->IsNull(row);
  if (null) {
    return absl::InvalidArgumentError(absl::StrCat(
        "events row ", first_row_ + row, ": 'kind' is null"));
  }
  if (int_kind_) {
    const int64_t number = int_kind_->Get(row);
    if (!IsEventKind(EventKinds(), number)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "events row ", first_row_ + row, ": 'kind' ", number,
          " is not the field number of an event of divert.v1.ReferralEvent"));
    }
    return static_cast<int>(number);
  }
  int32_t* cached = nullptr;
  if (text_kind_->is_dictionary()) {
    cached = &kind_codes_[static_cast<size_t>(text_kind_->Index(row))];
    if (*cached != kNone) return *cached;
  }
  const absl::string_view name = text_kind_->Get(row);
  const google::protobuf::FieldDescriptor* field =
      v1::ReferralEvent::descriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->containing_oneof() == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "events row ", first_row_ + row, ": 'kind' '", name,
        "' is not an event of divert.v1.ReferralEvent"));
  }
  if (cached != nullptr) *cached = field->number();
  return field->number();
}

absl::StatusOr<ReferralBatch> ReferralBatch::Of(const ArrowSchema& schema,
                                                const ArrowArray& batch,
                                                int64_t first_row) {
  if (absl::Status s = CheckBatch(schema, batch, "referrals"); !s.ok()) return s;
  ReferralBatch out;
  out.length = batch.length;
  out.first_row = first_row;
  if (absl::Status s = ReadId(schema, batch, "referrals", &out.text_id, &out.int_id);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadTexts(schema, batch, "referrals",
                                 {{&out.person_key, "person_key"},
                                  {&out.precinct, "precinct"},
                                  {&out.area, "area"}});
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace divert::metrics
