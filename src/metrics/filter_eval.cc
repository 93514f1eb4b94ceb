#include "metrics/filter_eval.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
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

// Maps a column's values to slots 0..range-1; range 0 when it cannot.
struct Slotter {
  enum class Kind { kPresence, kEnum, kString, kInt };
  Kind kind = Kind::kInt;
  int32_t min = 0;
  int32_t range = 0;

  // -1 for a value outside the slots.
  template <Kind kKind>
  int32_t SlotAs(int32_t value) const {
    if constexpr (kKind == Kind::kPresence) {
      return value == kNone ? 0 : 1;
    } else if constexpr (kKind == Kind::kEnum) {
      return value >= 0 && value < range ? value : -1;
    } else {
      if (value == kNone) return range - 1;
      return value - min >= 0 && value - min < range - 1 ? value - min : -1;
    }
  }
};

// Rows are read a block at a time: each column's slots for the block, then
// a lookup a row.
constexpr size_t kBlockRows = 4096;
// A row with a value outside its column's slots.
constexpr uint32_t kNoSlot = UINT32_MAX;

// Calls visit(i, slot) for rows first + i of `column`, i < count, in
// order; the slot is -1 for a value outside the slots. One loop for each
// kind of slotter, so that a row's slot is computed inline.
template <typename Visit>
void ForEachSlot(const Slotter& slotter, const ColumnView& column, size_t first,
                 size_t count, Visit visit) {
  auto each = [&](auto slot_of) {
    if (column.via == nullptr) {
      for (size_t i = 0; i < count; ++i) visit(i, slot_of(column.data[first + i]));
    } else {
      for (size_t i = 0; i < count; ++i) {
        visit(i, slot_of(column.data[column.via[first + i]]));
      }
    }
  };
  switch (slotter.kind) {
    case Slotter::Kind::kPresence:
      return each([&](int32_t v) { return slotter.SlotAs<Slotter::Kind::kPresence>(v); });
    case Slotter::Kind::kEnum:
      return each([&](int32_t v) { return slotter.SlotAs<Slotter::Kind::kEnum>(v); });
    case Slotter::Kind::kString:
    case Slotter::Kind::kInt:
      return each([&](int32_t v) { return slotter.SlotAs<Slotter::Kind::kInt>(v); });
  }
}

// combination[i] = combination[i] * range + the slot of row first + i;
// the first column (kFirst) writes its slot.
template <bool kFirst>
void AddSlots(const Slotter& slotter, const ColumnView& column, size_t first,
              size_t count, uint32_t* combination) {
  const auto range = static_cast<uint32_t>(slotter.range);
  ForEachSlot(slotter, column, first, count, [&](size_t i, int32_t slot) {
    if constexpr (kFirst) {
      combination[i] = slot < 0 ? kNoSlot : static_cast<uint32_t>(slot);
    } else {
      combination[i] = slot < 0 || combination[i] == kNoSlot
                           ? kNoSlot
                           : combination[i] * range + static_cast<uint32_t>(slot);
    }
  });
}

Slotter SlotterFor(const FactTable& table, int field, bool presence_only) {
  constexpr int32_t kMaxRange = 1 << 16;
  const FieldDescriptor* descriptor = table.schema()->field(field);
  Slotter slotter;
  if (presence_only) {
    slotter.kind = Slotter::Kind::kPresence;
    slotter.range = 2;
  } else if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
    slotter.kind = Slotter::Kind::kEnum;
    slotter.range = 2;
  } else if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
    slotter.kind = Slotter::Kind::kEnum;
    for (int i = 0; i < descriptor->enum_type()->value_count(); ++i) {
      slotter.range =
          std::max(slotter.range, descriptor->enum_type()->value(i)->number() + 1);
    }
  } else if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    slotter.kind = Slotter::Kind::kString;
    const int32_t size = table.Column(field).dictionary->size();
    slotter.range = size < kMaxRange ? size + 1 : 0;
  } else {
    // Dates and counts: the range of the values present, and kNone.
    const ColumnView column = table.Column(field);
    int32_t low = INT32_MAX, high = INT32_MIN;
    for (size_t row = 0; row < table.rows(); ++row) {
      const int32_t value = column[row];
      if (value == kNone) continue;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    slotter.min = low == INT32_MAX ? 0 : low;
    const int64_t span = low == INT32_MAX ? 0 : int64_t{high} - low + 1;
    slotter.range = span < kMaxRange ? static_cast<int32_t>(span) + 1 : 0;
  }
  return slotter;
}

}  // namespace

