// Typed, copy-free views of the columns of an Arrow record batch (C Data
// Interface), for the metrics' columnar input: integers, text (plain, large
// or dictionary-encoded), times and lists of structs of integers. Each view
// checks its column's type once; reading a value is then a load or two.
#ifndef DIVERT_SRC_METRICS_ARROW_COLUMNS_H_
#define DIVERT_SRC_METRICS_ARROW_COLUMNS_H_

#include <cstdint>
#include <string>

#include "absl/base/attributes.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/screening/arrow_c.h"

namespace divert::metrics {

// The validity bitmap of a column (none: no nulls).
struct Validity {
  const uint8_t* bits = nullptr;
  int64_t offset = 0;

  bool IsNull(int64_t row) const {
    if (bits == nullptr) return false;
    const int64_t i = row + offset;
    return ((bits[i >> 3] >> (i & 7)) & 1) == 0;
  }
};

// Each view reads a column of a record batch; `batch_offset` is the
// batch's own offset, which shifts its columns. Rows are the batch's.

// Any integer type (int8 ... uint64) or bool.
class IntView {
 public:
  static bool Accepts(absl::string_view format);
  // `what` names the column in errors ("events column 'need'").
  static absl::StatusOr<IntView> Of(const ArrowSchema& schema,
                                    const ArrowArray& array,
                                    absl::string_view what,
                                    int64_t batch_offset = 0);

  bool IsNull(int64_t row) const { return validity_.IsNull(row); }
  ABSL_ATTRIBUTE_ALWAYS_INLINE int64_t Get(int64_t row) const {
    const int64_t i = row + offset_;
    switch (width_) {
      case 1:
        return is_signed_ ? static_cast<const int8_t*>(values_)[i]
                          : static_cast<const uint8_t*>(values_)[i];
      case 2:
        return is_signed_ ? static_cast<const int16_t*>(values_)[i]
                          : static_cast<const uint16_t*>(values_)[i];
      case 4:
        return is_signed_ ? static_cast<const int32_t*>(values_)[i]
                          : static_cast<const uint32_t*>(values_)[i];
      case 8:
        return static_cast<const int64_t*>(values_)[i];
      default:  // bool
        return (static_cast<const uint8_t*>(values_)[i >> 3] >> (i & 7)) & 1;
    }
  }
  // Get(row) ... Get(row + count - 1) into out[0] ... out[count - 1]: one
  // loop per width, for a block of rows read without a switch per row.
  void GetBlock(int64_t row, int64_t count, int64_t* out) const {
    const int64_t i = row + offset_;
    switch (width_) {
      case 1:
        return is_signed_ ? Widen(static_cast<const int8_t*>(values_) + i, count, out)
                          : Widen(static_cast<const uint8_t*>(values_) + i, count, out);
      case 2:
        return is_signed_ ? Widen(static_cast<const int16_t*>(values_) + i, count, out)
                          : Widen(static_cast<const uint16_t*>(values_) + i, count, out);
      case 4:
        return is_signed_ ? Widen(static_cast<const int32_t*>(values_) + i, count, out)
                          : Widen(static_cast<const uint32_t*>(values_) + i, count, out);
      case 8:
        return Widen(static_cast<const int64_t*>(values_) + i, count, out);
      default:
        for (int64_t k = 0; k < count; ++k) out[k] = Get(row + k);
    }
  }
  // Whether some row may be null (the column has a validity bitmap).
  bool may_have_nulls() const { return validity_.bits != nullptr; }
  // Loads the memory Get(row) will read (a loop asks for a row well ahead).
  void Prefetch(int64_t row) const {
    const int64_t i = row + offset_;
    __builtin_prefetch(width_ == 0 ? static_cast<const char*>(values_) + (i >> 3)
                                   : static_cast<const char*>(values_) + i * width_);
  }

 private:
  template <typename T>
  static void Widen(const T* values, int64_t count, int64_t* out) {
    for (int64_t k = 0; k < count; ++k) out[k] = values[k];
  }

  const void* values_ = nullptr;
  int width_ = 0;  // bytes; 0 for bool
  bool is_signed_ = true;
  int64_t offset_ = 0;
  Validity validity_;
};

// A value of a dictionary: its values' buffer and its index there;
// {nullptr, 0} stands for no key.
struct TextKey {
  const void* values = nullptr;
  int64_t index = 0;

  bool operator==(const TextKey& other) const {
    return values == other.values && index == other.index;
  }
};

// utf8, large_utf8 (or binary), or either dictionary-encoded.
class TextView {
 public:
  static bool Accepts(const ArrowSchema& schema);
  static absl::StatusOr<TextView> Of(const ArrowSchema& schema,
                                     const ArrowArray& array,
                                     absl::string_view what,
                                     int64_t batch_offset = 0);

