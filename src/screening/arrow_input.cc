#include "screening/arrow_input.h"

#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace divert::screening {
namespace {

// Far more slots than any batch has; keeps byte counts from overflowing.
constexpr int64_t kMaxArrowSlots = int64_t{1} << 48;

bool BitSet(const void* bits, int64_t i) {
  return (static_cast<const uint8_t*>(bits)[i >> 3] >> (i & 7)) & 1;
}

// Validity and offset, shared by every physical layout.
class ArrayBase : public ColumnReader {
 public:
  explicit ArrayBase(const ArrowArray& array)
      : validity_(array.null_count != 0 && array.n_buffers > 0
                      ? array.buffers[0]
                      : nullptr),
        offset_(array.offset) {}

 protected:
  bool IsNull(int64_t row) const {
    return validity_ != nullptr && !BitSet(validity_, row + offset_);
  }
  int64_t At(int64_t row) const { return row + offset_; }

 private:
  const void* validity_;
  int64_t offset_;
};

template <typename Offset>
class TextReader final : public ArrayBase {
 public:
  TextReader(const ArrowArray& array, int64_t text_width)
      : ArrayBase(array),
        offsets_(static_cast<const Offset*>(array.buffers[1])),
        data_(static_cast<const char*>(array.buffers[2])),
        text_width_(text_width) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    const int64_t i = At(row);
    cell.kind = Cell::Kind::kText;
    cell.text = absl::string_view(data_ + offsets_[i],
                                  static_cast<size_t>(offsets_[i + 1] - offsets_[i]));
    return cell;
  }
  int64_t text_width() const override { return text_width_; }

 private:
  const Offset* offsets_;
  const char* data_;
  const int64_t text_width_;
};

// Utf8View / BinaryView: 16-byte views, short strings inline.
class TextViewReader final : public ArrayBase {
 public:
  explicit TextViewReader(const ArrowArray& array)
      : ArrayBase(array),
        views_(static_cast<const uint8_t*>(array.buffers[1])),
        buffers_(array.buffers + 2) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    const uint8_t* view = views_ + 16 * At(row);
    int32_t length;
    std::memcpy(&length, view, 4);
    cell.kind = Cell::Kind::kText;
    if (length <= 12) {
      cell.text = absl::string_view(reinterpret_cast<const char*>(view + 4),
                                    static_cast<size_t>(length));
    } else {
      int32_t buffer, offset;
      std::memcpy(&buffer, view + 8, 4);
      std::memcpy(&offset, view + 12, 4);
      cell.text = absl::string_view(
          static_cast<const char*>(buffers_[buffer]) + offset,
          static_cast<size_t>(length));
    }
    return cell;
  }

 private:
  const uint8_t* views_;
  const void* const* buffers_;
};

template <typename T>
class IntReader final : public ArrayBase {
 public:
  explicit IntReader(const ArrowArray& array)
      : ArrayBase(array), data_(static_cast<const T*>(array.buffers[1])) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    cell.kind = Cell::Kind::kInt;
    cell.integer = static_cast<int64_t>(data_[At(row)]);
    return cell;
  }
  int64_t Raw(int64_t row) const {
    return IsNull(row) ? -1 : static_cast<int64_t>(data_[At(row)]);
  }

 private:
  const T* data_;
};

template <typename T>
class RealReader final : public ArrayBase {
 public:
  explicit RealReader(const ArrowArray& array)
      : ArrayBase(array), data_(static_cast<const T*>(array.buffers[1])) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    cell.kind = Cell::Kind::kDouble;
    cell.real = static_cast<double>(data_[At(row)]);
    return cell;
  }

 private:
  const T* data_;
};

class BoolReader final : public ArrayBase {
 public:
  explicit BoolReader(const ArrowArray& array)
      : ArrayBase(array), bits_(array.buffers[1]) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    cell.kind = Cell::Kind::kBool;
    cell.boolean = BitSet(bits_, At(row));
    return cell;
  }

 private:
  const void* bits_;
};

