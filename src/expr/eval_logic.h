// The non-strict logical operators: `&&` and `||` (commutative: a false
// operand of `&&`, or a true operand of `||`, decides the result whatever
// the other is, error or unknown included), the conditional `_?_:_`, and
// `@not_strictly_false`, which comprehension loops use.
#ifndef DIVERT_SRC_EXPR_EVAL_LOGIC_H_
#define DIVERT_SRC_EXPR_EVAL_LOGIC_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "expr/eval_node.h"
#include "expr/eval_specialized.h"

namespace divert::cel {

// A tree of `&&` and `||` evaluated by one node. Nested `&&`/`||` nodes
// are absorbed, and comparisons of a variable with a constant (the leaves
// of most policy conditions) are tested inline when the variable holds a
// plain value of the constant's kind; anything else is evaluated by its
// own node.
//
// The tree is compiled into a jump table as compilers do for short-circuit
// logic: each leaf names the leaf to test next when it is true and when it
// is false. While every leaf yields a bool this gives exactly CEL's
// result. When a leaf yields an error, an unknown or another kind of
// value, evaluation starts over on the tree, which applies CEL's
// commutative rules (`false && error` is false in either order; unknowns
// win over errors and merge).
class LogicNode final : public ConditionNode {
 public:
  // The shape of a `&&`/`||` tree: operators over leaf nodes.
  struct Tree {
    struct Entry {
      enum class Kind : uint8_t { kAnd, kOr, kLeaf } kind = Kind::kLeaf;
      int32_t left = -1;  // kAnd, kOr: indexes of earlier entries
      int32_t right = -1;
      const Node* leaf = nullptr;  // kLeaf
    };
    std::vector<Entry> entries;  // the root is last
  };

  explicit LogicNode(const Tree& tree);
  Truth EvalTruth(Frame& frame, Value* other) const override;

 private:
  struct Op {
    enum class Kind : uint8_t {
      kAnd,
      kOr,
      kNode,    // evaluate `node`
      kInt,     // slot op i, for an int variable
      kUint,    // slot op u
      kDouble,  // slot op d
      kString,  // slot op s
      kBool,    // a bool variable by itself
    };
    Kind kind = Kind::kNode;
    CompareOp compare = CompareOp::kEq;
    int32_t slot = -1;
    int32_t left = -1;   // kAnd, kOr: operands
    int32_t right = -1;
    // Leaves in the jump table: the next leaf, or kToTrue / kToFalse.
    int32_t on_true = -1;
    int32_t on_false = -1;
    const Node* node = nullptr;  // the leaf's own node, for other values
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    absl::string_view s;
  };
  static constexpr int32_t kToTrue = -1;
  static constexpr int32_t kToFalse = -2;

  // A leaf operation for `node`, testing variables inline when it can.
  static Op Leaf(const Node* node);
  // Builds the jump table for the tree at `index`; returns its entry.
  int32_t Link(int32_t index, int32_t on_true, int32_t on_false);
  // Evaluates the tree at `index` with CEL's rules for every outcome.
  Truth Run(int32_t index, Frame& frame, Value* other) const;

  std::vector<Op> ops_;     // the tree; its root is last
  std::vector<Op> leaves_;  // the jump table
  int32_t entry_ = -1;
};

class ConditionalNode final : public Node {
 public:
  ConditionalNode(const Node* condition, const Node* if_true,
                  const Node* if_false)
      : condition_(condition), if_true_(if_true), if_false_(if_false) {}
  Value Eval(Frame& frame) const override;
  Truth EvalTruth(Frame& frame, Value* other) const override;

 private:
  const Node* condition_;
  const Node* if_true_;
  const Node* if_false_;
};

// `!a`: the negation of a bool. Errors and unknowns pass through, and any
// other value is an error, as the `!_` function gives; inside `&&` and `||`
// the negation costs no call.
class NotNode final : public ConditionNode {
 public:
  explicit NotNode(const Node* operand) : operand_(operand) {}
  Truth EvalTruth(Frame& frame, Value* other) const override;

 private:
  const Node* operand_;
};

// True unless the operand is false: errors and unknowns count as true.
class NotStrictlyFalseNode final : public Node {
 public:
  explicit NotStrictlyFalseNode(const Node* operand) : operand_(operand) {}
  Value Eval(Frame& frame) const override;
  Truth EvalTruth(Frame& frame, Value* other) const override;

 private:
  const Node* operand_;
};

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_LOGIC_H_
