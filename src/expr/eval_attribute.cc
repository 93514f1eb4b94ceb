#include "expr/eval_attribute.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "expr/proto_values.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace divert::cel {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::vector<std::string> SplitName(absl::string_view name) {
  return absl::StrSplit(name, '.');
}

// The field `step` names in `message`, or null when it has none. `*type`
// is the message's descriptor when already known (asking the message is a
// virtual call into protobuf); it is set when it had to be asked.
const FieldDescriptor* ResolveField(const AttributeStep& step,
                                    const Message& message,
                                    const Descriptor** type) {
  if (*type == nullptr) *type = message.GetDescriptor();
  if (step.field != nullptr && step.field->containing_type() == *type) {
    return step.field;
  }
  return (*type)->FindFieldByName(step.name);
}

Value NoSuchField(Arena* arena, absl::string_view name) {
  return MakeError(arena, absl::NotFoundError(
                              absl::StrCat("no such field '", name, "'")));
}

}  // namespace

Value NoSuchAttribute(Arena* arena, absl::string_view name) {
  return MakeError(arena, absl::NotFoundError(absl::StrCat(
                              "no such attribute '", name, "'")));
}

VariableNode::VariableNode(int slot, std::string name)
    : slot_(slot), name_(std::move(name)), segments_(SplitName(name_)) {}

Value VariableNode::ReadSlow(Frame& frame) const {
  const uint8_t flags = frame.slot_flags[slot_];
  if (flags & kSlotWatched) {
    Value unknown;
    if (MatchUnknownPatterns(*frame.activation, segments_, frame.arena,
                             &unknown)) {
      return unknown;
    }
  }
  if (!(flags & kSlotBound)) return NoSuchAttribute(frame.arena, name_);
  return frame.slots[slot_];
}

bool VariableNode::origin(AttributeOrigin* origin) const {
  origin->root_local = -1;
  origin->root_name = &name_;
  origin->suffix = &empty_;
  return true;
}

AttributeNode* AttributeNode::ForVariable(int slot, std::string name,
                                          std::vector<AttributeStep> steps) {
  return new AttributeNode(slot, -1, nullptr, std::move(name),
                           std::move(steps));
}

AttributeNode* AttributeNode::ForLocal(int local, std::string name,
                                       std::vector<AttributeStep> steps) {
  return new AttributeNode(-1, local, nullptr, std::move(name),
                           std::move(steps));
}

AttributeNode* AttributeNode::ForNode(const Node* root,
                                      std::vector<AttributeStep> steps) {
  return new AttributeNode(-1, -1, root, "", std::move(steps));
}

AttributeNode::AttributeNode(int slot, int local, const Node* root,
                             std::string name,
                             std::vector<AttributeStep> steps)
    : slot_(slot),
      local_(local),
      root_(root),
      root_name_(std::move(name)),
      steps_(std::move(steps)) {
  if (slot_ < 0) return;
  segments_ = SplitName(root_name_);
  for (const AttributeStep& step : steps_) {
    if (step.kind != AttributeStep::Kind::kIndex) {
      segments_.push_back(step.name);
    } else if (step.key.kind() == ValueKind::kString) {
      segments_.emplace_back(step.key.string_value());
    }
  }
}

bool AttributeNode::origin(AttributeOrigin* origin) const {
  if (root_ != nullptr || steps_.back().kind == AttributeStep::Kind::kHas) {
    return false;
  }
  origin->root_local = local_;
  origin->root_name = &root_name_;
  origin->suffix = &steps_.back().suffix;
  return true;
}

Value AttributeNode::Eval(Frame& frame) const {
  Value value;
  if (slot_ >= 0) {
    const uint8_t flags = frame.slot_flags[slot_];
    if (flags != kSlotBound) {
      if (flags & kSlotWatched) {
        Value unknown;
        if (MatchUnknownPatterns(*frame.activation, segments_, frame.arena,
                                 &unknown)) {
          return unknown;
        }
      }
      if (!(flags & kSlotBound)) {
        return NoSuchAttribute(frame.arena, root_name_);
      }
    }
    value = frame.slots[slot_];
  } else if (local_ >= 0) {
    value = frame.locals[local_];
  } else {
    value = root_->Eval(frame);
  }
  // The descriptor of `value` when it is a message whose type is known from
  // the field it was read from.
  const Descriptor* type = nullptr;
  for (const AttributeStep& step : steps_) {
    if (value.IsErrorOrUnknown()) return value;
    if (step.kind == AttributeStep::Kind::kField &&
        step.reflection != nullptr && value.kind() == ValueKind::kMessage &&
        typeid(value.message()) == *step.message_class) {
      value = ReadPlannedField(step, value.message(), frame, &type);
    } else {
      value = ApplyStep(step, value, frame, &type);
    }
  }
  return value;
}