// Dates and timestamps: an integer count of `unit` since the epoch.
template <typename T>
class TimeReader final : public ArrayBase {
 public:
  TimeReader(const ArrowArray& array, absl::Duration unit, bool zoned)
      : ArrayBase(array),
        data_(static_cast<const T*>(array.buffers[1])),
        unit_(unit),
        zoned_(zoned) {}
  Cell Get(int64_t row) const override {
    Cell cell;
    if (IsNull(row)) return cell;
    cell.kind = zoned_ ? Cell::Kind::kTime : Cell::Kind::kCivilTime;
    cell.time = absl::UnixEpoch() + unit_ * static_cast<int64_t>(data_[At(row)]);
    return cell;
  }

 private:
  const T* data_;
  absl::Duration unit_;
  bool zoned_;
};

// Indices into a dictionary of values.
template <typename Index>
class DictionaryReader final : public ArrayBase {
 public:
  DictionaryReader(const ArrowArray& array,
                   std::unique_ptr<ColumnReader> dictionary, int64_t size)
      : ArrayBase(array),
        indices_(static_cast<const Index*>(array.buffers[1])),
        dictionary_(std::move(dictionary)),
        size_(size) {}
  Cell Get(int64_t row) const override {
    const int64_t index = DictionaryIndex(row);
    return index < 0 ? Cell() : dictionary_->Get(index);
  }
  bool is_dictionary() const override { return true; }
  int64_t DictionaryIndex(int64_t row) const override {
    return IsNull(row) ? -1 : static_cast<int64_t>(indices_[At(row)]);
  }
  const ColumnReader* dictionary() const override { return dictionary_.get(); }
  int64_t dictionary_size() const override { return size_; }

 private:
  const Index* indices_;
  std::unique_ptr<ColumnReader> dictionary_;
  int64_t size_;
};

template <typename Offset>
class ListReader final : public ArrayBase {
 public:
  ListReader(const ArrowArray& array, std::unique_ptr<ColumnReader> values)
      : ArrayBase(array),
        offsets_(static_cast<const Offset*>(array.buffers[1])),
        values_(std::move(values)) {}
  Cell Get(int64_t) const override { return Cell(); }
  bool is_list() const override { return true; }
  void ListRange(int64_t row, int64_t* begin, int64_t* end) const override {
    if (IsNull(row)) {
      *begin = *end = 0;
      return;
    }
    *begin = offsets_[At(row)];
    *end = offsets_[At(row) + 1];
  }
  const ColumnReader* values() const override { return values_.get(); }

 private:
  const Offset* offsets_;
  std::unique_ptr<ColumnReader> values_;
};

std::string ColumnName(const ArrowSchema& schema) {
  return schema.name == nullptr ? "" : schema.name;
}

absl::Status Malformed(const ArrowSchema& schema, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      "column '", ColumnName(schema), "' is not a valid Arrow array: ", problem));
}

// What every layout shares: a sane length, offset and null count, the
// number of buffers the layout has, and a validity bitmap when the null
// count says there are nulls. `buffers` < 0: at least -buffers.
absl::Status CheckCommon(const ArrowSchema& schema, const ArrowArray& array,
                         int64_t buffers) {
  if (array.length < 0 || array.offset < 0 ||
      array.length > kMaxArrowSlots - array.offset) {
    return Malformed(schema, absl::StrCat("length ", array.length, " and offset ",
                                          array.offset, " are out of range"));
  }
  if (array.null_count < -1 || array.null_count > array.length) {
    return Malformed(schema, absl::StrCat("null_count ", array.null_count,
                                          " for a length of ", array.length));
  }
  if (buffers >= 0 ? array.n_buffers != buffers : array.n_buffers < -buffers) {
    return Malformed(schema, absl::StrCat("format '", schema.format, "' has ",
                                          buffers >= 0 ? "" : "at least ",
                                          buffers >= 0 ? buffers : -buffers,
                                          " buffers, the array gives ", array.n_buffers));
  }
  if (array.n_buffers > 0 && array.buffers == nullptr) {
    return Malformed(schema, "n_buffers is not 0 but buffers is null");
  }
  if (array.null_count > 0 && array.buffers[0] == nullptr) {
    return Malformed(schema, absl::StrCat("null_count is ", array.null_count,
                                          " but there is no validity bitmap"));
  }
  return absl::OkStatus();
}