  bool IsNull(int64_t row) const {
    return dictionary_ ? indices_.IsNull(row) : validity_.IsNull(row);
  }
  // A null is "".
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::string_view Get(int64_t row) const {
    return dictionary_ ? Value(indices_.Get(row)) : Plain(row + offset_);
  }
  // Dictionary-encoded: the index of `row`, and the dictionary's size and
  // values.
  bool is_dictionary() const { return dictionary_; }
  int64_t Index(int64_t row) const { return indices_.Get(row); }
  // Loads the memory Index(row) (dictionary-encoded) or the offsets of
  // Get(row) will read.
  void PrefetchRow(int64_t row) const {
    if (dictionary_) {
      indices_.Prefetch(row);
    } else {
      __builtin_prefetch(static_cast<const char*>(offsets_) +
                         (row + offset_) * (large_ ? 8 : 4));
    }
  }
  const IntView& indices() const { return indices_; }
  int64_t dictionary_size() const { return dictionary_length_; }
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::string_view Value(int64_t index) const {
    return Plain(index + dictionary_offset_);
  }
  // Loads the offsets Value(index) will read; then, once they are loaded
  // (a few rows later in a loop), PrefetchValue loads its text.
  void PrefetchValueOffsets(int64_t index) const {
    __builtin_prefetch(static_cast<const char*>(offsets_) +
                       (index + dictionary_offset_) * (large_ ? 8 : 4));
  }
  void PrefetchValue(int64_t index) const { __builtin_prefetch(Value(index).data()); }
  // Dictionary-encoded: which value of which dictionary `row` holds (equal
  // keys, equal text; unequal keys may still be equal text).
  TextKey Key(int64_t row) const {
    return {offsets_, Index(row) + dictionary_offset_};
  }
  // Whether both are dictionary-encoded with the same dictionary (the same
  // memory: batches of one stream often share theirs).
  bool SameDictionary(const TextView& other) const {
    return dictionary_ && other.dictionary_ && offsets_ == other.offsets_ &&
           chars_ == other.chars_ && large_ == other.large_ &&
           dictionary_offset_ == other.dictionary_offset_ &&
           dictionary_length_ == other.dictionary_length_;
  }

 private:
  ABSL_ATTRIBUTE_ALWAYS_INLINE absl::string_view Plain(int64_t i) const {
    if (large_) {
      const auto* o = static_cast<const int64_t*>(offsets_);
      return absl::string_view(chars_ + o[i], static_cast<size_t>(o[i + 1] - o[i]));
    }
    const auto* o = static_cast<const int32_t*>(offsets_);
    return absl::string_view(chars_ + o[i], static_cast<size_t>(o[i + 1] - o[i]));
  }

  bool dictionary_ = false;
  IntView indices_;
  int64_t dictionary_length_ = 0;
  int64_t dictionary_offset_ = 0;
  // The text values (the dictionary's, for a dictionary-encoded column).
  const void* offsets_ = nullptr;
  const char* chars_ = nullptr;
  bool large_ = false;
  int64_t offset_ = 0;
  Validity validity_;
};

// A timestamp (any unit, with or without a time zone), date32 or date64.
class TimeView {
 public:
  static absl::StatusOr<TimeView> Of(const ArrowSchema& schema,
                                     const ArrowArray& array,
                                     absl::string_view what,
                                     int64_t batch_offset = 0);

  bool IsNull(int64_t row) const { return raw_.IsNull(row); }
  // An instant (a timestamp with a time zone): Seconds() is Unix time.
  // Otherwise a local wall time or date: Day() is the local day.
  bool is_instant() const { return instant_; }
  // (Seconds and days need no division, the common case, when the column
  // holds them: a division by a number known only at run time is slow.)
  int64_t Seconds(int64_t row) const {
    return per_second_ == 1 ? raw_.Get(row) : FloorDiv(raw_.Get(row), per_second_);
  }
  int32_t Day(int64_t row) const {
    return static_cast<int32_t>(per_day_ == 1 ? raw_.Get(row)
                                              : FloorDiv(raw_.Get(row), per_day_));
  }

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && (a < 0)) ? q - 1 : q;
  }

  IntView raw_;
  bool instant_ = false;
  int64_t per_second_ = 1;
  int64_t per_day_ = 1;
};

// list<struct<...>> whose struct has integer fields `first` and `second`
// (needs: need and state).
class PairListView {
 public:
  static absl::StatusOr<PairListView> Of(const ArrowSchema& schema,
                                         const ArrowArray& array,
                                         absl::string_view what,
                                         absl::string_view first,
                                         absl::string_view second,
                                         int64_t batch_offset = 0);

  bool IsNull(int64_t row) const { return validity_.IsNull(row); }
  // The elements of `row` are begin..end, read with First() and Second().
  void Range(int64_t row, int64_t* begin, int64_t* end) const {
    const int64_t i = row + offset_;
    *begin = offsets_[i] + item_offset_;
    *end = offsets_[i + 1] + item_offset_;
  }
  int64_t First(int64_t item) const { return first_.Get(item); }
  int64_t Second(int64_t item) const { return second_.Get(item); }

 private:
  const int32_t* offsets_ = nullptr;
  int64_t offset_ = 0;
  int64_t item_offset_ = 0;  // the struct array's own offset
  Validity validity_;
  IntView first_;
  IntView second_;
};

// Integers, one or several a row: list<integer>, or a plain integer
// column (one value a row). HMIS's multi-select answers (race and
// ethnicity, gender) as numbers.
class IntListView {
 public:
  static absl::StatusOr<IntListView> Of(const ArrowSchema& schema,
                                        const ArrowArray& array,
                                        absl::string_view what,
                                        int64_t batch_offset = 0);

  // Calls f(value) for each value of `row` (none when null).
  template <typename F>
  void ForEach(int64_t row, F f) const {
    if (validity_.IsNull(row)) return;
    if (offsets_ == nullptr) {
      f(values_.Get(row));
      return;
    }
    const int64_t i = row + offset_;
    for (int64_t item = offsets_[i]; item < offsets_[i + 1]; ++item) {
      if (!values_.IsNull(item)) f(values_.Get(item));
    }
  }

 private:
  const int32_t* offsets_ = nullptr;  // null: one value a row
  int64_t offset_ = 0;
  Validity validity_;
  IntView values_;
};

// The index of the column called `name` in a record batch's schema; -1
// when there is none.
int FindColumn(const ArrowSchema& schema, absl::string_view name);

// Checks that `batch` is a record batch of `schema` (a struct with as many
// children); `table` names it in the error.
absl::Status CheckBatch(const ArrowSchema& schema, const ArrowArray& batch,
                        absl::string_view table);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_ARROW_COLUMNS_H_
