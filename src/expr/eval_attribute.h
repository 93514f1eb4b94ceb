// Attribute nodes: variables, and chains of field selections and constant
// indexes on a variable, a comprehension variable or any expression
// (`encounter.person.age`, `c.violent`, `m.key`, `xs[0].name`,
// `has(a.b)`). Accesses to variables are checked against the activation's
// unknown patterns; unset fields can read as unknowns naming their path.
#ifndef DIVERT_SRC_EXPR_EVAL_ATTRIBUTE_H_
#define DIVERT_SRC_EXPR_EVAL_ATTRIBUTE_H_

#include <string>
#include <typeinfo>
#include <vector>

#include "divert/cel/value.h"
#include "expr/eval_frame.h"
#include "expr/eval_node.h"
#include "expr/functions.h"
#include "expr/generated_accessors.h"
#include "expr/proto_values.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
class Reflection;
}  // namespace google::protobuf

namespace divert::cel {

// A variable slot.
class VariableNode final : public Node {
 public:
  VariableNode(int slot, std::string name);
  Value Eval(Frame& frame) const override {
    if (frame.slot_flags[slot_] == kSlotBound) return frame.slots[slot_];
    return ReadSlow(frame);
  }
  bool origin(AttributeOrigin* origin) const override;

  int slot() const { return slot_; }
  // Reads the variable when it is unbound or may be unknown.
  Value ReadSlow(Frame& frame) const;

 private:
  int slot_;
  std::string name_;
  std::vector<std::string> segments_;
  std::string empty_;
};

// One step of an attribute chain.
struct AttributeStep {
  enum class Kind {
    kField,  // `.name`: a message field or a map key
    kHas,    // `has(.name)`: field or key presence; always the last step
    kIndex,  // `[key]` with a constant key
  };
  Kind kind = Kind::kField;
  std::string name;
  // The field, when the planner knew the operand's message type. A message
  // of another type falls back to lookup by name.
  const google::protobuf::FieldDescriptor* field = nullptr;
  // The message type of `field` when it is a singular message field.
  const google::protobuf::Descriptor* field_message_type = nullptr;
  // When `field` belongs to a generated message class: that class and its
  // reflection, so that messages of the class are read without asking
  // them for their reflection (a call_once inside protobuf each time).
  const std::type_info* message_class = nullptr;
  const google::protobuf::Reflection* reflection = nullptr;
  // For messages of `message_class`: how `field` is read, and whether an
  // unset `field` can be told from its default (it then reads as unknown
  // when unset fields are unknown). Decided when planning.
  FieldRead read = FieldRead::kGeneral;
  bool explicit_presence = false;
  // For messages of `message_class`, when `field` belongs to the contract:
  // its generated accessor, used instead of `reflection`.
  const GeneratedAccessor* accessor = nullptr;
  Value key;                     // kIndex
  FunctionImpl index = nullptr;  // kIndex: the `_[_]` implementation
  // The chain's text after its root, up to and including this step:
  // ".charges", ".charges[0]", ".charges[0].violent".
  std::string suffix;
};

// A root followed by steps. The root is a variable slot, a local, or an
// arbitrary node.
class AttributeNode final : public Node {
 public:
  static AttributeNode* ForVariable(int slot, std::string name,
                                    std::vector<AttributeStep> steps);
  static AttributeNode* ForLocal(int local, std::string name,
                                 std::vector<AttributeStep> steps);
  static AttributeNode* ForNode(const Node* root,
                                std::vector<AttributeStep> steps);

  Value Eval(Frame& frame) const override;
  bool origin(AttributeOrigin* origin) const override;

 private:
  AttributeNode(int slot, int local, const Node* root, std::string name,
                std::vector<AttributeStep> steps);
  // One step on any operand: indexes, maps, has(), and fields of messages
  // of a class the planner did not see.
  Value ApplyStep(const AttributeStep& step, const Value& operand,
                  Frame& frame,
                  const google::protobuf::Descriptor** type) const;
  // A field step on a message of the class the planner saw (the common
  // case, kept inline in Eval): everything about the field was decided when
  // planning.
  Value ReadPlannedField(const AttributeStep& step,
                         const google::protobuf::Message& message,
                         Frame& frame,
                         const google::protobuf::Descriptor** type) const;
  // The unknown an unset `field` of `message` reads as, naming its path.
  Value UnsetFieldUnknown(const AttributeStep& step,
                          const google::protobuf::Message& message,
                          const google::protobuf::FieldDescriptor* field,
                          Frame& frame) const;
  std::string PathText(const Frame& frame, const AttributeStep& step) const;

  int slot_;
  int local_;
  const Node* root_;
  std::string root_name_;
  std::vector<AttributeStep> steps_;
  // For unknown matching: the variable name's segments, then the names of
  // field steps and string keys (numeric indexes match any element).
  std::vector<std::string> segments_;
};

// The error for reading an unbound variable: "no such attribute 'x'".
Value NoSuchAttribute(Arena* arena, absl::string_view name);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_ATTRIBUTE_H_