// A buffer every non-empty array of the layout needs.
absl::Status CheckBuffer(const ArrowSchema& schema, const ArrowArray& array,
                         int64_t i, absl::string_view what) {
  if (array.length > 0 && array.buffers[i] == nullptr) {
    return Malformed(schema, absl::StrCat("its ", what, " buffer (buffer ", i,
                                          ") is missing"));
  }
  return absl::OkStatus();
}

bool IsValid(const ArrowArray& array, int64_t slot) {
  return array.null_count == 0 || array.buffers[0] == nullptr ||
         BitSet(array.buffers[0], slot);
}

// Offsets of a variable-size layout: from offset to offset + length, never
// negative, never decreasing, the last at most `limit` (< 0: no limit).
template <typename Offset>
absl::Status CheckOffsets(const ArrowSchema& schema, const ArrowArray& array,
                          int64_t limit, int64_t* one_width = nullptr) {
  if (one_width != nullptr) *one_width = -1;
  if (array.length == 0) return absl::OkStatus();
  const auto* offsets = static_cast<const Offset*>(array.buffers[1]);
  if (offsets[array.offset] < 0) {
    return Malformed(schema, absl::StrCat("offset ", offsets[array.offset],
                                          " of row 0 is negative"));
  }
  // One branch-free pass that compilers vectorize: the sign bits of every
  // offset and of every step between two offsets, ORed. When no offset is
  // negative the steps are exact, so the sign is clear exactly when the
  // offsets never decrease (a negative offset after a first that is not
  // needs a decrease). The failing row is looked for only when there is one.
  // The same pass finds whether every step is the first (every text has
  // one size).
  using Bits = std::make_unsigned_t<Offset>;
  const Offset* at = offsets + array.offset;
  const Bits first_step = static_cast<Bits>(at[1]) - static_cast<Bits>(at[0]);
  Bits signs = 0;
  Bits other_steps = 0;
  for (int64_t row = 0; row < array.length; ++row) {
    const Bits next = static_cast<Bits>(at[row + 1]);
    const Bits step = next - static_cast<Bits>(at[row]);
    signs |= next | step;
    other_steps |= step ^ first_step;
  }
  const bool decreasing = (signs >> (8 * sizeof(Bits) - 1)) != 0;
  for (int64_t row = 0; decreasing && row < array.length; ++row) {
    if (at[row + 1] < at[row]) {
      return Malformed(schema, absl::StrCat("offsets decrease at row ", row,
                                            " (", at[row], " then ",
                                            at[row + 1], ")"));
    }
  }
  const int64_t last = offsets[array.offset + array.length];
  if (limit >= 0 && last > limit) {
    return Malformed(schema, absl::StrCat("the last offset ", last,
                                          " is past the end of its ", limit,
                                          " child values"));
  }
  if (one_width != nullptr && other_steps == 0) {
    *one_width = static_cast<int64_t>(first_step);
  }
  return absl::OkStatus();
}

// Binary and utf8 views: each one inline or within its data buffer (whose
// sizes the last buffer holds).
absl::Status CheckViews(const ArrowSchema& schema, const ArrowArray& array) {
  if (absl::Status s = CheckBuffer(schema, array, 1, "views"); !s.ok()) return s;
  const int64_t data_buffers = array.n_buffers - 3;
  const auto* sizes = static_cast<const int64_t*>(array.buffers[array.n_buffers - 1]);
  if (data_buffers > 0 && sizes == nullptr) {
    return Malformed(schema, "its buffer of data buffer sizes is missing");
  }
  const auto* views = static_cast<const uint8_t*>(array.buffers[1]);
  for (int64_t row = 0; row < array.length; ++row) {
    const int64_t slot = array.offset + row;
    if (!IsValid(array, slot)) continue;
    const uint8_t* view = views + 16 * slot;
    int32_t length, buffer, offset;
    std::memcpy(&length, view, 4);
    if (length < 0) {
      return Malformed(schema, absl::StrCat("the view of row ", row,
                                            " has a negative length"));
    }
    if (length <= 12) continue;
    std::memcpy(&buffer, view + 8, 4);
    std::memcpy(&offset, view + 12, 4);
    if (buffer < 0 || buffer >= data_buffers || offset < 0 ||
        array.buffers[2 + buffer] == nullptr ||
        static_cast<int64_t>(offset) + length > sizes[buffer]) {
      return Malformed(schema, absl::StrCat("the view of row ", row,
                                            " points outside its data buffers"));
    }
  }
  return absl::OkStatus();
}

