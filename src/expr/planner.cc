// The planner: turns a checked or parsed expression into a tree of
// evaluation nodes once, resolving variables to slots, comprehension
// variables to locals, functions to implementations and message fields to
// descriptors, folding constant subtrees and specializing hot shapes.
#include "expr/planner.h"

#include <algorithm>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "expr/eval_attribute.h"
#include "expr/eval_comprehension.h"
#include "expr/eval_logic.h"
#include "expr/eval_node.h"
#include "expr/eval_program.h"
#include "expr/eval_specialized.h"
#include "expr/functions.h"
#include "expr/source_position.h"
#include "expr/type_names.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace divert::cel {
namespace {

using google::protobuf::DescriptorPool;

// Evaluation recurses once per level of the tree; the parser keeps trees
// far shallower than this, which guards hand-built expressions.
constexpr int kMaxDepth = 1000;

class Planner {
 public:
  // `checked` is null for unchecked programs, whose free identifiers are
  // added to `table`.
  Planner(EvalProgram* program, const v1::CheckedExpr* checked,
          const v1::SourceInfo& source_info, VariableTable* mutable_table,
          const VariableTable* table, const DescriptorPool* pool,
          std::vector<CompileIssue>* issues)
      : program_(program),
        checked_(checked),
        source_info_(source_info),
        mutable_table_(mutable_table),
        table_(table),
        pool_(pool),
        issues_(issues) {}

  absl::StatusOr<const Node*> Plan(const v1::Expr& expr, int depth);
  int num_locals() const { return 2 * max_comprehension_depth_; }

 private:
  struct Local {
    std::string name;
    int index;
  };

  // What the bottom of a selection chain refers to.
  struct Root {
    enum class Kind { kVariable, kLocal, kConstant, kExpression } kind;
    int index = -1;     // slot or local
    std::string name;   // variable or local name
    Value constant;     // kConstant
    const v1::Expr* expr = nullptr;  // the root expression
  };

  absl::Status Error(const v1::Expr& expr, absl::string_view message) const {
    const LineColumn pos = PositionOfExpr(source_info_, expr.id());
    if (issues_ != nullptr) {
      issues_->push_back({CompileIssue::Kind::kType, pos.line, pos.column,
                          std::string(message)});
    }
    if (pos.line == 0) return absl::InvalidArgumentError(message);
    return absl::InvalidArgumentError(
        absl::StrCat(pos.line, ":", pos.column, ": ", message));
  }

  template <typename T>
  T* Own(std::unique_ptr<T> node) {
    return program_->Own(std::move(node));
  }
  const Node* Constant(const Value& value) {
    return Own(std::make_unique<ConstNode>(value));
  }
  Value ConstantValue(const v1::Constant& constant);

  // Evaluates `node` now when all of `children` are constants, returning a
  // constant node unless the result is an error or unknown.
  const Node* Fold(const Node* node, absl::Span<const Node* const> children);

