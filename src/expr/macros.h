// Building the parser's expression tree (ids, positions, limits) and
// expanding CEL's macros in it. Internal to the parser (parser.cc).
//
// TreeBuilder creates every node of a parse: it numbers nodes from 1,
// remembers the code point offset of each, and tracks the height of every
// subtree and the number of live nodes so that a tree deeper than
// Limits::max_nesting_depth or larger than Limits::max_nodes becomes a kLimit
// issue as soon as it is built. ExpandMacro rewrites a call that is one of
// CEL's macros (has, all, exists, exists_one, map, filter) into its
// expansion.
#ifndef DIVERT_SRC_EXPR_MACROS_H_
#define DIVERT_SRC_EXPR_MACROS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"

namespace divert::cel {

using ExprPtr = std::unique_ptr<v1::Expr>;

// The name of the accumulator variable of macro comprehensions.
inline constexpr absl::string_view kAccumulatorVar = "@result";

// A problem found while parsing, at a code point offset into the source.
struct ParseIssue {
  CompileIssue::Kind kind;
  int32_t offset;
  std::string message;
};

class TreeBuilder {
 public:
  // At most this many syntax errors are recorded; then parsing stops.
  static constexpr int kMaxSyntaxErrors = 100;

  explicit TreeBuilder(const Limits& limits, size_t expected_nodes = 0);
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  // Problems. A limit error (or too many syntax errors) aborts the parse:
  // aborted() turns true and the parser stops reading tokens.
  void AddSyntaxError(int32_t offset, std::string message);
  void AddLimitError(int32_t offset, std::string message);
  bool aborted() const { return aborted_; }
  const std::vector<ParseIssue>& issues() const { return issues_; }

  // Leaves. `pos` is the code point offset of the node.
  ExprPtr NewError(int32_t pos);  // placeholder after a syntax error
  ExprPtr NewIdent(int32_t pos, absl::string_view name);
  ExprPtr NewNull(int32_t pos);
  ExprPtr NewBool(int32_t pos, bool value);
  ExprPtr NewInt(int32_t pos, int64_t value);
  ExprPtr NewUint(int32_t pos, uint64_t value);
  ExprPtr NewDouble(int32_t pos, double value);
  ExprPtr NewString(int32_t pos, std::string value);
  ExprPtr NewBytes(int32_t pos, std::string value);

  ExprPtr NewSelect(int32_t pos, ExprPtr operand, absl::string_view field,
                    bool test_only);

  // A call without arguments; add the target and arguments with SetTarget
  // and AddArg.
  ExprPtr NewCall(int32_t pos, absl::string_view function);
  ExprPtr NewCall(int32_t pos, absl::string_view function, ExprPtr arg);
  ExprPtr NewCall(int32_t pos, absl::string_view function, ExprPtr arg1,
                  ExprPtr arg2);
  ExprPtr NewCall(int32_t pos, absl::string_view function, ExprPtr arg1,
                  ExprPtr arg2, ExprPtr arg3);
  void SetTarget(v1::Expr* call, ExprPtr target);
  void AddArg(v1::Expr* call, ExprPtr arg);

  ExprPtr NewList(int32_t pos);
  void AddElement(v1::Expr* list, ExprPtr element);
  ExprPtr NewMap(int32_t pos);
  // `pos` is the entry's own position (its ':').
  void AddEntry(v1::Expr* map, int32_t pos, ExprPtr key, ExprPtr value);

  ExprPtr NewComprehension(int32_t pos, absl::string_view iter_var,
                           ExprPtr iter_range, ExprPtr accu_init,
                           ExprPtr loop_condition, ExprPtr loop_step,
                           ExprPtr result);

  // Removes the id of `expr` itself (not of its children) from the tree:
  // for nodes that macro expansion replaces.
  void Forget(const v1::Expr& expr);
  // Gives `expr` a fresh id at `pos`; its old id is forgotten.
  void Renumber(v1::Expr* expr, int32_t pos);

  int32_t Position(const v1::Expr& expr) const {
    return nodes_[expr.id()].position;
  }
  // Number of nodes on the longest path from `expr` down to a leaf.
  int Height(const v1::Expr& expr) const {
    return nodes_[expr.id()].height;
  }
  int live_nodes() const { return live_; }

  // Records the position of every node of the tree in `info`.
  void WritePositions(v1::SourceInfo* info) const;

 private:
  struct NodeInfo {
    int32_t position;  // -1 once forgotten
    int32_t height;
  };

  ExprPtr NewNode(int32_t pos);
  int64_t NewId(int32_t pos);
  // Raises the height of `parent` above `child`.
  void Grow(const v1::Expr& parent, const v1::Expr& child);

  int max_depth_;
  int max_nodes_;
  int live_ = 0;
  int syntax_errors_ = 0;
  bool aborted_ = false;
  std::vector<NodeInfo> nodes_;  // by id; [0] unused
  std::vector<ParseIssue> issues_;
};

// True for the placeholder node the parser leaves where a syntax error was.
inline bool IsErrorNode(const v1::Expr& expr) {
  return expr.expr_kind_case() == v1::Expr::EXPR_KIND_NOT_SET;
}

// If `call` (a call node as written) is a macro call of a fitting shape,
// returns its expansion, built with `builder` (reporting malformed macro
// arguments as syntax errors); otherwise returns `call` unchanged.
//
//   has(e.f)            Select{e, f, test_only}
//   e.all(x, p)         fold x over e: @result = true;
//                         while @not_strictly_false(@result):
//                           @result = @result && p
//   e.exists(x, p)      @result = false;
//                         while @not_strictly_false(!@result):
//                           @result = @result || p
//   e.exists_one(x, p)  @result = 0; @result = p ? @result + 1 : @result;
//                         result @result == 1
//   e.map(x, t)         @result = []; @result = @result + [t]
//   e.map(x, p, t)      @result = []; @result = p ? @result + [t] : @result
//   e.filter(x, p)      @result = []; @result = p ? @result + [x] : @result
//
// Every node the expansion adds gets a fresh id at the position of the
// macro call (its '(').
ExprPtr ExpandMacro(TreeBuilder& builder, ExprPtr call);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_MACROS_H_