// Whether some index of `array` (null or not) is not in [0, size): one
// branch-free pass in the indices' own width, which baseline x86-64 vector
// instructions compare (they have no 64-bit comparison).
template <typename Index>
bool SomeIndexOutside(const ArrowArray& array, int64_t dictionary_size) {
  using Unsigned = std::make_unsigned_t<Index>;
  if (dictionary_size <= 0) return array.length > 0;
  // The number of non-negative values of Index, when it fits in 64 bits.
  const uint64_t values =
      std::is_same_v<Unsigned, uint64_t>
          ? ~uint64_t{0}
          : static_cast<uint64_t>(std::numeric_limits<Index>::max()) + 1;
  const Unsigned last = static_cast<Unsigned>(
      std::min(static_cast<uint64_t>(dictionary_size), values) - 1);
  const Index* at = static_cast<const Index*>(array.buffers[1]) + array.offset;
  Unsigned outside = 0;
  for (int64_t row = 0; row < array.length; ++row) {
    outside |= static_cast<Unsigned>(at[row]) > last ? 1 : 0;
  }
  return outside != 0;
}

// Dictionary indices: each non-null one names a dictionary entry.
template <typename Index>
absl::Status CheckIndices(const ArrowSchema& schema, const ArrowArray& array,
                          int64_t dictionary_size) {
  const auto* indices = static_cast<const Index*>(array.buffers[1]);
  // The rows are looked at one by one only when some index is outside,
  // since an index under a null may be anything.
  const bool outside = SomeIndexOutside<Index>(array, dictionary_size);
  for (int64_t row = 0; outside && row < array.length; ++row) {
    const int64_t slot = array.offset + row;
    if (!IsValid(array, slot)) continue;
    const int64_t index = static_cast<int64_t>(indices[slot]);
    if (index < 0 || index >= dictionary_size) {
      return Malformed(schema, absl::StrCat("dictionary index ", index, " of row ",
                                            row, " is not in its dictionary of ",
                                            dictionary_size));
    }
  }
  return absl::OkStatus();
}

// Checks `array` against the layout of `format` (a plain, not
// dictionary-encoded, value layout the readers below know). For utf8 and
// binary, `text_width` (when not null) is set to the size of every value
// when they all have one, else -1.
absl::Status CheckLayout(const ArrowSchema& schema, const ArrowArray& array,
                         absl::string_view format, int64_t* text_width = nullptr) {
  if (format == "u" || format == "z" || format == "U" || format == "Z") {
    if (absl::Status s = CheckCommon(schema, array, 3); !s.ok()) return s;
    if (absl::Status s = CheckBuffer(schema, array, 1, "offsets"); !s.ok()) return s;
    absl::Status s = (format == "u" || format == "z")
                         ? CheckOffsets<int32_t>(schema, array, -1, text_width)
                         : CheckOffsets<int64_t>(schema, array, -1, text_width);
    if (!s.ok()) return s;
    // The data buffer may be missing only when it would be empty.
    if (array.length > 0 && array.buffers[2] == nullptr) {
      const int64_t first = format == "u" || format == "z"
          ? static_cast<const int32_t*>(array.buffers[1])[array.offset]
          : static_cast<const int64_t*>(array.buffers[1])[array.offset];
      const int64_t last = format == "u" || format == "z"
          ? static_cast<const int32_t*>(array.buffers[1])[array.offset + array.length]
          : static_cast<const int64_t*>(array.buffers[1])[array.offset + array.length];
      if (last != 0 || first != 0) {
        return Malformed(schema, "its data buffer (buffer 2) is missing");
      }
    }
    return absl::OkStatus();
  }
  if (format == "vu" || format == "vz") {
    if (absl::Status s = CheckCommon(schema, array, -3); !s.ok()) return s;
    return CheckViews(schema, array);
  }
  if (absl::Status s = CheckCommon(schema, array, 2); !s.ok()) return s;
  return CheckBuffer(schema, array, 1, "values");
}

