// Protobuf messages as CEL values: reading a field gives an int, uint,
// double, bool, string or bytes view, an enum as int, a nested message,
// google.protobuf.Timestamp/Duration as timestamp/duration values, wrapper
// types as their value (null when unset), a repeated field as a list view
// and a map field as a map view. Views are allocated on the arena and read
// the message in place, so it must outlive them.
#ifndef DIVERT_SRC_EXPR_PROTO_VALUES_H_
#define DIVERT_SRC_EXPR_PROTO_VALUES_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "divert/cel/value.h"

namespace google::protobuf {
class FieldDescriptor;
class Message;
class Reflection;
}  // namespace google::protobuf

namespace divert::cel {

// A message as a CEL value: Timestamp, Duration and wrapper messages
// become the values they stand for; any other message stays a message.
Value MessageToValue(const google::protobuf::Message& message, Arena* arena);

// The value of `field` of `message` (its default when unset; null for an
// unset wrapper field). `field` must belong to the message's descriptor.
Value FieldToValue(const google::protobuf::Message& message,
                   const google::protobuf::FieldDescriptor* field,
                   Arena* arena);
// As above, with the message's reflection already at hand (asking a
// message for it costs a call_once inside protobuf).
Value FieldToValue(const google::protobuf::Message& message,
                   const google::protobuf::Reflection* reflection,
                   const google::protobuf::FieldDescriptor* field,
                   Arena* arena);

// How a field's value is read, decided once when a program is planned so
// that evaluation asks the descriptor nothing. kGeneral covers everything
// FieldToValue handles beyond plain scalars and messages: repeated and map
// fields, bytes, well-known types and wrappers.
enum class FieldRead : uint8_t {
  kGeneral,
  kBool,
  kInt32,
  kInt64,
  kUInt32,
  kUInt64,
  kDouble,
  kFloat,
  kEnum,
  kString,
  kMessage,  // a singular message field that stays a message
};

// The way to read `field`.
FieldRead ClassifyField(const google::protobuf::FieldDescriptor* field);

// FieldToValue for a field classified as `read`: the same value, read
// without consulting the descriptor for scalars, strings and messages.
Value ReadField(const google::protobuf::Message& message,
                const google::protobuf::Reflection* reflection,
                const google::protobuf::FieldDescriptor* field,
                FieldRead read, Arena* arena);

// CEL's has() for a field: repeated and map fields are present when not
// empty; fields with explicit presence when set; proto3 scalars without
// `optional` when not their default.
bool FieldIsPresent(const google::protobuf::Message& message,
                    const google::protobuf::FieldDescriptor* field);

// True when reading an unset `field` can be told apart from reading its
// default: singular fields with explicit presence (proto3 `optional`
// scalars, message fields, oneof members).
bool HasExplicitPresence(const google::protobuf::FieldDescriptor* field);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_PROTO_VALUES_H_
