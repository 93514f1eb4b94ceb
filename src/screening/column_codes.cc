#include "screening/column_codes.h"

#include <utility>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace divert::screening {
namespace {

bool Valid(const uint8_t* validity, int64_t i) {
  return validity == nullptr || ((validity[i >> 3] >> (i & 7)) & 1) != 0;
}

const uint8_t* ValidityOf(const ArrowArray& array) {
  return array.null_count != 0 && array.n_buffers > 0
             ? static_cast<const uint8_t*>(array.buffers[0])
             : nullptr;
}

}  // namespace

absl::StatusOr<ColumnCoder> ColumnCoder::Create(const ArrowSchema& schema,
                                                const ArrowArray& array) {
  absl::StatusOr<std::unique_ptr<ColumnReader>> reader =
      ColumnReader::Create(schema, array);
  if (!reader.ok()) return reader.status();
  ColumnCoder coder;
  coder.schema_ = &schema;
  coder.array_ = &array;
  coder.reader_ = *std::move(reader);
  const absl::string_view format = schema.format == nullptr ? "" : schema.format;
  if (coder.reader_->is_dictionary()) {
    coder.layout_ = Layout::kDictionary;
    coder.index_format_ = format.empty() ? 0 : format[0];
    coder.entry_codes_.assign(
        static_cast<size_t>(coder.reader_->dictionary_size()), -1);
  } else if (format == "u" || format == "z") {
    coder.layout_ = Layout::kText32;
  } else if (format == "U" || format == "Z") {
    coder.layout_ = Layout::kText64;
  }
  return coder;
}

namespace {

// The code of a text `texts` may not know: found, or code_of's, recorded.
int32_t Learn(absl::string_view text, TextCodes* texts, ColumnCoder::CodeOf code_of) {
  const int32_t known = texts->Find(text.data(), text.size(), text.data() + text.size());
  if (known >= 0) return known;
  Cell cell;
  cell.kind = Cell::Kind::kText;
  cell.text = text;
  const int32_t code = code_of(cell);
  texts->Insert(text.data(), text.size(), code);
  return code;
}

// Rows r < n whose out[r] is -1 (texts not known when they were looked up)
// get their codes, in row order; text_of(r) is row r's text. Out of the
// row loops, which then call nothing and keep their values in registers.
template <typename TextOf>
ABSL_ATTRIBUTE_NOINLINE void LearnUnknown(int64_t n, TextOf text_of, TextCodes* texts,
                                          ColumnCoder::CodeOf code_of, int32_t* out) {
  for (int64_t r = 0; r < n; ++r) {
    if (out[r] < 0) out[r] = Learn(text_of(r), texts, code_of);
  }
}

// out[r] = the code of text r of `rows` (-1 when `texts` does not know
// it), texts being data[offsets[r], offsets[r + 1]) and no byte past
// `limit` read; returns the OR of the codes. The rows whose text starts at
// least 16 bytes before `limit` (all but the last few) are looked up with
// one branch a row (on a text's size: short or not).
template <typename Offset>
int32_t FindTexts(const Offset* offsets, int64_t rows, const char* data,
                  const char* limit, const TextCodes& texts, int32_t* out) {
  int64_t loadable = rows;
  while (loadable > 0 && limit - (data + offsets[loadable - 1]) < 16) --loadable;
  const TextCodes::ShortTable table = texts.Short();
  int32_t any = 0;
  Offset start = offsets[0];
  for (int64_t r = 0; r < loadable; ++r) {
    const Offset stop = offsets[r + 1];
    const size_t size = static_cast<size_t>(stop - start);
    const char* text = data + start;
    start = stop;
    const int32_t code = ABSL_PREDICT_TRUE(size < 16) ? table.Find(text, size)
                                                      : texts.Find(text, size, limit);
    any |= out[r] = code;
  }
  for (int64_t r = loadable; r < rows; ++r) {
    const Offset from = offsets[r];
    any |= out[r] = texts.Find(data + from, static_cast<size_t>(offsets[r + 1] - from), limit);
  }
  return any;
}

}  // namespace

