#include "metrics/arrow_columns.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "screening/arrow_input.h"

namespace divert::metrics {
namespace {

absl::string_view Format(const ArrowSchema& schema) {
  return schema.format == nullptr ? absl::string_view() : schema.format;
}

absl::Status WrongType(absl::string_view what, const ArrowSchema& schema,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      what, ": expected ", expected, ", got Arrow format '", Format(schema),
      schema.dictionary != nullptr ? "' (dictionary-encoded)" : "'"));
}

absl::Status CheckBuffers(const ArrowArray& array, int64_t buffers,
                          absl::string_view what) {
  if (array.offset < 0 || array.length < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the array has a negative offset or length"));
  }
  if (array.n_buffers < buffers || array.buffers == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the array has too few buffers for its type"));
  }
  for (int64_t i = 1; i < buffers; ++i) {
    if (array.buffers[i] == nullptr && array.length > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": the array has a missing data buffer"));
    }
  }
  return absl::OkStatus();
}

// The offsets of list `array` (from its offset, for its length): the first
// not negative, none smaller than the one before, the last at most
// `items` (its child's values).
absl::Status CheckListOffsets(const ArrowArray& array, int64_t items,
                              absl::string_view what) {
  if (array.length == 0) return absl::OkStatus();
  const auto* offsets = static_cast<const int32_t*>(array.buffers[1]) + array.offset;
  bool decreasing = false;  // one pass without branches, which compilers vectorize
  for (int64_t row = 0; row < array.length; ++row) {
    decreasing |= offsets[row + 1] < offsets[row];
  }
  if (offsets[0] < 0 || decreasing || offsets[array.length] > items) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is not a valid Arrow array: its list offsets are negative, decrease or "
              "pass the end of its ", items, " items"));
  }
  return absl::OkStatus();
}

Validity ValidityOf(const ArrowArray& array, int64_t batch_offset) {
  Validity v;
  if (array.null_count != 0) {
    v.bits = static_cast<const uint8_t*>(array.buffers[0]);
  }
  v.offset = array.offset + batch_offset;
  return v;
}

}  // namespace

bool IntView::Accepts(absl::string_view format) {
  return format.size() == 1 && absl::StrContains("cCsSiIlLb", format[0]);
}

absl::StatusOr<IntView> IntView::Of(const ArrowSchema& schema,
                                    const ArrowArray& array,
                                    absl::string_view what,
                                    int64_t batch_offset) {
  const absl::string_view format = Format(schema);
  if (!Accepts(format) || schema.dictionary != nullptr) {
    return WrongType(what, schema, "integers");
  }
  if (absl::Status s = CheckBuffers(array, 2, what); !s.ok()) return s;
  IntView view;
  view.values_ = array.buffers[1];
  switch (format[0]) {
    case 'c': view.width_ = 1; break;
    case 'C': view.width_ = 1; view.is_signed_ = false; break;
    case 's': view.width_ = 2; break;
    case 'S': view.width_ = 2; view.is_signed_ = false; break;
    case 'i': view.width_ = 4; break;
    case 'I': view.width_ = 4; view.is_signed_ = false; break;
    case 'l': case 'L': view.width_ = 8; break;
    default: view.width_ = 0; break;  // 'b'
  }
  view.offset_ = array.offset + batch_offset;
  view.validity_ = ValidityOf(array, batch_offset);
  return view;
}

bool TextView::Accepts(const ArrowSchema& schema) {
  const ArrowSchema& values =
      schema.dictionary != nullptr ? *schema.dictionary : schema;
  const absl::string_view format = Format(values);
  return format == "u" || format == "U" || format == "z" || format == "Z";
}