Value AttributeNode::ApplyStep(const AttributeStep& step,
                               const Value& operand, Frame& frame,
                               const Descriptor** type) const {
  Arena* arena = frame.arena;
  const Descriptor* operand_type = *type;
  *type = nullptr;
  switch (step.kind) {
    case AttributeStep::Kind::kIndex: {
      const Value args[2] = {operand, step.key};
      return step.index(absl::MakeConstSpan(args), arena);
    }
    case AttributeStep::Kind::kField:
      if (operand.kind() == ValueKind::kMessage) {
        // A message of another class than the planner saw (dynamic
        // messages, or a type it did not know): resolve the field by name.
        const Message& message = operand.message();
        const FieldDescriptor* field =
            ResolveField(step, message, &operand_type);
        if (field == nullptr) return NoSuchField(arena, step.name);
        const Reflection* reflection = message.GetReflection();
        if (field == step.field) {
          *type = step.field_message_type;
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                   !field->is_repeated()) {
          *type = field->message_type();
        }
        if (frame.unset_fields_are_unknown && HasExplicitPresence(field) &&
            !reflection->HasField(message, field)) {
          return UnsetFieldUnknown(step, message, field, frame);
        }
        return FieldToValue(message, reflection, field, arena);
      }
      if (operand.kind() == ValueKind::kMap) {
        Value found;
        if (operand.map().Find(Value::String(step.name), arena, &found)) {
          return found;
        }
        return MakeError(arena, absl::NotFoundError(absl::StrCat(
                                    "no such key: '", step.name, "'")));
      }
      return MakeError(arena, absl::InvalidArgumentError(absl::StrCat(
                                  "type '", KindName(operand.kind()),
                                  "' does not support field selection")));
    case AttributeStep::Kind::kHas:
      if (operand.kind() == ValueKind::kMessage) {
        const Message& message = operand.message();
        const FieldDescriptor* field =
            ResolveField(step, message, &operand_type);
        if (field == nullptr) return NoSuchField(arena, step.name);
        return Value::Bool(FieldIsPresent(message, field));
      }
      if (operand.kind() == ValueKind::kMap) {
        Value found;
        return Value::Bool(
            operand.map().Find(Value::String(step.name), arena, &found));
      }
      return MakeError(arena, absl::InvalidArgumentError(absl::StrCat(
                                  "type '", KindName(operand.kind()),
                                  "' does not support has()")));
  }
  return Value();
}

inline Value AttributeNode::ReadPlannedField(
    const AttributeStep& step, const Message& message, Frame& frame,
    const Descriptor** type) const {
  *type = step.field_message_type;
  const GeneratedAccessor* accessor = step.accessor;
  if (frame.unset_fields_are_unknown && step.explicit_presence &&
      !(accessor != nullptr ? accessor->has(message)
                            : step.reflection->HasField(message, step.field))) {
    return UnsetFieldUnknown(step, message, step.field, frame);
  }
  if (accessor != nullptr) return accessor->read(message, frame.arena);
  return ReadField(message, step.reflection, step.field, step.read,
                   frame.arena);
}

Value AttributeNode::UnsetFieldUnknown(const AttributeStep& step,
                                       const Message& message,
                                       const FieldDescriptor* field,
                                       Frame& frame) const {
  if (frame.unknown_placeholders) {
    static const UnknownValue* const kPlaceholder =
        new UnknownValue(std::vector<std::string>());
    return Value::Unknown(kPlaceholder);
  }
  // Only an unset field pays for its path's text.
  std::string path =
      root_ != nullptr ? absl::StrCat(message.GetDescriptor()->full_name(),
                                      ".", field->name())
                       : PathText(frame, step);
  return MakeUnknown(frame.arena, {std::move(path)});
}

std::string AttributeNode::PathText(const Frame& frame,
                                    const AttributeStep& step) const {
  if (local_ >= 0 && frame.local_paths[local_] != nullptr) {
    return absl::StrCat(frame.local_paths[local_]->Text(), step.suffix);
  }
  return absl::StrCat(root_name_, step.suffix);
}

}  // namespace divert::cel
