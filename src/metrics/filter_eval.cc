#include "metrics/filter_eval.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace divert::metrics {
namespace {

using google::protobuf::FieldDescriptor;

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
  // Enum and bool fields have small ranges: their combinations index a
  // table directly.
  size_t combinations = 1;
  std::vector<int32_t> ranges;
  for (int field : filter.fields) {
    const FieldDescriptor* descriptor = table.schema()->field(field);
    int32_t range = 0;
    if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
      range = 2;
    } else if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
               !descriptor->has_presence()) {
      for (int i = 0; i < descriptor->enum_type()->value_count(); ++i) {
        range = std::max(range, descriptor->enum_type()->value(i)->number() + 1);
      }
    }
    ranges.push_back(range);
    combinations = range > 0 ? combinations * range : 0;
  }
  if (combinations > 0 && combinations <= (1u << 16)) {
    // 2: not evaluated yet.
    std::vector<uint8_t> results(combinations, 2);
    for (size_t row = 0; row < rows; ++row) {
      size_t index = 0;
      bool in_range = true;
      for (size_t c = 0; c < columns.size(); ++c) {
        const int32_t value = columns[c][row];
        if (value < 0 || value >= ranges[c]) in_range = false;
        index = index * ranges[c] + static_cast<size_t>(value);
      }
      if (!in_range) {
        absl::StatusOr<bool> holds = evaluator.Evaluate(row);
        if (!holds.ok()) return holds.status();
        mask[row] = *holds ? 1 : 0;
        continue;
      }
      uint8_t& result = results[index];
      if (result == 2) {
        absl::StatusOr<bool> holds = evaluator.Evaluate(row);
        if (!holds.ok()) return holds.status();
        result = *holds ? 1 : 0;
      }
      mask[row] = result;
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
