// Reading one column of an Arrow record batch (C Data Interface) value by
// value: text, integers, floating point, booleans, dates and timestamps,
// dictionary-encoded values and lists of any of these. Nothing is copied;
// a reader views the caller's buffers.
#ifndef DIVERT_SRC_SCREENING_ARROW_INPUT_H_
#define DIVERT_SRC_SCREENING_ARROW_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "divert/screening/arrow_c.h"

namespace divert::screening {

// One value of a column.
struct Cell {
  enum class Kind { kNull, kText, kInt, kDouble, kBool, kTime, kCivilTime };
  Kind kind = Kind::kNull;
  absl::string_view text;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  // kTime: an instant; kCivilTime: a wall time with no zone (a date, or a
  // timestamp without a time zone), in `time` as if it were UTC.
  absl::Time time;
};

class ColumnReader {
 public:
  // A reader of `array` (length and offset as given) described by
  // `schema`. Both must outlive the reader. Fails for types it cannot
  // read, naming the column and its format string.
  static absl::StatusOr<std::unique_ptr<ColumnReader>> Create(
      const ArrowSchema& schema, const ArrowArray& array);
  virtual ~ColumnReader() = default;

  virtual Cell Get(int64_t row) const = 0;

  // For dictionary-encoded columns: the dictionary index of `row`, or -1
  // when it is null; the dictionary's values are read with dictionary().
  virtual bool is_dictionary() const { return false; }
  virtual int64_t DictionaryIndex(int64_t /*row*/) const { return -1; }
  virtual const ColumnReader* dictionary() const { return nullptr; }
  virtual int64_t dictionary_size() const { return 0; }

  // For list columns: the elements of `row` are values.Get(begin..end).
  virtual bool is_list() const { return false; }
  virtual void ListRange(int64_t /*row*/, int64_t* begin, int64_t* end) const {
    *begin = *end = 0;
  }
  virtual const ColumnReader* values() const { return nullptr; }

  // For utf8 and binary columns: the size of every value (nulls
  // included) when they all have one, else -1.
  virtual int64_t text_width() const { return -1; }
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_ARROW_INPUT_H_
