// Reads of the divert.v1 contract's fields through their generated C++
// accessors. Conditions read these fields on every decision; protobuf's
// reflection costs several lookups per read, the generated accessor a load.
// The planner attaches an accessor to each attribute step whose field has
// one (every singular field, and the encounter's charges); every other
// field is read through reflection as before.
#ifndef DIVERT_SRC_EXPR_GENERATED_ACCESSORS_H_
#define DIVERT_SRC_EXPR_GENERATED_ACCESSORS_H_

#include "divert/cel/value.h"

namespace google::protobuf {
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace divert::cel {

// How to read one field of one generated message class. The message passed
// in must be of the class that declares the field.
struct GeneratedAccessor {
  // Whether the field is set; null for fields without explicit presence.
  bool (*has)(const google::protobuf::Message& message) = nullptr;
  // The field's value, as ReadField gives it: scalars by value, strings as
  // views of the message's storage, messages by pointer, repeated fields as
  // lists read in place (the list itself is allocated on `arena`).
  Value (*read)(const google::protobuf::Message& message,
                Arena* arena) = nullptr;
};

// The accessor for `field`, or null when it has none (repeated fields other
// than the charges, well-known types, fields of messages outside the
// contract).
const GeneratedAccessor* FindGeneratedAccessor(
    const google::protobuf::FieldDescriptor* field);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_GENERATED_ACCESSORS_H_
