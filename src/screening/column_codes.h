// Turning the values of one column of a record batch into per-row codes.
// The caller gives each distinct value its code once; the row loops run
// over the raw Arrow buffers: dictionary arrays map each row's index
// through a table of the dictionary entries' codes, plain text looks each
// row's bytes up in a TextCodes that remembers texts across batches, and
// other types go value by value through a ColumnReader.
#ifndef DIVERT_SRC_SCREENING_COLUMN_CODES_H_
#define DIVERT_SRC_SCREENING_COLUMN_CODES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "divert/screening/arrow_c.h"
#include "screening/arrow_input.h"
#include "screening/text_codes.h"

namespace divert::screening {

class ColumnCoder {
 public:
  // The code of a value seen for the first time (the same code for equal
  // values; 0 is kept for null).
  using CodeOf = absl::FunctionRef<int32_t(const Cell&)>;

  // A coder of `array` described by `schema`; both must outlive it. Fails
  // for a type ColumnReader cannot read.
  static absl::StatusOr<ColumnCoder> Create(const ArrowSchema& schema,
                                            const ArrowArray& array);

  // The column, value by value (and its list structure, for lists).
  const ColumnReader& reader() const { return *reader_; }

  // Writes the codes of rows [begin, end) to out[0, end - begin): 0 for
  // null, else code_of's code for the value. `texts` remembers the codes
  // of plain text values across batches. Fails for a dictionary index
  // outside its dictionary.
  absl::Status Code(int64_t begin, int64_t end, TextCodes* texts,
                    CodeOf code_of, int32_t* out);

  // For a dictionary array of at most `limit` entries: gives every entry
  // its code and returns true (ColumnReader::Create has checked that every
  // row's index is inside the dictionary); each row's code is then
  // CodeAt(row), and the row loops below work on the indices themselves.
  // Else false.
  bool CodeAllEntries(int64_t limit, CodeOf code_of);
  // The entries' codes (after CodeAllEntries).
  const std::vector<int32_t>& entry_codes() const { return entry_codes_; }
  // The code of `row` (after CodeAllEntries returned true).
  int32_t CodeAt(int64_t row) const {
    const int64_t index = reader_->DictionaryIndex(row);
    return index < 0 ? 0 : entry_codes_[static_cast<size_t>(index)];
  }
  // After CodeAllEntries: out[r - begin] |= by_entry[index of row r] for
  // rows [begin, end) that are not null (`by_entry` has an element per
  // dictionary entry).
  void OrByEntry(int64_t begin, int64_t end, const uint64_t* by_entry,
                 uint64_t* out) const;
  // After CodeAllEntries: ++counts[index of row r] for rows [begin, end)
  // that are not null.
  void CountEntries(int64_t begin, int64_t end, int64_t* counts) const;

 private:
  enum class Layout { kValues, kText32, kText64, kDictionary };
  // The codes of `rows` texts of `width` bytes each (under 16: dates,
  // statute codes, one letter for a sex), one after the other from
  // `first`, the rows of a column without nulls whose texts all have one
  // size: read without their offsets. False, and nothing is written, for
  // other widths or when the last text is too near `limit`, the end of its
  // data, to be loaded in two words.
  static bool CodeTextOfOneWidth(int64_t width, const char* first, int64_t rows,
                                 const char* limit, TextCodes* texts,
                                 CodeOf code_of, int32_t* out);
  template <typename Offset>
  void CodeText(int64_t begin, int64_t end, TextCodes* texts, CodeOf code_of,
                int32_t* out) const;
  template <typename Visit>
  void ForEachIndex(int64_t begin, int64_t end, Visit visit) const;
  template <typename Index>
  absl::Status CodeDictionary(int64_t begin, int64_t end, CodeOf code_of,
                              int32_t* out);

  const ArrowSchema* schema_ = nullptr;
  const ArrowArray* array_ = nullptr;
  std::unique_ptr<ColumnReader> reader_;
  Layout layout_ = Layout::kValues;
  // Dictionary arrays: the index format, and each entry's code (-1 until
  // the entry is first used).
  char index_format_ = 0;
  std::vector<int32_t> entry_codes_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_COLUMN_CODES_H_
