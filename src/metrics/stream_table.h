// A table read to its end from an Arrow C stream, for the columnar input
// of the C ABI and Python doors: the stream's schema and batches, held
// (and released) here, viewed as RecordBatches.
#ifndef DIVERT_SRC_METRICS_STREAM_TABLE_H_
#define DIVERT_SRC_METRICS_STREAM_TABLE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/metrics/record_columns.h"
#include "divert/screening/arrow_c.h"

namespace divert::metrics {

class StreamTable {
 public:
  // Takes `stream` (stream->release is NULL on return, whatever the
  // result) and reads every batch; `name` ("events") names the table in
  // errors, with the stream's own message.
  static absl::StatusOr<std::unique_ptr<StreamTable>> Read(
      ArrowArrayStream* stream, absl::string_view name);
  StreamTable(const StreamTable&) = delete;
  StreamTable& operator=(const StreamTable&) = delete;
  ~StreamTable();

  // Valid while this lives.
  RecordBatches batches() const;

 private:
  StreamTable();

  ArrowSchema schema_;
  std::vector<std::unique_ptr<ArrowArray>> arrays_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_STREAM_TABLE_H_