bool ColumnCoder::CodeTextOfOneWidth(int64_t width, const char* first,
                                     int64_t rows, const char* limit,
                                     TextCodes* texts, CodeOf code_of,
                                     int32_t* out) {
  if (width < 1 || width >= 16 || rows < 1 ||
      limit - (first + width * (rows - 1)) < 16) {
    return false;
  }
  // The OR of the codes: negative when some text was not known.
  int32_t any = 0;
  if (width == 1) {
    for (int64_t r = 0; r < rows; ++r) any |= out[r] = texts->FindByte(first[r]);
  } else {
    const TextCodes::Width w = TextCodes::WidthOf(static_cast<size_t>(width));
    const TextCodes::ShortTable table = texts->Short();
    const char* text = first;
    for (int64_t r = 0; r < rows; ++r, text += width) {
      any |= out[r] = table.FindOfWidth(text, w);
    }
  }
  if (any < 0) {
    LearnUnknown(
        rows,
        [&](int64_t r) {
          return absl::string_view(first + r * width, static_cast<size_t>(width));
        },
        texts, code_of, out);
  }
  return true;
}

template <typename Offset>
void ColumnCoder::CodeText(int64_t begin, int64_t end, TextCodes* texts,
                           CodeOf code_of, int32_t* out) const {
  const ArrowArray& a = *array_;
  const uint8_t* validity = ValidityOf(a);
  const Offset* offsets = static_cast<const Offset*>(a.buffers[1]) + a.offset;
  const char* data = static_cast<const char*>(a.buffers[2]);
  // The data buffer holds at least the bytes up to the last offset.
  const char* limit = data + offsets[a.length];
  if (validity == nullptr &&
      CodeTextOfOneWidth(reader_->text_width(), data + offsets[begin], end - begin,
                         limit, texts, code_of, out)) {
    return;
  }
  // The OR of the codes: negative when some text was not known.
  int32_t any = 0;
  if (validity == nullptr) {
    any = FindTexts(offsets + begin, end - begin, data, limit, *texts, out);
  } else {
    // Each row's end is the next row's start.
    Offset start = offsets[begin];
    for (int64_t r = begin; r < end; ++r) {
      const Offset stop = offsets[r + 1];
      if (Valid(validity, a.offset + r)) {
        any |= out[r - begin] =
            texts->Find(data + start, static_cast<size_t>(stop - start), limit);
      } else {
        out[r - begin] = 0;
      }
      start = stop;
    }
  }
  if (any < 0) {
    LearnUnknown(
        end - begin,
        [&](int64_t r) {
          const Offset from = offsets[begin + r];
          return absl::string_view(data + from,
                                   static_cast<size_t>(offsets[begin + r + 1] - from));
        },
        texts, code_of, out);
  }
}

template <typename Index>
absl::Status ColumnCoder::CodeDictionary(int64_t begin, int64_t end,
                                         CodeOf code_of, int32_t* out) {
  const ArrowArray& a = *array_;
  const uint8_t* validity = ValidityOf(a);
  const Index* indices = static_cast<const Index*>(a.buffers[1]) + a.offset;
  const uint64_t entries = entry_codes_.size();
  int32_t* codes = entry_codes_.data();
  // Indices under a null bit may be anything: they are not read.
  bool outside = false;
  auto code = [&](int64_t r) {
    const uint64_t index = static_cast<uint64_t>(indices[r]);
    if (index >= entries) {
      outside = true;
      return 0;
    }
    int32_t found = codes[index];
    if (found < 0) {
      found = code_of(reader_->dictionary()->Get(static_cast<int64_t>(index)));
      codes[index] = found;
    }
    return found;
  };
  if (validity == nullptr) {
    for (int64_t r = begin; r < end; ++r) out[r - begin] = code(r);
  } else {
    for (int64_t r = begin; r < end; ++r) {
      out[r - begin] = Valid(validity, a.offset + r) ? code(r) : 0;
    }
  }
  if (outside) {
    return absl::InvalidArgumentError(absl::StrCat(
        "column '", schema_->name == nullptr ? "" : schema_->name,
        "' has a dictionary index outside its dictionary"));
  }
  return absl::OkStatus();
}

