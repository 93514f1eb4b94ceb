#include "metrics/filter_eval.h"

#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace divert::metrics {
namespace {

// Runs the program for one row.
class RowEvaluator {
 public:
  RowEvaluator(const CompiledFilter& filter, const RecordEnvironment& env,
               const FactTable& table, int32_t start, int32_t end)
      : filter_(filter),
        table_(table),
        message_(google::protobuf::MessageFactory::generated_factory()
                     ->GetPrototype(env.schema)
                     ->New()),
        activation_(*filter.program),
        variable_(env.variable),
        start_(start),
        end_(end) {
    all_fields_.reserve(env.schema->field_count());
    for (int i = 0; i < env.schema->field_count(); ++i) all_fields_.push_back(i);
  }

  absl::StatusOr<bool> Evaluate(size_t row) {
    table_.FillMessage(row, filter_.memoizable ? filter_.fields : all_fields_,
                       message_.get());
    activation_.Clear();
    activation_.BindMessage(variable_, *message_);
    activation_.Bind("period_start_day", cel::Value::Int(start_));
    activation_.Bind("period_end_day", cel::Value::Int(end_));
    const cel::Value result = filter_.program->Evaluate(activation_);
    if (result.IsBool()) return result.bool_value();
    if (result.IsError()) {
      return absl::InvalidArgumentError(
          absl::StrCat("filter '", filter_.source,
                       "' failed: ", result.error().status().message()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("filter '", filter_.source, "' did not give a bool"));
  }

 private:
  const CompiledFilter& filter_;
  const FactTable& table_;
  std::unique_ptr<google::protobuf::Message> message_;
  cel::Activation activation_;
  std::string variable_;
  std::vector<int> all_fields_;
  int32_t start_;
  int32_t end_;
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> EvaluateFilter(
    const CompiledFilter& filter, const RecordEnvironment& environment,
    const FactTable& table, int32_t period_start_day, int32_t period_end_day) {
  const size_t rows = table.rows();
  std::vector<uint8_t> mask(rows, 0);
  RowEvaluator evaluator(filter, environment, table, period_start_day,
                         period_end_day);
  if (!filter.memoizable) {
    for (size_t row = 0; row < rows; ++row) {
      absl::StatusOr<bool> holds = evaluator.Evaluate(row);
      if (!holds.ok()) return holds.status();
      mask[row] = *holds ? 1 : 0;
    }
    return mask;
  }

  std::vector<ColumnView> columns;
  for (int field : filter.fields) columns.push_back(table.Column(field));
  if (columns.empty()) {
    // Reads no field: one answer for every row.
    if (rows == 0) return mask;
    absl::StatusOr<bool> holds = evaluator.Evaluate(0);
    if (!holds.ok()) return holds.status();
    std::fill(mask.begin(), mask.end(), *holds ? 1 : 0);
    return mask;
  }
  if (columns.size() == 1) {
    // One field: results by value, in a small table around the values seen.
    absl::flat_hash_map<int32_t, uint8_t> results;
    const ColumnView column = columns[0];
    int32_t last_value = 0;
    uint8_t last_result = 2;
    for (size_t row = 0; row < rows; ++row) {
      const int32_t value = column[row];
      if (last_result != 2 && value == last_value) {
        mask[row] = last_result;
        continue;
      }
      auto [it, inserted] = results.try_emplace(value, 0);
      if (inserted) {
        absl::StatusOr<bool> holds = evaluator.Evaluate(row);
        if (!holds.ok()) return holds.status();
        it->second = *holds ? 1 : 0;
      }
      last_value = value;
      last_result = it->second;
      mask[row] = it->second;
    }
    return mask;
  }
  using Key = std::array<int32_t, 8>;
  absl::flat_hash_map<Key, uint8_t> results;
  for (size_t row = 0; row < rows; ++row) {
    Key key{};
    for (size_t c = 0; c < columns.size(); ++c) key[c] = columns[c][row];
    auto [it, inserted] = results.try_emplace(key, 0);
    if (inserted) {
      absl::StatusOr<bool> holds = evaluator.Evaluate(row);
      if (!holds.ok()) return holds.status();
      it->second = *holds ? 1 : 0;
    }
    mask[row] = it->second;
  }
  return mask;
}

}  // namespace divert::metrics
