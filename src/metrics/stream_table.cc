#include "metrics/stream_table.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace divert::metrics {
namespace {

absl::Status StreamError(ArrowArrayStream* stream, absl::string_view name,
                         absl::string_view doing, int code) {
  const char* message =
      stream->get_last_error != nullptr ? stream->get_last_error(stream) : nullptr;
  return absl::InvalidArgumentError(absl::StrCat(
      name, ": the Arrow stream failed ", doing, " (error ", code,
      message != nullptr ? absl::StrCat(": ", message) : std::string(), ")"));
}

}  // namespace

StreamTable::StreamTable() { std::memset(&schema_, 0, sizeof(schema_)); }

StreamTable::~StreamTable() {
  for (auto& array : arrays_) {
    if (array->release != nullptr) array->release(array.get());
  }
  if (schema_.release != nullptr) schema_.release(&schema_);
}

absl::StatusOr<std::unique_ptr<StreamTable>> StreamTable::Read(
    ArrowArrayStream* stream, absl::string_view name) {
  if (stream == nullptr || stream->release == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": the Arrow stream is NULL or already released"));
  }
  ArrowArrayStream taken = *stream;
  stream->release = nullptr;
  std::unique_ptr<StreamTable> table(new StreamTable());
  absl::Status status;
  if (int code = taken.get_schema(&taken, &table->schema_); code != 0) {
    std::memset(&table->schema_, 0, sizeof(table->schema_));
    status = StreamError(&taken, name, "giving its schema", code);
  }
  while (status.ok()) {
    auto array = std::make_unique<ArrowArray>();
    std::memset(array.get(), 0, sizeof(ArrowArray));
    if (int code = taken.get_next(&taken, array.get()); code != 0) {
      status = StreamError(&taken, name, "giving a batch", code);
      break;
    }
    if (array->release == nullptr) break;  // the end
    table->arrays_.push_back(std::move(array));
  }
  taken.release(&taken);
  if (!status.ok()) return status;
  return table;
}

RecordBatches StreamTable::batches() const {
  RecordBatches out;
  out.schema = &schema_;
  for (const auto& array : arrays_) out.batches.push_back(array.get());
  return out;
}

}  // namespace divert::metrics