bool ColumnCoder::CodeAllEntries(int64_t limit, CodeOf code_of) {
  if (layout_ != Layout::kDictionary ||
      static_cast<int64_t>(entry_codes_.size()) > limit) {
    return false;
  }
  for (size_t e = 0; e < entry_codes_.size(); ++e) {
    if (entry_codes_[e] < 0) {
      entry_codes_[e] = code_of(reader_->dictionary()->Get(static_cast<int64_t>(e)));
    }
  }
  return true;
}

namespace {

// Returns f(Index()) for the index type of the dictionary format `format`
// ('c', 'C', 's', 'S', 'i', 'I', 'l', else 'L').
template <typename F>
decltype(auto) WithIndexType(char format, F f) {
  switch (format) {
    case 'c': return f(int8_t());
    case 'C': return f(uint8_t());
    case 's': return f(int16_t());
    case 'S': return f(uint16_t());
    case 'i': return f(int32_t());
    case 'I': return f(uint32_t());
    case 'l': return f(int64_t());
    default: return f(uint64_t());
  }
}

// Calls visit(r - begin, index) for the rows r in [begin, end) of `a` that
// are not null, in a loop over its raw indices (branch-free without
// nulls).
template <typename Index, typename Visit>
void ForEachIndexOf(const ArrowArray& a, int64_t begin, int64_t end,
                    Visit visit) {
  if (begin >= end) return;  // an empty array's buffers may be absent
  const uint8_t* validity = ValidityOf(a);
  const Index* indices = static_cast<const Index*>(a.buffers[1]) + a.offset;
  if (validity == nullptr) {
    for (int64_t r = begin; r < end; ++r) {
      visit(r - begin, static_cast<size_t>(indices[r]));
    }
    return;
  }
  for (int64_t r = begin; r < end; ++r) {
    if (Valid(validity, a.offset + r)) {
      visit(r - begin, static_cast<size_t>(indices[r]));
    }
  }
}

}  // namespace

template <typename Visit>
void ColumnCoder::ForEachIndex(int64_t begin, int64_t end, Visit visit) const {
  WithIndexType(index_format_, [&](auto index) {
    ForEachIndexOf<decltype(index)>(*array_, begin, end, visit);
  });
}

void ColumnCoder::OrByEntry(int64_t begin, int64_t end,
                            const uint64_t* by_entry, uint64_t* out) const {
  ForEachIndex(begin, end,
               [&](int64_t i, size_t index) { out[i] |= by_entry[index]; });
}

void ColumnCoder::CountEntries(int64_t begin, int64_t end,
                               int64_t* counts) const {
  ForEachIndex(begin, end, [&](int64_t, size_t index) { ++counts[index]; });
}

absl::Status ColumnCoder::Code(int64_t begin, int64_t end, TextCodes* texts,
                               CodeOf code_of, int32_t* out) {
  // No rows, nothing to read: an empty array's buffers may be absent.
  if (begin >= end) return absl::OkStatus();
  switch (layout_) {
    case Layout::kText32:
      CodeText<int32_t>(begin, end, texts, code_of, out);
      return absl::OkStatus();
    case Layout::kText64:
      CodeText<int64_t>(begin, end, texts, code_of, out);
      return absl::OkStatus();
    case Layout::kDictionary:
      return WithIndexType(index_format_, [&](auto index) {
        return CodeDictionary<decltype(index)>(begin, end, code_of, out);
      });
    case Layout::kValues:
      break;
  }
  for (int64_t r = begin; r < end; ++r) {
    const Cell cell = reader_->Get(r);
    out[r - begin] = cell.kind == Cell::Kind::kNull ? 0 : code_of(cell);
  }
  return absl::OkStatus();
}

}  // namespace divert::screening
