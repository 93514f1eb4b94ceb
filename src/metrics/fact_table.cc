#include "metrics/fact_table.h"

#include <utility>

namespace divert::metrics {

using google::protobuf::FieldDescriptor;

int32_t Dictionary::Code(absl::string_view value) {
  const int32_t next = size();
  const int32_t code = *codes_.TryEmplace(value, next).first;
  if (code == next) values_.emplace_back(value);
  return code;
}

int32_t Dictionary::Find(absl::string_view value) const {
  const int32_t* code = codes_.Find(value);
  return code == nullptr ? kNone : *code;
}

FactTable::FactTable(const google::protobuf::Descriptor* schema)
    : schema_(schema),
      columns_(schema->field_count()),
      kept_(schema->field_count(), 1),
      defaults_(schema->field_count(), 0),
      dictionaries_(schema->field_count()),
      joins_(schema->field_count()) {
  for (int i = 0; i < schema->field_count(); ++i) {
    dictionaries_[i] = std::make_shared<Dictionary>();
    const FieldDescriptor* field = schema->field(i);
    if (field->has_presence() ||
        field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      defaults_[i] = kNone;
    }
  }
}

size_t FactTable::AddRow() {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (kept_[i] != 0) columns_[i].push_back(defaults_[i]);
  }
  return rows_++;
}

size_t FactTable::AddRows(size_t count) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (kept_[i] != 0) columns_[i].resize(rows_ + count, defaults_[i]);
  }
  const size_t first = rows_;
  rows_ += count;
  return first;
}

void FactTable::Truncate(size_t rows) {
  if (rows >= rows_) return;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (kept_[i] != 0) columns_[i].resize(rows);
  }
  rows_ = rows;
}

void FactTable::Reserve(size_t rows) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (kept_[i] != 0) columns_[i].reserve(rows);
  }
}

void FactTable::ReleaseColumns(std::vector<std::vector<int32_t>>* storage) {
  for (std::vector<int32_t>& column : columns_) column.clear();
  storage->swap(columns_);
  columns_.assign(storage->size(), std::vector<int32_t>());
  rows_ = 0;
}

void FactTable::ReuseColumns(std::vector<std::vector<int32_t>>* storage) {
  if (rows_ != 0 || storage->size() != columns_.size()) return;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (kept_[i] != 0) columns_[i].swap((*storage)[i]);
  }
  storage->clear();
}

int FactTable::FieldIndex(absl::string_view name) const {
  const FieldDescriptor* field = schema_->FindFieldByName(std::string(name));
  return field == nullptr ? -1 : field->index();
}

void FactTable::JoinColumn(int field_index, const FactTable& parent,
                           const std::vector<uint32_t>* parent_rows) {
  const FieldDescriptor* field = schema_->field(field_index);
  joins_[field_index] = {&parent, parent.FieldIndex(field->name()),
                         parent_rows};
  kept_[field_index] = 0;
  columns_[field_index].clear();
  columns_[field_index].shrink_to_fit();
}

void FactTable::KeepOnly(const std::vector<bool>& kept) {
  if (rows_ != 0) return;
  for (size_t i = 0; i < kept_.size() && i < kept.size(); ++i) {
    if (!kept[i]) kept_[i] = 0;
  }
}

ColumnView FactTable::Column(int field_index) const {
  const Join& join = joins_[field_index];
  if (join.parent != nullptr) {
    ColumnView parent = join.parent->Column(join.parent_field);
    return {parent.data, join.rows->data(), parent.dictionary};
  }
  return {columns_[field_index].data(), nullptr,
          dictionaries_[field_index].get()};
}

std::string FactTable::Label(int field_index, int32_t code) const {
  if (code == kNone) return "";
  const FieldDescriptor* field = schema_->field(field_index);
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return Column(field_index).dictionary->Value(code);
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field->enum_type()->FindValueByNumber(code);
      return value == nullptr ? std::to_string(code) : value->name();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return code != 0 ? "true" : "false";
    default:
      return std::to_string(code);
  }
}

void FactTable::FillMessage(size_t row, const std::vector<int>& field_indexes,
                            google::protobuf::Message* message) const {
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (int index : field_indexes) {
    const FieldDescriptor* field = schema_->field(index);
    const ColumnView column = Column(index);
    const int32_t value = column[row];
    if (value == kNone) {
      reflection->ClearField(message, field);
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->SetString(message, field, column.dictionary->Value(value));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        reflection->SetEnumValue(message, field, value);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        reflection->SetBool(message, field, value != 0);
        break;
      default:
        reflection->SetInt32(message, field, value);
        break;
    }
  }
}

}  // namespace divert::metrics