// The formats ValueReader reads.
bool IsKnownValueFormat(absl::string_view format) {
  static constexpr absl::string_view kFormats[] = {
      "u", "z", "U", "Z", "vu", "vz", "c", "C", "s", "S", "i", "I", "l", "L",
      "f", "g", "b", "tdD", "tdm", "+l", "+L"};
  for (absl::string_view known : kFormats) {
    if (format == known) return true;
  }
  return format.size() >= 4 && format.substr(0, 2) == "ts" && format[3] == ':' &&
         absl::string_view("smun").find(format[2]) != absl::string_view::npos;
}

absl::Status Unsupported(const ArrowSchema& schema) {
  return absl::InvalidArgumentError(absl::StrCat(
      "column '", schema.name == nullptr ? "" : schema.name,
      "' has an Arrow type divert cannot read (format '",
      schema.format == nullptr ? "" : schema.format, "')"));
}

// A reader of the plain (not dictionary-encoded) values of `array`.
absl::StatusOr<std::unique_ptr<ColumnReader>> ValueReader(
    const ArrowSchema& schema, const ArrowArray& array) {
  const absl::string_view format = schema.format;
  if (!IsKnownValueFormat(format)) return Unsupported(schema);
  int64_t text_width = -1;
  if (format != "+l" && format != "+L") {
    if (absl::Status s = CheckLayout(schema, array, format, &text_width); !s.ok()) {
      return s;
    }
  }
  std::unique_ptr<ColumnReader> reader;
  if (format == "u" || format == "z") {
    reader = std::make_unique<TextReader<int32_t>>(array, text_width);
  } else if (format == "U" || format == "Z") {
    reader = std::make_unique<TextReader<int64_t>>(array, text_width);
  } else if (format == "vu" || format == "vz") {
    reader = std::make_unique<TextViewReader>(array);
  } else if (format == "c") {
    reader = std::make_unique<IntReader<int8_t>>(array);
  } else if (format == "C") {
    reader = std::make_unique<IntReader<uint8_t>>(array);
  } else if (format == "s") {
    reader = std::make_unique<IntReader<int16_t>>(array);
  } else if (format == "S") {
    reader = std::make_unique<IntReader<uint16_t>>(array);
  } else if (format == "i") {
    reader = std::make_unique<IntReader<int32_t>>(array);
  } else if (format == "I") {
    reader = std::make_unique<IntReader<uint32_t>>(array);
  } else if (format == "l") {
    reader = std::make_unique<IntReader<int64_t>>(array);
  } else if (format == "L") {
    reader = std::make_unique<IntReader<uint64_t>>(array);
  } else if (format == "f") {
    reader = std::make_unique<RealReader<float>>(array);
  } else if (format == "g") {
    reader = std::make_unique<RealReader<double>>(array);
  } else if (format == "b") {
    reader = std::make_unique<BoolReader>(array);
  } else if (format == "tdD") {
    reader = std::make_unique<TimeReader<int32_t>>(array, absl::Hours(24), false);
  } else if (format == "tdm") {
    reader = std::make_unique<TimeReader<int64_t>>(array, absl::Milliseconds(1), false);
  } else if (format.size() >= 4 && format.substr(0, 2) == "ts" && format[3] == ':') {
    absl::Duration unit;
    switch (format[2]) {
      case 's': unit = absl::Seconds(1); break;
      case 'm': unit = absl::Milliseconds(1); break;
      case 'u': unit = absl::Microseconds(1); break;
      case 'n': unit = absl::Nanoseconds(1); break;
      default: return Unsupported(schema);
    }
    reader = std::make_unique<TimeReader<int64_t>>(array, unit, format.size() > 4);
  } else if (format == "+l" || format == "+L") {
    if (schema.n_children != 1 || schema.children == nullptr ||
        schema.children[0] == nullptr) {
      return Unsupported(schema);
    }
    if (array.n_children != 1 || array.children == nullptr ||
        array.children[0] == nullptr) {
      return Malformed(schema, absl::StrCat("a list has one child array, it gives ",
                                            array.n_children));
    }
    if (absl::Status s = CheckCommon(schema, array, 2); !s.ok()) return s;
    if (absl::Status s = CheckBuffer(schema, array, 1, "offsets"); !s.ok()) return s;
    absl::StatusOr<std::unique_ptr<ColumnReader>> values =
        ColumnReader::Create(*schema.children[0], *array.children[0]);
    if (!values.ok()) return values.status();
    if ((*values)->is_list()) return Unsupported(schema);
    const int64_t children = array.children[0]->length;
    absl::Status offsets = format == "+l"
                               ? CheckOffsets<int32_t>(schema, array, children)
                               : CheckOffsets<int64_t>(schema, array, children);
    if (!offsets.ok()) return offsets;
    if (format == "+l") {
      reader = std::make_unique<ListReader<int32_t>>(array, *std::move(values));
    } else {
      reader = std::make_unique<ListReader<int64_t>>(array, *std::move(values));
    }
  } else {
    return Unsupported(schema);
  }
  return reader;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ColumnReader>> ColumnReader::Create(
    const ArrowSchema& schema, const ArrowArray& array) {
  if (schema.format == nullptr) return Unsupported(schema);
  if (schema.dictionary == nullptr) return ValueReader(schema, array);
  if (array.dictionary == nullptr) {
    return Malformed(schema, "its schema has a dictionary, the array does not");
  }
  if (schema.dictionary->format == nullptr || schema.dictionary->dictionary != nullptr) {
    return Unsupported(schema);
  }
  absl::StatusOr<std::unique_ptr<ColumnReader>> values =
      ValueReader(*schema.dictionary, *array.dictionary);
  if (!values.ok()) return values.status();
  const absl::string_view format = schema.format;
  const int64_t size = array.dictionary->length;
  if (format.size() == 1 && absl::string_view("cCsSiIlL").find(format[0]) !=
                                absl::string_view::npos) {
    if (absl::Status s = CheckLayout(schema, array, format); !s.ok()) return s;
    absl::Status indices;
    switch (format[0]) {
      case 'c': indices = CheckIndices<int8_t>(schema, array, size); break;
      case 'C': indices = CheckIndices<uint8_t>(schema, array, size); break;
      case 's': indices = CheckIndices<int16_t>(schema, array, size); break;
      case 'S': indices = CheckIndices<uint16_t>(schema, array, size); break;
      case 'i': indices = CheckIndices<int32_t>(schema, array, size); break;
      case 'I': indices = CheckIndices<uint32_t>(schema, array, size); break;
      case 'l': indices = CheckIndices<int64_t>(schema, array, size); break;
      default: indices = CheckIndices<uint64_t>(schema, array, size); break;
    }
    if (!indices.ok()) return indices;
  }
  if (format == "c") {
    return std::make_unique<DictionaryReader<int8_t>>(array, *std::move(values), size);
  } else if (format == "C") {
    return std::make_unique<DictionaryReader<uint8_t>>(array, *std::move(values), size);
  } else if (format == "s") {
    return std::make_unique<DictionaryReader<int16_t>>(array, *std::move(values), size);
  } else if (format == "S") {
    return std::make_unique<DictionaryReader<uint16_t>>(array, *std::move(values), size);
  } else if (format == "i") {
    return std::make_unique<DictionaryReader<int32_t>>(array, *std::move(values), size);
  } else if (format == "I") {
    return std::make_unique<DictionaryReader<uint32_t>>(array, *std::move(values), size);
  } else if (format == "l") {
    return std::make_unique<DictionaryReader<int64_t>>(array, *std::move(values), size);
  } else if (format == "L") {
    return std::make_unique<DictionaryReader<uint64_t>>(array, *std::move(values), size);
  }
  return Unsupported(schema);
}

}  // namespace divert::screening
