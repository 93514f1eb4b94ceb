// Reading the columns of the columnar input's tables (events, referrals,
// people, encounters, arrests) by name: optional text and integer columns,
// and errors that name the table and the column.
#ifndef DIVERT_SRC_METRICS_TABLE_COLUMNS_H_
#define DIVERT_SRC_METRICS_TABLE_COLUMNS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/screening/arrow_c.h"
#include "metrics/arrow_columns.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

// An optional text column whose values the fold codes into one of its
// dictionaries; a dictionary-encoded column whose values repeat (a
// dictionary of at most half as many values as rows) is coded once per
// distinct value. Absent or null: "".
class CodedText {
 public:
  // FindUnlessEmpty's answer for a text its dictionary does not hold yet
  // (and, inside, the mark of a dictionary value not coded yet).
  static constexpr int32_t kNotCoded = kNone + 1;

  CodedText() = default;
  // `view` of a batch of `rows` rows.
  CodedText(std::optional<TextView> view, int64_t rows);

  bool IsNull(int64_t row) const { return !view_ || view_->IsNull(row); }
  absl::string_view Get(int64_t row) const {
    return view_ && !view_->IsNull(row) ? view_->Get(row) : absl::string_view();
  }
  // The dictionary value of `row` (no key when null or not
  // dictionary-encoded): equal keys, equal text.
  TextKey Key(int64_t row) const {
    return view_ && view_->is_dictionary() && !view_->IsNull(row) ? view_->Key(row)
                                                                 : TextKey();
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE int32_t Code(int64_t row, Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return dictionary.Code("");
    if (codes_.empty()) return dictionary.Code(view_->Get(row));
    const int64_t index = view_->Index(row);
    int32_t& code = codes_[static_cast<size_t>(index)];
    if (code == kNotCoded) code = dictionary.Code(view_->Value(index));
    return code;
  }
  // Loads what Code(row, dictionary) or CodeUnlessEmpty will read from
  // `dictionary`, unless the row's dictionary value is coded already: a
  // loop asks for a row several rows ahead. A dictionary-encoded column's
  // values are read at random, so it also asks for what this call will
  // read, in two steps: the value's code and offsets kStepRows * 2 rows
  // further on, and its text kStepRows further on.
  void Prefetch(int64_t row, const Dictionary& dictionary) const {
    if (!view_) return;
    if (view_->is_dictionary()) PrefetchDictionaryValues(row);
    if (view_->IsNull(row)) return;
    if (codes_.empty()) {
      dictionary.Prefetch(view_->Get(row));
      return;
    }
    const int64_t index = view_->Index(row);
    if (codes_[static_cast<size_t>(index)] == kNotCoded) {
      dictionary.Prefetch(view_->Value(index));
    }
  }
  // Loads the memory Get(row) and Key(row) will read first.
  void PrefetchRow(int64_t row) const {
    if (view_) view_->PrefetchRow(row);
  }
  // The code CodeUnlessEmpty(row, dictionary) will give, when `dictionary`
  // holds the row's text already (then remembered, as CodeUnlessEmpty
  // remembers it); kNotCoded when it does not, without coding it.
  int32_t FindUnlessEmpty(int64_t row, const Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return kNone;
    if (codes_.empty()) {
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
  ABSL_ATTRIBUTE_ALWAYS_INLINE int32_t CodeUnlessEmpty(int64_t row, Dictionary& dictionary) {
    if (!view_ || view_->IsNull(row)) return kNone;
    if (codes_.empty()) return dictionary.CodeUnlessEmpty(view_->Get(row));
    const int64_t index = view_->Index(row);
    int32_t& code = codes_[static_cast<size_t>(index)];
    if (code == kNotCoded) code = dictionary.CodeUnlessEmpty(view_->Value(index));
    return code;
  }

 private:
  static constexpr int64_t kStepRows = 16;

  // The two steps before Prefetch's own (see Prefetch), for the rows after
  // `row`.
  void PrefetchDictionaryValues(int64_t row) const {
    if (row + 2 * kStepRows < rows_ && !view_->IsNull(row + 2 * kStepRows)) {
      const int64_t index = view_->Index(row + 2 * kStepRows);
      view_->PrefetchValueOffsets(index);
      if (!codes_.empty()) __builtin_prefetch(&codes_[static_cast<size_t>(index)]);
    }
    if (row + kStepRows < rows_ && !view_->IsNull(row + kStepRows)) {
      const int64_t index = view_->Index(row + kStepRows);
      if (codes_.empty() || codes_[static_cast<size_t>(index)] == kNotCoded) {
        view_->PrefetchValue(index);
      }
    }
  }

  std::optional<TextView> view_;
  int64_t rows_ = 0;
  // By dictionary index, its code (kNotCoded: not coded yet); empty when
  // the column is coded row by row.
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

// "events column 'kind'": how errors name a column.
std::string ColumnName(absl::string_view table, absl::string_view column);

// The column `name` of a record batch; both null when the table has none.
struct Column {
  const ArrowSchema* schema = nullptr;
  const ArrowArray* array = nullptr;
};
Column ColumnOf(const ArrowSchema& schema, const ArrowArray& batch,
                absl::string_view name);

// "events: the required column 'kind' is missing".
absl::Status MissingColumn(absl::string_view table, absl::string_view name);

// The column `name` of `table`'s batch read as a View (IntView,
// TextView, TimeView, IntListView: their Of); nullopt when it is absent.
template <typename View>
absl::StatusOr<std::optional<View>> OptionalColumn(const ArrowSchema& schema,
                                                   const ArrowArray& batch,
                                                   absl::string_view table,
                                                   absl::string_view name) {
  const Column c = ColumnOf(schema, batch, name);
  if (c.schema == nullptr) return std::optional<View>();
  absl::StatusOr<View> view =
      View::Of(*c.schema, *c.array, ColumnName(table, name), batch.offset);
  if (!view.ok()) return view.status();
  return std::optional<View>(*std::move(view));
}

// An optional column of `table`'s batch; absent: a column of nulls.
absl::StatusOr<CodedText> OptionalText(const ArrowSchema& schema,
                                       const ArrowArray& batch,
                                       absl::string_view table,
                                       absl::string_view name);
absl::StatusOr<OptionalInt> OptionalInteger(const ArrowSchema& schema,
                                            const ArrowArray& batch,
                                            absl::string_view table,
                                            absl::string_view name);

// Optional text columns and where each goes.
struct TextField {
  CodedText* out;
  const char* name;
};
absl::Status ReadTexts(const ArrowSchema& schema, const ArrowArray& batch,
                       absl::string_view table,
                       std::initializer_list<TextField> fields);

// Optional integer (or bool) columns and where each goes.
struct IntField {
  OptionalInt* out;
  const char* name;
};
absl::Status ReadIntegers(const ArrowSchema& schema, const ArrowArray& batch,
                          absl::string_view table,
                          std::initializer_list<IntField> fields);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_TABLE_COLUMNS_H_
