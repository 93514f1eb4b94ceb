#include "expr/proto_values.h"

#include <new>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace divert::cel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

template <typename T, typename... Args>
T* NewOnArena(Arena* arena, Args&&... args) {
  // The views own nothing, so their destructors need not run.
  return new (arena->AllocateAligned(sizeof(T)))
      T(std::forward<Args>(args)...);
}

// A string read from a message: a view of the message's own storage, or a
// copy on the arena when reflection had to materialize it (cord fields).
Value TextValue(const std::string& text, const std::string& scratch,
                bool bytes, Arena* arena) {
  if (&text == &scratch) {
    return bytes ? ArenaBytes(arena, text) : ArenaString(arena, text);
  }
  return bytes ? Value::Bytes(text) : Value::String(text);
}

bool IsWrapper(const Descriptor* type) {
  switch (type->well_known_type()) {
    case Descriptor::WELLKNOWNTYPE_DOUBLEVALUE:
    case Descriptor::WELLKNOWNTYPE_FLOATVALUE:
    case Descriptor::WELLKNOWNTYPE_INT64VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT64VALUE:
    case Descriptor::WELLKNOWNTYPE_INT32VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT32VALUE:
    case Descriptor::WELLKNOWNTYPE_STRINGVALUE:
    case Descriptor::WELLKNOWNTYPE_BYTESVALUE:
    case Descriptor::WELLKNOWNTYPE_BOOLVALUE:
      return true;
    default:
      return false;
  }
}

Value TypedMessageValue(const Message& message, const Descriptor* type,
                        Arena* arena);

// The value of a singular field.
Value SingularValue(const Message& message, const Reflection* reflection,
                    const FieldDescriptor* field, Arena* arena) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return Value::Int(reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return Value::Int(reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return Value::Uint(reflection->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return Value::Uint(reflection->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Value::Double(reflection->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Value::Double(reflection->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return Value::Bool(reflection->GetBool(message, field));
    case FieldDescriptor::CPPTYPE_ENUM:
      return Value::Int(reflection->GetEnumValue(message, field));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          reflection->GetStringReference(message, field, &scratch);
      return TextValue(text, scratch,
                       field->type() == FieldDescriptor::TYPE_BYTES, arena);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (IsWrapper(field->message_type()) &&
          !reflection->HasField(message, field)) {
        return Value::Null();
      }
      return TypedMessageValue(reflection->GetMessage(message, field),
                               field->message_type(), arena);
  }
  return Value::Null();
}

// Element `index` of a repeated field.
Value RepeatedValue(const Message& message, const Reflection* reflection,
                    const FieldDescriptor* field, int index, Arena* arena) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return Value::Int(reflection->GetRepeatedInt32(message, field, index));
    case FieldDescriptor::CPPTYPE_INT64:
      return Value::Int(reflection->GetRepeatedInt64(message, field, index));
    case FieldDescriptor::CPPTYPE_UINT32:
      return Value::Uint(reflection->GetRepeatedUInt32(message, field, index));
    case FieldDescriptor::CPPTYPE_UINT64:
      return Value::Uint(reflection->GetRepeatedUInt64(message, field, index));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Value::Double(
          reflection->GetRepeatedDouble(message, field, index));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Value::Double(reflection->GetRepeatedFloat(message, field, index));
    case FieldDescriptor::CPPTYPE_BOOL:
      return Value::Bool(reflection->GetRepeatedBool(message, field, index));
    case FieldDescriptor::CPPTYPE_ENUM:
      return Value::Int(
          reflection->GetRepeatedEnumValue(message, field, index));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text = reflection->GetRepeatedStringReference(
          message, field, index, &scratch);
      return TextValue(text, scratch,
                       field->type() == FieldDescriptor::TYPE_BYTES, arena);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return TypedMessageValue(
          reflection->GetRepeatedMessage(message, field, index),
          field->message_type(), arena);
  }
  return Value::Null();
}

// A repeated field, read in place.
class RepeatedFieldList final : public ListValue {
 public:
  RepeatedFieldList(const Message* message, const Reflection* reflection,
                    const FieldDescriptor* field)
      : message_(message), field_(field), reflection_(reflection) {}
  size_t size() const override {
    return static_cast<size_t>(reflection_->FieldSize(*message_, field_));
  }
  Value Get(size_t index, Arena* arena) const override {
    return RepeatedValue(*message_, reflection_, field_,
                         static_cast<int>(index), arena);
  }

 private:
  const Message* message_;
  const FieldDescriptor* field_;
  const Reflection* reflection_;
};

// A map field, read in place through its entries.
class MapFieldMap final : public MapValue {
 public:
  MapFieldMap(const Message* message, const Reflection* reflection,
              const FieldDescriptor* field)
      : message_(message),
        field_(field),
        reflection_(reflection),
        key_field_(field->message_type()->map_key()),
        value_field_(field->message_type()->map_value()) {}

  size_t size() const override {
    return static_cast<size_t>(reflection_->FieldSize(*message_, field_));
  }

  bool Find(const Value& key, Arena* arena, Value* value) const override {
    const int n = reflection_->FieldSize(*message_, field_);
    for (int i = 0; i < n; ++i) {
      const Message& entry =
          reflection_->GetRepeatedMessage(*message_, field_, i);
      const Reflection* entry_reflection = entry.GetReflection();
      Value entry_key =
          SingularValue(entry, entry_reflection, key_field_, arena);
      if (!ValueEquals(entry_key, key, arena)) continue;
      *value = SingularValue(entry, entry_reflection, value_field_, arena);
      return true;
    }
    return false;
  }

  const ListValue* Keys(Arena* arena) const override {
    const int n = reflection_->FieldSize(*message_, field_);
    std::vector<Value> keys;
    keys.reserve(n);
    for (int i = 0; i < n; ++i) {
      const Message& entry =
          reflection_->GetRepeatedMessage(*message_, field_, i);
      keys.push_back(
          SingularValue(entry, entry.GetReflection(), key_field_, arena));
    }
    return &ArenaList(arena, keys).list();
  }

 private:
  const Message* message_;
  const FieldDescriptor* field_;
  const Reflection* reflection_;
  const FieldDescriptor* key_field_;
  const FieldDescriptor* value_field_;
};

// A message whose descriptor is `type`, known from the field that holds
// it (asking the message would be a virtual call, and the first one may
// initialize protobuf's descriptor tables).
Value TypedMessageValue(const Message& message, const Descriptor* type,
                        Arena* arena) {
  const Descriptor::WellKnownType wkt = type->well_known_type();
  if (wkt == Descriptor::WELLKNOWNTYPE_TIMESTAMP ||
      wkt == Descriptor::WELLKNOWNTYPE_DURATION) {
    const Reflection* reflection = message.GetReflection();
    const int64_t seconds =
        reflection->GetInt64(message, type->FindFieldByNumber(1));
    const int32_t nanos =
        reflection->GetInt32(message, type->FindFieldByNumber(2));
    if (wkt == Descriptor::WELLKNOWNTYPE_TIMESTAMP) {
      return Value::Timestamp(absl::FromUnixSeconds(seconds) +
                              absl::Nanoseconds(nanos));
    }
    return Value::Duration(absl::Seconds(seconds) + absl::Nanoseconds(nanos));
  }
  if (IsWrapper(type)) {
    return SingularValue(message, message.GetReflection(),
                         type->FindFieldByNumber(1), arena);
  }
  return Value::Message(&message);
}

}  // namespace

Value MessageToValue(const Message& message, Arena* arena) {
  return TypedMessageValue(message, message.GetDescriptor(), arena);
}

Value FieldToValue(const Message& message, const FieldDescriptor* field,
                   Arena* arena) {
  return FieldToValue(message, message.GetReflection(), field, arena);
}

Value FieldToValue(const Message& message, const Reflection* reflection,
                   const FieldDescriptor* field, Arena* arena) {
  if (field->is_map()) {
    return Value::Map(
        NewOnArena<MapFieldMap>(arena, &message, reflection, field));
  }
  if (field->is_repeated()) {
    return Value::List(
        NewOnArena<RepeatedFieldList>(arena, &message, reflection, field));
  }
  return SingularValue(message, reflection, field, arena);
}

FieldRead ClassifyField(const FieldDescriptor* field) {
  if (field->is_repeated()) return FieldRead::kGeneral;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return FieldRead::kBool;
    case FieldDescriptor::CPPTYPE_INT32:
      return FieldRead::kInt32;
    case FieldDescriptor::CPPTYPE_INT64:
      return FieldRead::kInt64;
    case FieldDescriptor::CPPTYPE_UINT32:
      return FieldRead::kUInt32;
    case FieldDescriptor::CPPTYPE_UINT64:
      return FieldRead::kUInt64;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FieldRead::kDouble;
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FieldRead::kFloat;
    case FieldDescriptor::CPPTYPE_ENUM:
      return FieldRead::kEnum;
    case FieldDescriptor::CPPTYPE_STRING:
      // Bytes take the general path.
      return field->type() == FieldDescriptor::TYPE_STRING
                 ? FieldRead::kString
                 : FieldRead::kGeneral;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Timestamp, Duration and wrappers become the values they stand for.
      const Descriptor* type = field->message_type();
      const Descriptor::WellKnownType wkt = type->well_known_type();
      return IsWrapper(type) || wkt == Descriptor::WELLKNOWNTYPE_TIMESTAMP ||
                     wkt == Descriptor::WELLKNOWNTYPE_DURATION
                 ? FieldRead::kGeneral
                 : FieldRead::kMessage;
    }
  }
  return FieldRead::kGeneral;
}