std::optional<FieldSlots> SlotsOf(const FactTable& table, int field,
                                  bool presence_only) {
  const Slotter slotter = SlotterFor(table, field, presence_only);
  if (slotter.range <= 0 || slotter.range > UINT16_MAX + 1) return std::nullopt;
  const size_t rows = table.rows();
  FieldSlots slots;
  slots.slot.resize(rows);
  slots.first_row.assign(static_cast<size_t>(slotter.range), FieldSlots::kNoRow);
  bool outside = false;
  ForEachSlot(slotter, table.Column(field), 0, rows, [&](size_t row, int32_t slot) {
    outside |= slot < 0;
    slots.slot[row] = static_cast<uint16_t>(slot);
  });
  if (outside) return std::nullopt;
  // Rows in reverse: each slot's first row is the last written.
  for (size_t row = rows; row-- > 0;) {
    slots.first_row[slots.slot[row]] = static_cast<uint32_t>(row);
  }
  return slots;
}

absl::StatusOr<std::vector<uint8_t>> EvaluateFilterBySlot(
    const CompiledFilter& filter, const RecordEnvironment& environment,
    const FactTable& table, int32_t period_start_day, int32_t period_end_day,
    const FieldSlots& slots) {
  std::vector<uint32_t> first_rows;
  for (uint32_t row : slots.first_row) {
    if (row != FieldSlots::kNoRow) first_rows.push_back(row);
  }
  std::sort(first_rows.begin(), first_rows.end());
  RowEvaluator evaluator(filter, environment, table, period_start_day,
                         period_end_day);
  std::vector<uint8_t> holds(slots.first_row.size(), 0);
  for (uint32_t row : first_rows) {
    absl::StatusOr<bool> result = evaluator.Evaluate(row);
    if (!result.ok()) return result.status();
    holds[slots.slot[row]] = *result ? 1 : 0;
  }
  return holds;
}

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
  // Fields with few values (bools, enums, strings of a small dictionary,
  // dates and counts within a small range, fields read only by has()) give
  // each combination a slot of a table indexed directly.
  std::vector<Slotter> slotters;
  size_t combinations = 1;
  for (size_t f = 0; f < filter.fields.size() && combinations > 0; ++f) {
    slotters.push_back(SlotterFor(table, filter.fields[f], filter.presence_only[f]));
    const size_t range = static_cast<size_t>(slotters.back().range);
    combinations = range > 0 && combinations * range <= (1u << 20)
                       ? combinations * range
                       : 0;
  }
  if (combinations > 0) {
    // By combination, and one more for rows outside the slots (never
    // memoized): 2 while not evaluated.
    constexpr uint8_t kNotEvaluated = 2;
    std::vector<uint8_t> results(combinations + 1, kNotEvaluated);
    std::vector<uint32_t> combination(kBlockRows);
    for (size_t first = 0; first < rows; first += kBlockRows) {
      const size_t count = std::min(kBlockRows, rows - first);
      AddSlots<true>(slotters[0], columns[0], first, count, combination.data());
      for (size_t c = 1; c < columns.size(); ++c) {
        AddSlots<false>(slotters[c], columns[c], first, count, combination.data());
      }
      // Each row takes its combination's result, without a branch; the
      // rows whose result is not known yet are evaluated after.
      uint8_t* out = mask.data() + first;
      uint8_t unknown = 0;
      for (size_t i = 0; i < count; ++i) {
        out[i] = results[std::min<size_t>(combination[i], combinations)];
        unknown |= out[i];
      }
      if ((unknown & kNotEvaluated) == 0) continue;
      for (size_t i = 0; i < count; ++i) {
        if (out[i] != kNotEvaluated) continue;
        const bool memoized = combination[i] != kNoSlot;
        if (memoized && results[combination[i]] != kNotEvaluated) {
          out[i] = results[combination[i]];  // evaluated for a row before
          continue;
        }
        absl::StatusOr<bool> holds = evaluator.Evaluate(first + i);
        if (!holds.ok()) return holds.status();
        out[i] = *holds ? 1 : 0;
        if (memoized) results[combination[i]] = out[i];
      }
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