  const Local* FindLocal(absl::string_view name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  bool ResolveRoot(const v1::Expr& expr, Root* root);
  bool ResolveName(const v1::Expr& expr, const std::string& name, Root* root);
  absl::Status ResolveIdent(const v1::Expr& expr, Root* root);
  const google::protobuf::FieldDescriptor* FieldOf(const v1::Expr& operand,
                                                   absl::string_view field);
  bool ChainReachesIdent(const v1::Expr& expr) const;
  static bool IsConstantIndex(const v1::Expr& expr);

  absl::StatusOr<const Node*> PlanAttribute(const v1::Expr& expr, int depth);
  absl::StatusOr<const Node*> PlanCall(const v1::Expr& expr, int depth);
  // `&&` and `||` trees become one LogicNode.
  static bool IsLogic(const v1::Expr& expr);
  absl::StatusOr<int32_t> AddLogic(const v1::Expr& expr, int depth,
                                   LogicNode::Tree* tree,
                                   std::vector<const Node*>* leaves);
  absl::StatusOr<const Node*> PlanList(const v1::Expr& expr, int depth);
  absl::StatusOr<const Node*> PlanMap(const v1::Expr& expr, int depth);
  absl::StatusOr<const Node*> PlanComprehension(const v1::Expr& expr,
                                                int depth);
  const Node* Specialize(const std::string& function, bool receiver_style,
                         absl::Span<const Node* const> args,
                         FunctionImpl impl);

  EvalProgram* program_;
  const v1::CheckedExpr* checked_;
  const v1::SourceInfo& source_info_;
  VariableTable* mutable_table_;
  const VariableTable* table_;
  const DescriptorPool* pool_;
  std::vector<CompileIssue>* issues_;  // may be null
  std::vector<Local> locals_;
  // Locals of comprehension nesting level d are 2d (iteration variable)
  // and 2d + 1 (accumulator).
  int comprehension_depth_ = 0;
  int max_comprehension_depth_ = 0;
  // Accumulators in scope, by local index.
  std::vector<int> accumulators_;
};

Value Planner::ConstantValue(const v1::Constant& constant) {
  Arena* arena = program_->constants();
  switch (constant.constant_kind_case()) {
    case v1::Constant::kBoolValue:
      return Value::Bool(constant.bool_value());
    case v1::Constant::kInt64Value:
      return Value::Int(constant.int64_value());
    case v1::Constant::kUint64Value:
      return Value::Uint(constant.uint64_value());
    case v1::Constant::kDoubleValue:
      return Value::Double(constant.double_value());
    case v1::Constant::kStringValue:
      return ArenaString(arena, constant.string_value());
    case v1::Constant::kBytesValue:
      return ArenaBytes(arena, constant.bytes_value());
    case v1::Constant::kNullValue:
    case v1::Constant::CONSTANT_KIND_NOT_SET:
      return Value::Null();
  }
  return Value::Null();
}

const Node* Planner::Fold(const Node* node,
                          absl::Span<const Node* const> children) {
  for (const Node* child : children) {
    if (child->constant() == nullptr) return node;
  }
  Frame frame;
  frame.arena = program_->constants();
  Value value = node->Eval(frame);
  if (value.IsErrorOrUnknown()) return node;
  return Constant(value);
}

// A name the checker resolved (a variable or a constant), or that names a
// variable or enum constant in an unchecked program.
bool Planner::ResolveName(const v1::Expr& expr, const std::string& name,
                          Root* root) {
  if (checked_ != nullptr) {
    auto it = checked_->reference_map().find(expr.id());
    if (it == checked_->reference_map().end()) {
      // Not resolved by the checker: only a variable of that exact name.
      const int slot = expr.has_ident_expr() ? table_->Find(name) : -1;
      if (slot < 0) return false;
      root->kind = Root::Kind::kVariable;
      root->index = slot;
      root->name = name;
      root->expr = &expr;
      return true;
    }
    const v1::Reference& reference = it->second;
    if (reference.has_value()) {
      root->kind = Root::Kind::kConstant;
      root->constant = ConstantValue(reference.value());
      root->expr = &expr;
      return true;
    }
    const std::string& resolved =
        reference.name().empty() ? name : reference.name();
    const int slot = table_->Find(resolved);
    if (slot < 0) return false;
    root->kind = Root::Kind::kVariable;
    root->index = slot;
    root->name = resolved;
    root->expr = &expr;
    return true;
  }
  const int slot = table_->Find(name);
  if (slot >= 0) {
    root->kind = Root::Kind::kVariable;
    root->index = slot;
    root->name = name;
    root->expr = &expr;
    return true;
  }
  // An enum constant written with its full name: pkg.Enum.VALUE.
  const size_t dot = name.rfind('.');
  if (pool_ != nullptr && dot != std::string::npos) {
    const auto* type = pool_->FindEnumTypeByName(name.substr(0, dot));
    if (type != nullptr) {
      const auto* value = type->FindValueByName(name.substr(dot + 1));
      if (value != nullptr) {
        root->kind = Root::Kind::kConstant;
        root->constant = Value::Int(value->number());
        root->expr = &expr;
        return true;
      }
    }
  }
  return false;
}

// Resolves a qualified name `a.b.c` (a chain of selections on an
// identifier) that is itself a variable or a constant.
bool Planner::ResolveRoot(const v1::Expr& expr, Root* root) {
  std::vector<const std::string*> parts;
  const v1::Expr* cur = &expr;
  while (cur->has_select_expr() && !cur->select_expr().test_only()) {
    parts.push_back(&cur->select_expr().field());
    cur = &cur->select_expr().operand();
  }
  if (!cur->has_ident_expr() || parts.empty()) return false;
  std::string name = cur->ident_expr().name();
  // A comprehension variable shadows qualified names that start with it,
  // unless a leading dot asks for the root scope.
  const bool root_scope = !name.empty() && name[0] == '.';
  if (root_scope) {
    name.erase(0, 1);
  } else if (FindLocal(name) != nullptr) {
    return false;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    absl::StrAppend(&name, ".", **it);
  }
  return ResolveName(expr, name, root);
}

absl::Status Planner::ResolveIdent(const v1::Expr& expr, Root* root) {
  std::string name = expr.ident_expr().name();
  // The checker records references for names that are not comprehension
  // variables only (`.y` names the variable y even where a local y is in
  // scope); trust them first.
  if (checked_ != nullptr &&
      checked_->reference_map().contains(expr.id()) &&
      ResolveName(expr, name, root)) {
    return absl::OkStatus();
  }
  // A leading dot names a variable in the root scope, never a local.
  const bool root_scope = !name.empty() && name[0] == '.';
  if (root_scope) name.erase(0, 1);
  if (const Local* local = root_scope ? nullptr : FindLocal(name)) {
    root->kind = Root::Kind::kLocal;
    root->index = local->index;
    root->name = name;
    root->expr = &expr;
    return absl::OkStatus();
  }
  if (ResolveName(expr, name, root)) return absl::OkStatus();
  if (checked_ == nullptr && mutable_table_ != nullptr) {
    // A free identifier of an unchecked program: a dyn variable.
    v1::Type dyn;
    dyn.mutable_dyn();
    const int slot = mutable_table_->Add(name, dyn);
    root->kind = Root::Kind::kVariable;
    root->index = slot;
    root->name = name;
    root->expr = &expr;
    return absl::OkStatus();
  }
  return Error(expr, absl::StrCat("undeclared reference to '", name, "'"));
}

const google::protobuf::FieldDescriptor* Planner::FieldOf(
    const v1::Expr& operand, absl::string_view field) {
  if (checked_ == nullptr || pool_ == nullptr) return nullptr;
  auto it = checked_->type_map().find(operand.id());
  if (it == checked_->type_map().end() || !it->second.has_message_type()) {
    return nullptr;
  }
  const auto* type = pool_->FindMessageTypeByName(it->second.message_type());
  if (type == nullptr) return nullptr;
  return type->FindFieldByName(std::string(field));
}

bool Planner::IsConstantIndex(const v1::Expr& expr) {
  if (!expr.has_call_expr()) return false;
  const auto& call = expr.call_expr();
  if (call.function() != "_[_]" || call.has_target() ||
      call.args_size() != 2 || !call.args(1).has_const_expr()) {
    return false;
  }
  switch (call.args(1).const_expr().constant_kind_case()) {
    case v1::Constant::kInt64Value:
    case v1::Constant::kUint64Value:
    case v1::Constant::kStringValue:
    case v1::Constant::kBoolValue:
      return true;
    default:
      return false;
  }
}

bool Planner::ChainReachesIdent(const v1::Expr& expr) const {
  const v1::Expr* cur = &expr;
  while (true) {
    if (cur->has_ident_expr()) return true;
    if (cur->has_select_expr()) {
      cur = &cur->select_expr().operand();
    } else if (IsConstantIndex(*cur)) {
      cur = &cur->call_expr().args(0);
    } else {
      return false;
    }
  }
}

absl::StatusOr<const Node*> Planner::PlanAttribute(const v1::Expr& expr,
                                                   int depth) {
  // Walk down to the root, collecting the steps outermost first.
  std::vector<const v1::Expr*> step_exprs;
  Root root;
  const v1::Expr* cur = &expr;
  while (true) {
    if (cur->has_ident_expr()) {
      absl::Status status = ResolveIdent(*cur, &root);
      if (!status.ok()) return status;
      break;
    }
    if (cur->has_select_expr()) {
      if (ResolveRoot(*cur, &root)) break;
      step_exprs.push_back(cur);
      cur = &cur->select_expr().operand();
      continue;
    }
    if (IsConstantIndex(*cur) && ChainReachesIdent(*cur)) {
      step_exprs.push_back(cur);
      cur = &cur->call_expr().args(0);
      continue;
    }
    root.kind = Root::Kind::kExpression;
    root.expr = cur;
    break;
  }

  std::vector<AttributeStep> steps;
  std::string suffix;
  for (auto it = step_exprs.rbegin(); it != step_exprs.rend(); ++it) {
    const v1::Expr& step_expr = **it;
    AttributeStep step;
    if (step_expr.has_select_expr()) {
      const auto& select = step_expr.select_expr();
      step.kind = select.test_only() ? AttributeStep::Kind::kHas
                                     : AttributeStep::Kind::kField;
      step.name = select.field();
      step.field = FieldOf(select.operand(), select.field());
      if (step.field != nullptr) {
        if (!step.field->is_repeated() &&
            step.field->cpp_type() ==
                google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
          step.field_message_type = step.field->message_type();
        }
        const google::protobuf::Message* prototype =
            google::protobuf::MessageFactory::generated_factory()
                ->GetPrototype(step.field->containing_type());
        if (prototype != nullptr) {
          step.message_class = &typeid(*prototype);
          step.reflection = prototype->GetReflection();
          step.read = ClassifyField(step.field);
          step.explicit_presence = HasExplicitPresence(step.field);
          step.accessor = FindGeneratedAccessor(step.field);
        }
      }
      absl::StrAppend(&suffix, ".", select.field());
    } else {
      const v1::Constant& key = step_expr.call_expr().args(1).const_expr();
      step.kind = AttributeStep::Kind::kIndex;
      step.key = ConstantValue(key);
      step.index = FindFunction("_[_]", 2, false);
      if (step.index == nullptr) {
        return Error(step_expr, "no implementation of '_[_]'");
      }
      switch (key.constant_kind_case()) {
        case v1::Constant::kInt64Value:
          absl::StrAppend(&suffix, "[", key.int64_value(), "]");
          break;
        case v1::Constant::kUint64Value:
          absl::StrAppend(&suffix, "[", key.uint64_value(), "u]");
          break;
        case v1::Constant::kBoolValue:
          absl::StrAppend(&suffix, key.bool_value() ? "[true]" : "[false]");
          break;
        default:
          absl::StrAppend(&suffix, "[\"", key.string_value(), "\"]");
          break;
      }
    }
    step.suffix = suffix;
    if (step.kind == AttributeStep::Kind::kHas && it + 1 != step_exprs.rend()) {
      return Error(step_expr, "has() must be the outermost selection");
    }
    steps.push_back(std::move(step));
  }

  switch (root.kind) {
    case Root::Kind::kVariable:
      if (steps.empty()) {
        return Own(std::make_unique<VariableNode>(root.index, root.name));
      }
      return Own(std::unique_ptr<Node>(AttributeNode::ForVariable(
          root.index, root.name, std::move(steps))));
    case Root::Kind::kLocal:
      if (steps.empty()) {
        return Own(std::make_unique<LocalNode>(root.index, root.name));
      }
      return Own(std::unique_ptr<Node>(
          AttributeNode::ForLocal(root.index, root.name, std::move(steps))));
    case Root::Kind::kConstant:
    case Root::Kind::kExpression: {
      const Node* root_node;
      if (root.kind == Root::Kind::kConstant) {
        root_node = Constant(root.constant);
      } else {
        absl::StatusOr<const Node*> planned = Plan(*root.expr, depth + 1);
        if (!planned.ok()) return planned.status();
        root_node = *planned;
      }
      if (steps.empty()) return root_node;
      const Node* node = Own(std::unique_ptr<Node>(
          AttributeNode::ForNode(root_node, std::move(steps))));
      const Node* children[] = {root_node};
      return Fold(node, children);
    }
  }
  return Error(expr, "unresolvable attribute");
}

const Node* Planner::Specialize(const std::string& function,
                                bool receiver_style,
                                absl::Span<const Node* const> args,
                                FunctionImpl impl) {
  if (args.size() != 2) return nullptr;
  const Value* left = args[0]->constant();
  const Value* right = args[1]->constant();
  if ((left == nullptr) == (right == nullptr)) return nullptr;
  CompareOp op;
  if (!receiver_style && CompareOpOf(function, &op)) {
    std::unique_ptr<Node> node =
        left != nullptr
            ? MakeCompareConstNode(op, args[1], *left, true, impl)
            : MakeCompareConstNode(op, args[0], *right, false, impl);
    return node == nullptr ? nullptr : Own(std::move(node));
  }
  if (!receiver_style && function == "@in" && right != nullptr) {
    std::unique_ptr<Node> node = MakeInConstListNode(args[0], *right, impl);
    return node == nullptr ? nullptr : Own(std::move(node));
  }
  if (function == "matches" && right != nullptr) {
    std::unique_ptr<Node> node = MakeMatchesConstNode(args[0], *right, impl);
    return node == nullptr ? nullptr : Own(std::move(node));
  }
  return nullptr;
}

// True when `expr` mentions identifier `name` anywhere.
bool Mentions(const v1::Expr& expr, absl::string_view name, int depth) {
  if (depth > kMaxDepth) return true;
  switch (expr.expr_kind_case()) {
    case v1::Expr::kIdentExpr:
      return expr.ident_expr().name() == name;
    case v1::Expr::kSelectExpr:
      return Mentions(expr.select_expr().operand(), name, depth + 1);
    case v1::Expr::kCallExpr:
      if (expr.call_expr().has_target() &&
          Mentions(expr.call_expr().target(), name, depth + 1)) {
        return true;
      }
      for (const auto& arg : expr.call_expr().args()) {
        if (Mentions(arg, name, depth + 1)) return true;
      }
      return false;
    case v1::Expr::kListExpr:
      for (const auto& e : expr.list_expr().elements()) {
        if (Mentions(e, name, depth + 1)) return true;
      }
      return false;
    case v1::Expr::kMapExpr:
      for (const auto& e : expr.map_expr().entries()) {
        if (Mentions(e.key(), name, depth + 1) ||
            Mentions(e.value(), name, depth + 1)) {
          return true;
        }
      }
      return false;
    case v1::Expr::kComprehensionExpr: {
      const auto& c = expr.comprehension_expr();
      return Mentions(c.iter_range(), name, depth + 1) ||
             Mentions(c.accu_init(), name, depth + 1) ||
             Mentions(c.loop_condition(), name, depth + 1) ||
             Mentions(c.loop_step(), name, depth + 1) ||
             Mentions(c.result(), name, depth + 1);
    }
    default:
      return false;
  }
}

absl::StatusOr<const Node*> Planner::PlanCall(const v1::Expr& expr,
                                              int depth) {
  const auto& call = expr.call_expr();
  const std::string& function = call.function();
  const bool receiver_style = call.has_target();
  const int argc = call.args_size() + (receiver_style ? 1 : 0);

  if (IsConstantIndex(expr) && ChainReachesIdent(expr)) {
    return PlanAttribute(expr, depth);
  }

  // `accu + [x]` in a comprehension: linear-time accumulation.
  if (function == "_+_" && !receiver_style && argc == 2 &&
      call.args(0).has_ident_expr() && call.args(1).has_list_expr()) {
    const Local* local = FindLocal(call.args(0).ident_expr().name());
    if (local != nullptr &&
        std::find(accumulators_.begin(), accumulators_.end(), local->index) !=
            accumulators_.end() &&
        !Mentions(call.args(1), local->name, 0)) {
      FunctionImpl concat = FindFunction("_+_", 2, false);
      if (concat == nullptr) return Error(expr, "no implementation of '_+_'");
      std::vector<const Node*> elements;
      for (const auto& e : call.args(1).list_expr().elements()) {
        absl::StatusOr<const Node*> node = Plan(e, depth + 2);
        if (!node.ok()) return node.status();
        elements.push_back(*node);
      }
      return Own(std::make_unique<AppendListNode>(local->index,
                                                  std::move(elements), concat));
    }
  }

  if (IsLogic(expr)) {
    LogicNode::Tree tree;
    std::vector<const Node*> leaves;
    absl::StatusOr<int32_t> root = AddLogic(expr, depth, &tree, &leaves);
    if (!root.ok()) return root.status();
    return Fold(Own(std::make_unique<LogicNode>(tree)), leaves);
  }

  std::vector<const Node*> args;
  args.reserve(argc);
  if (receiver_style) {
    absl::StatusOr<const Node*> target = Plan(call.target(), depth + 1);
    if (!target.ok()) return target.status();
    args.push_back(*target);
  }
  for (const auto& arg : call.args()) {
    absl::StatusOr<const Node*> node = Plan(arg, depth + 1);
    if (!node.ok()) return node.status();
    args.push_back(*node);
  }

  if (!receiver_style) {
    if (function == "_?_:_" && argc == 3) {
      return Fold(Own(std::make_unique<ConditionalNode>(args[0], args[1],
                                                        args[2])),
                  args);
    }
    if (function == "!_" && argc == 1) {
      return Fold(Own(std::make_unique<NotNode>(args[0])), args);
    }
    if ((function == "@not_strictly_false" ||
         function == "__not_strictly_false__") &&
        argc == 1) {
      return Fold(Own(std::make_unique<NotStrictlyFalseNode>(args[0])), args);
    }
  }

  FunctionImpl impl = FindFunction(function, argc, receiver_style);
  if (impl == nullptr) {
    return Error(expr, absl::StrCat("undeclared reference to function '",
                                    function, "' with ", argc,
                                    argc == 1 ? " argument" : " arguments"));
  }
  const Node* call_node = Own(std::make_unique<CallNode>(impl, args));
  const Node* folded = Fold(call_node, args);
  if (folded != call_node) return folded;
  if (const Node* special = Specialize(function, receiver_style, args, impl)) {
    return special;
  }
  return call_node;
}

bool Planner::IsLogic(const v1::Expr& expr) {
  if (!expr.has_call_expr()) return false;
  const auto& call = expr.call_expr();
  return !call.has_target() && call.args_size() >= 2 &&
         (call.function() == "_&&_" || call.function() == "_||_");
}

absl::StatusOr<int32_t> Planner::AddLogic(const v1::Expr& expr, int depth,
                                          LogicNode::Tree* tree,
                                          std::vector<const Node*>* leaves) {
  using Entry = LogicNode::Tree::Entry;
  if (!IsLogic(expr)) {
    absl::StatusOr<const Node*> node = Plan(expr, depth);
    if (!node.ok()) return node.status();
    Entry leaf;
    leaf.leaf = *node;
    tree->entries.push_back(leaf);
    leaves->push_back(*node);
    return static_cast<int32_t>(tree->entries.size()) - 1;
  }
  if (depth > kMaxDepth) {
    return Error(expr, "expression nested too deeply to evaluate");
  }
  const auto& call = expr.call_expr();
  const Entry::Kind kind =
      call.function() == "_&&_" ? Entry::Kind::kAnd : Entry::Kind::kOr;
  // Left-associated when the call has more than two operands.
  absl::StatusOr<int32_t> left =
      AddLogic(call.args(0), depth + 1, tree, leaves);
  if (!left.ok()) return left;
  int32_t index = *left;
  for (int i = 1; i < call.args_size(); ++i) {
    absl::StatusOr<int32_t> right =
        AddLogic(call.args(i), depth + 1, tree, leaves);
    if (!right.ok()) return right;
    Entry entry;
    entry.kind = kind;
    entry.left = index;
    entry.right = *right;
    tree->entries.push_back(entry);
    index = static_cast<int32_t>(tree->entries.size()) - 1;
  }
  return index;
}

absl::StatusOr<const Node*> Planner::PlanList(const v1::Expr& expr,
                                              int depth) {
  std::vector<const Node*> elements;
  for (const auto& e : expr.list_expr().elements()) {
    absl::StatusOr<const Node*> node = Plan(e, depth + 1);
    if (!node.ok()) return node.status();
    elements.push_back(*node);
  }
  std::vector<const Node*> children = elements;
  return Fold(Own(std::make_unique<CreateListNode>(std::move(elements))),
              children);
}

absl::StatusOr<const Node*> Planner::PlanMap(const v1::Expr& expr,
                                             int depth) {
  std::vector<const Node*> keys;
  std::vector<const Node*> values;
  std::vector<const Node*> children;
  for (const auto& entry : expr.map_expr().entries()) {
    absl::StatusOr<const Node*> key = Plan(entry.key(), depth + 1);
    if (!key.ok()) return key.status();
    absl::StatusOr<const Node*> value = Plan(entry.value(), depth + 1);
    if (!value.ok()) return value.status();
    keys.push_back(*key);
    values.push_back(*value);
    children.push_back(*key);
    children.push_back(*value);
  }
  return Fold(Own(std::make_unique<CreateMapNode>(std::move(keys),
                                                  std::move(values))),
              children);
}

absl::StatusOr<const Node*> Planner::PlanComprehension(const v1::Expr& expr,
                                                       int depth) {
  const auto& c = expr.comprehension_expr();
  ComprehensionNode::Parts parts;
  absl::StatusOr<const Node*> range = Plan(c.iter_range(), depth + 1);
  if (!range.ok()) return range.status();
  absl::StatusOr<const Node*> init = Plan(c.accu_init(), depth + 1);
  if (!init.ok()) return init.status();
  parts.range = *range;
  parts.init = *init;

  const int level = comprehension_depth_++;
  max_comprehension_depth_ =
      std::max(max_comprehension_depth_, comprehension_depth_);
  parts.iter_local = 2 * level;
  parts.accu_local = 2 * level + 1;
  locals_.push_back({c.accu_var(), parts.accu_local});
  accumulators_.push_back(parts.accu_local);
  locals_.push_back({c.iter_var(), parts.iter_local});
  absl::StatusOr<const Node*> condition = Plan(c.loop_condition(), depth + 1);
  absl::StatusOr<const Node*> step =
      condition.ok() ? Plan(c.loop_step(), depth + 1) : condition;
  locals_.pop_back();  // the result sees the accumulator only
  absl::StatusOr<const Node*> result =
      step.ok() ? Plan(c.result(), depth + 1) : step;
  locals_.pop_back();
  accumulators_.pop_back();
  --comprehension_depth_;
  if (!result.ok()) return result.status();
  parts.condition = *condition;
  parts.step = *step;
  parts.result = *result;
  return Own(std::make_unique<ComprehensionNode>(parts));
}

absl::StatusOr<const Node*> Planner::Plan(const v1::Expr& expr, int depth) {
  if (depth > kMaxDepth) {
    return Error(expr, "expression nested too deeply to evaluate");
  }
  switch (expr.expr_kind_case()) {
    case v1::Expr::kConstExpr:
      return Constant(ConstantValue(expr.const_expr()));
    case v1::Expr::kIdentExpr:
    case v1::Expr::kSelectExpr:
      return PlanAttribute(expr, depth);
    case v1::Expr::kCallExpr:
      return PlanCall(expr, depth);
    case v1::Expr::kListExpr:
      return PlanList(expr, depth);
    case v1::Expr::kMapExpr:
      return PlanMap(expr, depth);
    case v1::Expr::kComprehensionExpr:
      return PlanComprehension(expr, depth);
    case v1::Expr::EXPR_KIND_NOT_SET:
      break;
  }
  return Error(expr, "empty expression node");
}

// Marks every node of an unchecked expression as dyn.
void FillDynTypes(const v1::Expr& expr, v1::CheckedExpr* checked, int depth) {
  if (depth > kMaxDepth) return;
  (*checked->mutable_type_map())[expr.id()].mutable_dyn();
  switch (expr.expr_kind_case()) {
    case v1::Expr::kSelectExpr:
      FillDynTypes(expr.select_expr().operand(), checked, depth + 1);
      break;
    case v1::Expr::kCallExpr:
      if (expr.call_expr().has_target()) {
        FillDynTypes(expr.call_expr().target(), checked, depth + 1);
      }
      for (const auto& arg : expr.call_expr().args()) {
        FillDynTypes(arg, checked, depth + 1);
      }
      break;
    case v1::Expr::kListExpr:
      for (const auto& e : expr.list_expr().elements()) {
        FillDynTypes(e, checked, depth + 1);
      }
      break;
    case v1::Expr::kMapExpr:
      for (const auto& e : expr.map_expr().entries()) {
        FillDynTypes(e.key(), checked, depth + 1);
        FillDynTypes(e.value(), checked, depth + 1);
      }
      break;
    case v1::Expr::kComprehensionExpr: {
      const auto& c = expr.comprehension_expr();
      FillDynTypes(c.iter_range(), checked, depth + 1);
      FillDynTypes(c.accu_init(), checked, depth + 1);
      FillDynTypes(c.loop_condition(), checked, depth + 1);
      FillDynTypes(c.loop_step(), checked, depth + 1);
      FillDynTypes(c.result(), checked, depth + 1);
      break;
    }
    default:
      break;
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Program>> PlanChecked(
    v1::CheckedExpr checked, std::shared_ptr<const VariableTable> variables,
    const DescriptorPool* pool, std::vector<CompileIssue>* issues) {
  if (variables == nullptr) {
    return absl::InvalidArgumentError("PlanChecked needs a variable table");
  }
  std::string result_type = "dyn";
  auto type = checked.type_map().find(checked.expr().id());
  if (type != checked.type_map().end()) result_type = FormatType(type->second);
  const VariableTable* table = variables.get();
  auto program = std::make_shared<EvalProgram>(
      std::move(checked), std::move(result_type), std::move(variables));
  const v1::CheckedExpr& expr = program->checked_expr();
  Planner planner(program.get(), &expr, expr.source_info(), nullptr, table,
                  pool, issues);
  absl::StatusOr<const Node*> root = planner.Plan(expr.expr(), 0);
  if (!root.ok()) return root.status();
  program->Finish(*root, planner.num_locals());
  return program;
}

absl::StatusOr<std::shared_ptr<const Program>> PlanUnchecked(
    v1::ParsedExpr parsed, const VariableTable& declared,
    const DescriptorPool* pool, std::vector<CompileIssue>* issues) {
  auto table = std::make_shared<VariableTable>();
  for (int i = 0; i < declared.size(); ++i) {
    table->Add(declared.name(i), declared.type(i));
  }
  v1::CheckedExpr checked;
  *checked.mutable_expr() = std::move(*parsed.mutable_expr());
  *checked.mutable_source_info() = std::move(*parsed.mutable_source_info());
  FillDynTypes(checked.expr(), &checked, 0);
  VariableTable* mutable_table = table.get();
  auto program =
      std::make_shared<EvalProgram>(std::move(checked), "dyn", table);
  const v1::CheckedExpr& expr = program->checked_expr();
  Planner planner(program.get(), nullptr, expr.source_info(), mutable_table,
                  mutable_table, pool, issues);
  absl::StatusOr<const Node*> root = planner.Plan(expr.expr(), 0);
  if (!root.ok()) return root.status();
  program->Finish(*root, planner.num_locals());
  return program;
}

}  // namespace divert::cel