Value ReadField(const Message& message, const Reflection* reflection,
                const FieldDescriptor* field, FieldRead read, Arena* arena) {
  switch (read) {
    case FieldRead::kBool:
      return Value::Bool(reflection->GetBool(message, field));
    case FieldRead::kInt32:
      return Value::Int(reflection->GetInt32(message, field));
    case FieldRead::kInt64:
      return Value::Int(reflection->GetInt64(message, field));
    case FieldRead::kUInt32:
      return Value::Uint(reflection->GetUInt32(message, field));
    case FieldRead::kUInt64:
      return Value::Uint(reflection->GetUInt64(message, field));
    case FieldRead::kDouble:
      return Value::Double(reflection->GetDouble(message, field));
    case FieldRead::kFloat:
      return Value::Double(reflection->GetFloat(message, field));
    case FieldRead::kEnum:
      return Value::Int(reflection->GetEnumValue(message, field));
    case FieldRead::kString: {
      // A view of the message's own storage (or an arena copy when
      // reflection had to materialize the text).
      std::string scratch;
      const std::string& text =
          reflection->GetStringReference(message, field, &scratch);
      return TextValue(text, scratch, /*bytes=*/false, arena);
    }
    case FieldRead::kMessage:
      return Value::Message(&reflection->GetMessage(message, field));
    case FieldRead::kGeneral:
      break;
  }
  return FieldToValue(message, reflection, field, arena);
}

bool FieldIsPresent(const Message& message, const FieldDescriptor* field) {
  const Reflection* reflection = message.GetReflection();
  if (field->is_repeated()) return reflection->FieldSize(message, field) > 0;
  return reflection->HasField(message, field);
}

bool HasExplicitPresence(const FieldDescriptor* field) {
  return !field->is_repeated() && field->has_presence();
}

}  // namespace divert::cel