absl::StatusOr<TextView> TextView::Of(const ArrowSchema& schema,
                                      const ArrowArray& array,
                                      absl::string_view what,
                                      int64_t batch_offset) {
  if (!Accepts(schema)) return WrongType(what, schema, "text");
  // The offsets and dictionary indices, which the view reads without
  // checking each, are checked whole first (one pass that compilers
  // vectorize), as screening checks its columns.
  if (absl::StatusOr<std::unique_ptr<screening::ColumnReader>> checked =
          screening::ColumnReader::Create(schema, array);
      !checked.ok()) {
    absl::string_view problem = checked.status().message();
    const size_t is = problem.find(" is not a valid Arrow array");
    if (is != absl::string_view::npos) problem.remove_prefix(is + 1);
    return absl::InvalidArgumentError(absl::StrCat(what, " ", problem));
  }
  TextView view;
  const ArrowArray* values = &array;
  const ArrowSchema* values_schema = &schema;
  if (schema.dictionary != nullptr) {
    if (array.dictionary == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a dictionary-encoded column without its dictionary"));
    }
    // The indices, read as the plain integers they are.
    ArrowSchema index_schema = schema;
    index_schema.dictionary = nullptr;
    absl::StatusOr<IntView> indices =
        IntView::Of(index_schema, array, what, batch_offset);
    if (!indices.ok()) return indices.status();
    view.dictionary_ = true;
    view.indices_ = *indices;
    values = array.dictionary;
    values_schema = schema.dictionary;
    view.dictionary_length_ = values->length;
    view.dictionary_offset_ = values->offset;
  } else {
    view.offset_ = array.offset + batch_offset;
    view.validity_ = ValidityOf(array, batch_offset);
  }
  if (absl::Status s = CheckBuffers(*values, 3, what); !s.ok()) return s;
  const absl::string_view format = Format(*values_schema);
  view.large_ = format == "U" || format == "Z";
  view.offsets_ = values->buffers[1];
  view.chars_ = static_cast<const char*>(values->buffers[2]);
  return view;
}

absl::StatusOr<TimeView> TimeView::Of(const ArrowSchema& schema,
                                      const ArrowArray& array,
                                      absl::string_view what,
                                      int64_t batch_offset) {
  const absl::string_view format = Format(schema);
  constexpr int64_t kSecondsPerDay = 86400;
  TimeView view;
  ArrowSchema raw_schema = schema;
  if (format == "tdD") {
    raw_schema.format = "i";
  } else if (format == "tdm") {
    raw_schema.format = "l";
    view.per_day_ = 1000 * kSecondsPerDay;
  } else if (format.size() >= 4 && absl::StartsWith(format, "ts") &&
             format[3] == ':' && absl::StrContains("smun", format[2])) {
    raw_schema.format = "l";
    switch (format[2]) {
      case 's': view.per_second_ = 1; break;
      case 'm': view.per_second_ = 1000; break;
      case 'u': view.per_second_ = 1000000; break;
      default: view.per_second_ = 1000000000; break;
    }
    view.per_day_ = view.per_second_ * kSecondsPerDay;
    view.instant_ = format.size() > 4;
  } else {
    return WrongType(what, schema, "a timestamp or a date");
  }
  if (schema.dictionary != nullptr) {
    return WrongType(what, schema, "a timestamp or a date");
  }
  absl::StatusOr<IntView> raw = IntView::Of(raw_schema, array, what, batch_offset);
  if (!raw.ok()) return raw.status();
  view.raw_ = *raw;
  return view;
}

