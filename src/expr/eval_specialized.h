// Nodes for hot shapes the planner recognizes: a comparison of an
// expression (often a variable) with a constant scalar, `x in [constant
// scalars]` through a hash set, and `matches` with a constant pattern
// compiled once. Each takes a fast path when the operand has the expected
// kind and otherwise calls the general function, so results never differ
// from the unspecialized call.
#ifndef DIVERT_SRC_EXPR_EVAL_SPECIALIZED_H_
#define DIVERT_SRC_EXPR_EVAL_SPECIALIZED_H_

#include <cstring>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "expr/eval_attribute.h"
#include "expr/eval_node.h"
#include "expr/functions.h"

namespace re2 {
class RE2;
}

namespace divert::cel {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// `a op b` for two values of one ordered type.
template <typename T>
inline bool CompareWith(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return a != b;
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    case CompareOp::kGe:
      return a >= b;
  }
  return false;
}

// The comparison operator named `function` (`_==_`, `_<_`, ...); false
// for other functions.
bool CompareOpOf(absl::string_view function, CompareOp* op);

// Byte equality without a library call for the short strings conditions
// usually compare.
inline bool SameBytes(absl::string_view a, absl::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// A comparison node that compares a variable with a constant.
struct VariableTest {
  int slot = -1;
  CompareOp op = CompareOp::kEq;  // variable op constant
  Value constant;
};
// Describes `node` when it is such a comparison.
bool VariableTestOf(const Node* node, VariableTest* test);

// `operand op constant` or `constant op operand`, for int, uint, double,
// string and bool constants. Returns null for other constant kinds.
std::unique_ptr<Node> MakeCompareConstNode(CompareOp op, const Node* operand,
                                           const Value& constant,
                                           bool constant_on_left,
                                           FunctionImpl generic);

// `operand in list` where `list` is a constant list of strings or of ints.
// Returns null for other lists.
std::unique_ptr<Node> MakeInConstListNode(const Node* operand,
                                          const Value& list,
                                          FunctionImpl generic);

// `operand.matches(pattern)` / `matches(operand, pattern)` with a constant
// pattern; RE2 partial-match semantics. Returns null when `pattern` does
// not compile (the general function then reports the error).
std::unique_ptr<Node> MakeMatchesConstNode(const Node* operand,
                                           const Value& pattern,
                                           FunctionImpl generic);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_SPECIALIZED_H_
