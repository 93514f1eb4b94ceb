#include "expr/eval_logic.h"

namespace divert::cel {
namespace {

// `a op b` when neither operand decided the result and not both are bools:
// unknowns win over errors (and merge), errors over other values, and
// other values have no overload.
Value Undecided(absl::string_view op, const Value& a, const Value& b,
                Arena* arena) {
  if (a.IsUnknown() && b.IsUnknown()) return MergeUnknowns(arena, a, b);
  if (a.IsUnknown()) return a;
  if (b.IsUnknown()) return b;
  if (a.IsError()) return a;
  if (b.IsError()) return b;
  const Value args[2] = {a, b};
  return NoMatchingOverload(arena, op, args);
}

bool CompareStrings(CompareOp op, absl::string_view a, absl::string_view b) {
  if (op == CompareOp::kEq) return SameBytes(a, b);
  if (op == CompareOp::kNe) return !SameBytes(a, b);
  return CompareWith(op, a, b);
}

}  // namespace

LogicNode::LogicNode(const Tree& tree) {
  ops_.reserve(tree.entries.size());
  for (const Tree::Entry& entry : tree.entries) {
    if (entry.kind == Tree::Entry::Kind::kLeaf) {
      ops_.push_back(Leaf(entry.leaf));
      continue;
    }
    Op op;
    op.kind = entry.kind == Tree::Entry::Kind::kAnd ? Op::Kind::kAnd
                                                    : Op::Kind::kOr;
    op.left = entry.left;
    op.right = entry.right;
    ops_.push_back(op);
  }
  entry_ = Link(static_cast<int32_t>(ops_.size()) - 1, kToTrue, kToFalse);
}

int32_t LogicNode::Link(int32_t index, int32_t on_true, int32_t on_false) {
  const Op& op = ops_[index];
  switch (op.kind) {
    case Op::Kind::kAnd: {
      const int32_t right = Link(op.right, on_true, on_false);
      return Link(op.left, right, on_false);
    }
    case Op::Kind::kOr: {
      const int32_t right = Link(op.right, on_true, on_false);
      return Link(op.left, on_true, right);
    }
    default: {
      Op leaf = op;
      leaf.on_true = on_true;
      leaf.on_false = on_false;
      leaves_.push_back(leaf);
      return static_cast<int32_t>(leaves_.size()) - 1;
    }
  }
}

LogicNode::Op LogicNode::Leaf(const Node* child) {
  Op op;
  op.node = child;
  VariableTest test;
  if (VariableTestOf(child, &test)) {
    op.slot = test.slot;
    op.compare = test.op;
    switch (test.constant.kind()) {
      case ValueKind::kInt:
        op.kind = Op::Kind::kInt;
        op.i = test.constant.int_value();
        break;
      case ValueKind::kUint:
        op.kind = Op::Kind::kUint;
        op.u = test.constant.uint_value();
        break;
      case ValueKind::kDouble:
        op.kind = Op::Kind::kDouble;
        op.d = test.constant.double_value();
        break;
      case ValueKind::kString:
        op.kind = Op::Kind::kString;
        op.s = test.constant.string_value();
        break;
      default:
        op.slot = -1;
        break;
    }
  } else if (const auto* variable = dynamic_cast<const VariableNode*>(child)) {
    op.kind = Op::Kind::kBool;
    op.slot = variable->slot();
  }
  return op;
}

Truth LogicNode::Run(int32_t index, Frame& frame, Value* other) const {
  const Op& op = ops_[index];
  switch (op.kind) {
    case Op::Kind::kAnd: {
      const Truth a = Run(op.left, frame, other);
      if (a == Truth::kFalse) return Truth::kFalse;
      Value b;
      const Truth tb = Run(op.right, frame, &b);
      if (tb == Truth::kFalse) return Truth::kFalse;
      if (a == Truth::kTrue && tb == Truth::kTrue) return Truth::kTrue;
      *other = Undecided("_&&_", TruthValue(a, *other), TruthValue(tb, b),
                         frame.arena);
      return Truth::kOther;
    }
    case Op::Kind::kOr: {
      const Truth a = Run(op.left, frame, other);
      if (a == Truth::kTrue) return Truth::kTrue;
      Value b;
      const Truth tb = Run(op.right, frame, &b);
      if (tb == Truth::kTrue) return Truth::kTrue;
      if (a == Truth::kFalse && tb == Truth::kFalse) return Truth::kFalse;
      *other = Undecided("_||_", TruthValue(a, *other), TruthValue(tb, b),
                         frame.arena);
      return Truth::kOther;
    }
    default:
      break;
  }
  return op.node->EvalTruth(frame, other);
}

Truth LogicNode::EvalTruth(Frame& frame, Value* other) const {
  const Op* leaves = leaves_.data();
  int32_t next = entry_;
  while (next >= 0) {
    const Op& leaf = leaves[next];
    bool result;
    if (leaf.kind != Op::Kind::kNode &&
        frame.slot_flags[leaf.slot] == kSlotBound) {
      const Value& v = frame.slots[leaf.slot];
      switch (leaf.kind) {
        case Op::Kind::kInt:
          if (v.kind() != ValueKind::kInt) goto evaluate;
          result = CompareWith(leaf.compare, v.int_value(), leaf.i);
          break;
        case Op::Kind::kString:
          if (v.kind() != ValueKind::kString) goto evaluate;
          result = CompareStrings(leaf.compare, v.string_value(), leaf.s);
          break;
        case Op::Kind::kBool:
          if (v.kind() != ValueKind::kBool) goto evaluate;
          result = v.bool_value();
          break;
        case Op::Kind::kUint:
          if (v.kind() != ValueKind::kUint) goto evaluate;
          result = CompareWith(leaf.compare, v.uint_value(), leaf.u);
          break;
        case Op::Kind::kDouble:
          if (v.kind() != ValueKind::kDouble) goto evaluate;
          result = CompareWith(leaf.compare, v.double_value(), leaf.d);
          break;
        default:
          goto evaluate;
      }
    } else {
    evaluate:
      const Truth truth = leaf.node->EvalTruth(frame, other);
      if (truth == Truth::kOther) {
        // Not a bool: start over with the full rules.
        return Run(static_cast<int32_t>(ops_.size()) - 1, frame, other);
      }
      result = truth == Truth::kTrue;
    }
    next = result ? leaf.on_true : leaf.on_false;
  }
  return next == kToTrue ? Truth::kTrue : Truth::kFalse;
}

Value ConditionalNode::Eval(Frame& frame) const {
  Value condition;
  switch (condition_->EvalTruth(frame, &condition)) {
    case Truth::kTrue:
      return if_true_->Eval(frame);
    case Truth::kFalse:
      return if_false_->Eval(frame);
    case Truth::kOther:
      break;
  }
  if (condition.IsErrorOrUnknown()) return condition;
  const Value args[1] = {condition};
  return NoMatchingOverload(frame.arena, "_?_:_", args);
}

Truth ConditionalNode::EvalTruth(Frame& frame, Value* other) const {
  Value condition;
  switch (condition_->EvalTruth(frame, &condition)) {
    case Truth::kTrue:
      return if_true_->EvalTruth(frame, other);
    case Truth::kFalse:
      return if_false_->EvalTruth(frame, other);
    case Truth::kOther:
      break;
  }
  if (condition.IsErrorOrUnknown()) {
    *other = condition;
  } else {
    const Value args[1] = {condition};
    *other = NoMatchingOverload(frame.arena, "_?_:_", args);
  }
  return Truth::kOther;
}

Truth NotNode::EvalTruth(Frame& frame, Value* other) const {
  switch (operand_->EvalTruth(frame, other)) {
    case Truth::kTrue:
      return Truth::kFalse;
    case Truth::kFalse:
      return Truth::kTrue;
    case Truth::kOther:
      break;
  }
  if (!other->IsErrorOrUnknown()) {
    const Value args[1] = {*other};
    *other = NoMatchingOverload(frame.arena, "!_", args);
  }
  return Truth::kOther;
}

Value NotStrictlyFalseNode::Eval(Frame& frame) const {
  Value other;
  return Value::Bool(operand_->EvalTruth(frame, &other) != Truth::kFalse);
}

Truth NotStrictlyFalseNode::EvalTruth(Frame& frame, Value* other) const {
  return operand_->EvalTruth(frame, other) == Truth::kFalse ? Truth::kFalse
                                                            : Truth::kTrue;
}

}  // namespace divert::cel
