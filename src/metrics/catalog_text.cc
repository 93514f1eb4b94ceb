// ParseCatalogText: a metric catalog from protobuf text format.
#include <string>

#include "absl/strings/str_cat.h"
#include "divert/metrics/metrics.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace divert::metrics {
namespace {

// Keeps the first error, with a 1-based line:column.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (text_.empty()) text_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

absl::StatusOr<v1::MetricCatalog> ParseCatalogText(absl::string_view text) {
  v1::MetricCatalog catalog;
  FirstError error;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&error);
  if (!parser.ParseFromString(std::string(text), &catalog)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "catalog: ", error.text().empty() ? "does not parse" : error.text()));
  }
  return catalog;
}

}  // namespace divert::metrics
