// The Program the planner builds: a tree of evaluation nodes it owns, the
// constants they refer to, and the checked expression it came from.
#ifndef DIVERT_SRC_EXPR_EVAL_PROGRAM_H_
#define DIVERT_SRC_EXPR_EVAL_PROGRAM_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "divert/cel/cel.h"
#include "expr/eval_frame.h"
#include "expr/eval_node.h"
#include "expr/variable_table.h"
#include "google/protobuf/arena.h"

namespace divert::cel {

class EvalProgram final : public Program {
 public:
  EvalProgram(v1::CheckedExpr checked, std::string result_type,
              std::shared_ptr<const VariableTable> variables);

  Value Evaluate(Activation& activation) const override;
  const v1::CheckedExpr& checked_expr() const override { return checked_; }
  std::string result_type() const override { return result_type_; }
  const std::shared_ptr<const VariableTable>& variables() const override {
    return variables_;
  }

  // Runs the node tree over an activation's state.
  Value Run(ActivationState& state) const;

  // --- Building, for the planner ---
  // Takes ownership of `node` and returns it.
  template <typename T>
  T* Own(std::unique_ptr<T> node) {
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }
  // Where constants and folded values live for the program's lifetime.
  Arena* constants() { return &constants_; }
  void Finish(const Node* root, int num_locals) {
    root_ = root;
    num_locals_ = num_locals;
  }

 private:
  // One evaluation; with `unknown_placeholders`, unset fields read as
  // unknowns that name nothing.
  Value RunOnce(ActivationState& state, bool unknown_placeholders) const;

  v1::CheckedExpr checked_;
  std::string result_type_;
  std::shared_ptr<const VariableTable> variables_;
  Arena constants_;
  std::vector<std::unique_ptr<Node>> nodes_;
  const Node* root_ = nullptr;
  int num_locals_ = 0;
};

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_PROGRAM_H_