absl::StatusOr<PairListView> PairListView::Of(const ArrowSchema& schema,
                                              const ArrowArray& array,
                                              absl::string_view what,
                                              absl::string_view first,
                                              absl::string_view second,
                                              int64_t batch_offset) {
  const std::string expected = absl::StrCat(
      "a list of structs with integer fields '", first, "' and '", second, "'");
  if (Format(schema) != "+l" || schema.n_children != 1 ||
      Format(*schema.children[0]) != "+s") {
    return WrongType(what, schema, expected);
  }
  const ArrowSchema& item_schema = *schema.children[0];
  if (array.n_children != 1 || array.children[0]->n_children != item_schema.n_children) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the array does not match its schema"));
  }
  if (absl::Status s = CheckBuffers(array, 2, what); !s.ok()) return s;
  const ArrowArray& items = *array.children[0];
  if (absl::Status s = CheckListOffsets(array, items.length, what); !s.ok()) return s;
  for (int64_t i = 0; i < items.n_children; ++i) {
    if (items.children[i]->length < items.offset + items.length) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, ": a field of its items is shorter than the items"));
    }
  }
  const int a = FindColumn(item_schema, first);
  const int b = FindColumn(item_schema, second);
  if (a < 0 || b < 0) return WrongType(what, schema, expected);
  PairListView view;
  view.offsets_ = static_cast<const int32_t*>(array.buffers[1]);
  view.offset_ = array.offset + batch_offset;
  view.validity_ = ValidityOf(array, batch_offset);
  view.item_offset_ = items.offset;
  const std::string field_what = absl::StrCat(what, " field");
  absl::StatusOr<IntView> a_view = IntView::Of(
      *item_schema.children[a], *items.children[a], absl::StrCat(field_what, " '", first, "'"));
  if (!a_view.ok()) return a_view.status();
  absl::StatusOr<IntView> b_view = IntView::Of(
      *item_schema.children[b], *items.children[b], absl::StrCat(field_what, " '", second, "'"));
  if (!b_view.ok()) return b_view.status();
  view.first_ = *a_view;
  view.second_ = *b_view;
  return view;
}

absl::StatusOr<IntListView> IntListView::Of(const ArrowSchema& schema,
                                            const ArrowArray& array,
                                            absl::string_view what,
                                            int64_t batch_offset) {
  IntListView view;
  if (IntView::Accepts(Format(schema)) && schema.dictionary == nullptr) {
    absl::StatusOr<IntView> values = IntView::Of(schema, array, what, batch_offset);
    if (!values.ok()) return values.status();
    view.values_ = *values;
    return view;
  }
  constexpr absl::string_view kExpected = "integers, or lists of integers";
  if (Format(schema) != "+l" || schema.n_children != 1 ||
      schema.dictionary != nullptr) {
    return WrongType(what, schema, kExpected);
  }
  if (array.n_children != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the array does not match its schema"));
  }
  if (absl::Status s = CheckBuffers(array, 2, what); !s.ok()) return s;
  if (absl::Status s = CheckListOffsets(array, array.children[0]->length, what); !s.ok()) {
    return s;
  }
  absl::StatusOr<IntView> values =
      IntView::Of(*schema.children[0], *array.children[0], absl::StrCat(what, " item"));
  if (!values.ok()) return WrongType(what, schema, kExpected);
  view.offsets_ = static_cast<const int32_t*>(array.buffers[1]);
  view.offset_ = array.offset + batch_offset;
  view.validity_ = ValidityOf(array, batch_offset);
  view.values_ = *values;
  return view;
}

int FindColumn(const ArrowSchema& schema, absl::string_view name) {
  for (int64_t i = 0; i < schema.n_children; ++i) {
    const char* child = schema.children[i]->name;
    if (child != nullptr && name == child) return static_cast<int>(i);
  }
  return -1;
}

absl::Status CheckBatch(const ArrowSchema& schema, const ArrowArray& batch,
                        absl::string_view table) {
  if (Format(schema) != "+s") {
    return absl::InvalidArgumentError(absl::StrCat(
        table, ": not a table (a struct of columns), Arrow format '",
        Format(schema), "'"));
  }
  if (batch.n_children != schema.n_children || batch.release == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        table, ": a record batch does not match the table's schema"));
  }
  if (batch.offset < 0 || batch.length < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(table, ": a record batch has a negative offset or length"));
  }
  for (int64_t i = 0; i < batch.n_children; ++i) {
    if (batch.children[i]->length < batch.offset + batch.length) {
      return absl::InvalidArgumentError(absl::StrCat(
          table, ": column '", schema.children[i]->name, "' is shorter than its batch"));
    }
  }
  return absl::OkStatus();
}

}  // namespace divert::metrics
