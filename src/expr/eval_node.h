// Evaluation nodes: the immutable tree a Program runs. Each node computes
// one CEL value from a Frame; nodes hold no mutable state, so one tree
// serves many threads at once.
#ifndef DIVERT_SRC_EXPR_EVAL_NODE_H_
#define DIVERT_SRC_EXPR_EVAL_NODE_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "divert/cel/value.h"
#include "expr/eval_frame.h"
#include "expr/functions.h"

namespace divert::cel {

// Where an attribute's value comes from, for naming comprehension elements
// ("encounter.charges[1]") and unknown fields.
struct AttributeOrigin {
  int root_local = -1;                      // >= 0 when rooted at a local
  const std::string* root_name = nullptr;   // variable or local name
  const std::string* suffix = nullptr;      // selections after the root
};

// The outcome of evaluating a node as a condition.
enum class Truth : uint8_t {
  kFalse,
  kTrue,
  kOther,  // not a bool: an error, an unknown or another kind of value
};

inline Truth TruthOf(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

class Node {
 public:
  virtual ~Node() = default;
  virtual Value Eval(Frame& frame) const = 0;
  // Evaluates the node for a boolean context. Returns kTrue or kFalse for a
  // bool result, else kOther with the result in `*other`. Conditions use
  // this path: it keeps results in registers, which makes a small
  // condition several times faster than passing Values through memory.
  virtual Truth EvalTruth(Frame& frame, Value* other) const {
    *other = Eval(frame);
    if (!other->IsBool()) return Truth::kOther;
    return other->bool_value() ? Truth::kTrue : Truth::kFalse;
  }
  // The value of a constant node; nullptr for every other node.
  virtual const Value* constant() const { return nullptr; }
  // For nodes that read an attribute (a variable or local followed by
  // selections): where the value comes from. False for other nodes.
  virtual bool origin(AttributeOrigin*) const { return false; }
};

// A literal, an enum constant or a folded subtree.
class ConstNode final : public Node {
 public:
  explicit ConstNode(Value value) : value_(value) {}
  Value Eval(Frame&) const override { return value_; }
  Truth EvalTruth(Frame&, Value* other) const override {
    if (value_.IsBool()) return TruthOf(value_.bool_value());
    *other = value_;
    return Truth::kOther;
  }
  const Value* constant() const override { return &value_; }

 private:
  Value value_;
};

// A comprehension variable (iteration variable or accumulator).
class LocalNode final : public Node {
 public:
  LocalNode(int index, std::string name)
      : index_(index), name_(std::move(name)) {}
  Value Eval(Frame& frame) const override { return frame.locals[index_]; }
  bool origin(AttributeOrigin* origin) const override {
    origin->root_local = index_;
    origin->root_name = &name_;
    origin->suffix = &empty_;
    return true;
  }

 private:
  int index_;
  std::string name_;
  std::string empty_;
};

// The value of a condition's outcome.
inline Value TruthValue(Truth truth, const Value& other) {
  return truth == Truth::kOther ? other : Value::Bool(truth == Truth::kTrue);
}

// A node built for boolean contexts (logic, comparisons, `in`, `matches`):
// it implements EvalTruth, and its value is derived from that.
class ConditionNode : public Node {
 public:
  Value Eval(Frame& frame) const final {
    Value other;
    const Truth truth = EvalTruth(frame, &other);
    return TruthValue(truth, other);
  }
  Truth EvalTruth(Frame& frame, Value* other) const override = 0;
};

// Strict functions pass errors and unknowns on: when some argument is
// unknown, sets `out` to the merged unknowns of all of them; otherwise,
// when some argument is an error, to the first error. False when every
// argument is a proper value.
bool PropagateErrorOrUnknown(absl::Span<const Value> args, Arena* arena,
                             Value* out);

// A strict call: every argument is evaluated, errors and unknowns are
// passed on, and the function runs only on proper values.
class CallNode final : public Node {
 public:
  CallNode(FunctionImpl impl, std::vector<const Node*> args)
      : impl_(impl), args_(std::move(args)) {}
  Value Eval(Frame& frame) const override;

 private:
  FunctionImpl impl_;
  std::vector<const Node*> args_;
};

// A list literal `[a, b]`.
class CreateListNode final : public Node {
 public:
  explicit CreateListNode(std::vector<const Node*> elements)
      : elements_(std::move(elements)) {}
  Value Eval(Frame& frame) const override;

 private:
  std::vector<const Node*> elements_;
};

// A map literal `{k: v}`: keys must be bool, int, uint or string, and
// distinct.
class CreateMapNode final : public Node {
 public:
  CreateMapNode(std::vector<const Node*> keys, std::vector<const Node*> values)
      : keys_(std::move(keys)), values_(std::move(values)) {}
  Value Eval(Frame& frame) const override;

 private:
  std::vector<const Node*> keys_;
  std::vector<const Node*> values_;
};

// Builds a map from evaluated entries, checking key kinds and duplicates;
// an error value when they are wrong.
Value BuildMap(absl::Span<const std::pair<Value, Value>> entries,
               Arena* arena);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_NODE_H_
