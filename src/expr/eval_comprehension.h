// Comprehensions (the expansions of `all`, `exists`, `exists_one`, `map`
// and `filter`) and the O(n) list accumulation `@result + [x]` they use.
#ifndef DIVERT_SRC_EXPR_EVAL_COMPREHENSION_H_
#define DIVERT_SRC_EXPR_EVAL_COMPREHENSION_H_

#include <vector>

#include "expr/eval_node.h"
#include "expr/functions.h"

namespace divert::cel {

// accu = init; for x in range (list elements or map keys): stop when the
// loop condition is false, else accu = step; then result.
class ComprehensionNode final : public Node {
 public:
  struct Parts {
    int iter_local = -1;
    int accu_local = -1;
    const Node* range = nullptr;
    const Node* init = nullptr;
    const Node* condition = nullptr;
    const Node* step = nullptr;
    const Node* result = nullptr;
  };
  explicit ComprehensionNode(const Parts& parts);
  Value Eval(Frame& frame) const override;

 private:
  Parts parts_;
  // When the range is an attribute, its elements get paths such as
  // "encounter.charges[1]" for naming unknown fields.
  bool range_has_origin_ = false;
  AttributeOrigin range_origin_;
};

// `accu + [e1, e2]` where `accu` is a comprehension accumulator: appends in
// place to a growing arena buffer when the accumulator is the latest list
// this node built, so that `map` and `filter` take linear time. Any other
// left operand goes to the `_+_` implementation.
class AppendListNode final : public Node {
 public:
  AppendListNode(int accu_local, std::vector<const Node*> elements,
                 FunctionImpl concat)
      : accu_local_(accu_local),
        elements_(std::move(elements)),
        concat_(concat) {}
  Value Eval(Frame& frame) const override;

 private:
  int accu_local_;
  std::vector<const Node*> elements_;
  FunctionImpl concat_;
};

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_COMPREHENSION_H_
