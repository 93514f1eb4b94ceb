#include "metrics/table_columns.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace divert::metrics {

CodedText::CodedText(std::optional<TextView> view, int64_t rows)
    : view_(view), rows_(rows) {
  if (view_ && view_->is_dictionary() && view_->dictionary_size() > 0 &&
      view_->dictionary_size() <= rows / 2) {
    codes_.assign(static_cast<size_t>(view_->dictionary_size()), kNotCoded);
  }
}

std::string ColumnName(absl::string_view table, absl::string_view column) {
  return absl::StrCat(table, " column '", column, "'");
}

Column ColumnOf(const ArrowSchema& schema, const ArrowArray& batch,
                absl::string_view name) {
  const int i = FindColumn(schema, name);
  if (i < 0) return {};
  return {schema.children[i], batch.children[i]};
}

absl::Status MissingColumn(absl::string_view table, absl::string_view name) {
  return absl::InvalidArgumentError(
      absl::StrCat(table, ": the required column '", name, "' is missing"));
}

absl::StatusOr<CodedText> OptionalText(const ArrowSchema& schema,
                                       const ArrowArray& batch,
                                       absl::string_view table,
                                       absl::string_view name) {
  absl::StatusOr<std::optional<TextView>> view =
      OptionalColumn<TextView>(schema, batch, table, name);
  if (!view.ok()) return view.status();
  return CodedText(*view, batch.length);
}

absl::StatusOr<OptionalInt> OptionalInteger(const ArrowSchema& schema,
                                            const ArrowArray& batch,
                                            absl::string_view table,
                                            absl::string_view name) {
  absl::StatusOr<std::optional<IntView>> view =
      OptionalColumn<IntView>(schema, batch, table, name);
  if (!view.ok()) return view.status();
  return OptionalInt(*view);
}

absl::Status ReadTexts(const ArrowSchema& schema, const ArrowArray& batch,
                       absl::string_view table,
                       std::initializer_list<TextField> fields) {
  for (const TextField& f : fields) {
    absl::StatusOr<CodedText> text = OptionalText(schema, batch, table, f.name);
    if (!text.ok()) return text.status();
    *f.out = *std::move(text);
  }
  return absl::OkStatus();
}

absl::Status ReadIntegers(const ArrowSchema& schema, const ArrowArray& batch,
                          absl::string_view table,
                          std::initializer_list<IntField> fields) {
  for (const IntField& f : fields) {
    absl::StatusOr<OptionalInt> integer = OptionalInteger(schema, batch, table, f.name);
    if (!integer.ok()) return integer.status();
    *f.out = *integer;
  }
  return absl::OkStatus();
}

}  // namespace divert::metrics
