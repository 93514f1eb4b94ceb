#include "expr/macros.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace divert::cel {

TreeBuilder::TreeBuilder(const Limits& limits, size_t expected_nodes)
    : max_depth_(limits.max_nesting_depth), max_nodes_(limits.max_nodes) {
  nodes_.reserve(expected_nodes + 1);
  nodes_.push_back({-1, 0});
}

void TreeBuilder::AddSyntaxError(int32_t offset, std::string message) {
  if (aborted_) return;
  if (++syntax_errors_ > kMaxSyntaxErrors) {
    issues_.push_back({CompileIssue::Kind::kSyntax, offset,
                       absl::StrCat("more than ", kMaxSyntaxErrors,
                                    " syntax errors")});
    aborted_ = true;
    return;
  }
  issues_.push_back({CompileIssue::Kind::kSyntax, offset, std::move(message)});
}

void TreeBuilder::AddLimitError(int32_t offset, std::string message) {
  if (aborted_) return;
  issues_.push_back({CompileIssue::Kind::kLimit, offset, std::move(message)});
  aborted_ = true;
}

int64_t TreeBuilder::NewId(int32_t pos) {
  const int64_t id = static_cast<int64_t>(nodes_.size());
  nodes_.push_back({pos, 1});
  if (++live_ > max_nodes_) {
    AddLimitError(pos, absl::StrCat("expression has too many nodes (limit ",
                                    max_nodes_, ")"));
  }
  return id;
}

ExprPtr TreeBuilder::NewNode(int32_t pos) {
  auto expr = std::make_unique<v1::Expr>();
  expr->set_id(NewId(pos));
  return expr;
}

void TreeBuilder::Grow(const v1::Expr& parent, const v1::Expr& child) {
  const int32_t height = nodes_[child.id()].height + 1;
  NodeInfo& info = nodes_[parent.id()];
  if (height <= info.height) return;
  info.height = height;
  // A tree of height h nests h - 1 levels below its root.
  if (height - 1 > max_depth_) {
    AddLimitError(info.position,
                  absl::StrCat("expression nested too deeply (limit ",
                               max_depth_, ")"));
  }
}

void TreeBuilder::Forget(const v1::Expr& expr) {
  NodeInfo& info = nodes_[expr.id()];
  if (info.position >= 0) {
    info.position = -1;
    --live_;
  }
}

void TreeBuilder::Renumber(v1::Expr* expr, int32_t pos) {
  const int32_t height = nodes_[expr->id()].height;
  Forget(*expr);
  expr->set_id(NewId(pos));
  nodes_[expr->id()].height = height;
}

ExprPtr TreeBuilder::NewError(int32_t pos) { return NewNode(pos); }

ExprPtr TreeBuilder::NewIdent(int32_t pos, absl::string_view name) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_ident_expr()->set_name(name.data(), name.size());
  return expr;
}

ExprPtr TreeBuilder::NewNull(int32_t pos) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_null_value(v1::NULL_VALUE);
  return expr;
}

ExprPtr TreeBuilder::NewBool(int32_t pos, bool value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_bool_value(value);
  return expr;
}

ExprPtr TreeBuilder::NewInt(int32_t pos, int64_t value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_int64_value(value);
  return expr;
}

ExprPtr TreeBuilder::NewUint(int32_t pos, uint64_t value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_uint64_value(value);
  return expr;
}

ExprPtr TreeBuilder::NewDouble(int32_t pos, double value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_double_value(value);
  return expr;
}

ExprPtr TreeBuilder::NewString(int32_t pos, std::string value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_string_value(std::move(value));
  return expr;
}

ExprPtr TreeBuilder::NewBytes(int32_t pos, std::string value) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_const_expr()->set_bytes_value(std::move(value));
  return expr;
}

ExprPtr TreeBuilder::NewSelect(int32_t pos, ExprPtr operand,
                               absl::string_view field, bool test_only) {
  ExprPtr expr = NewNode(pos);
  Grow(*expr, *operand);
  v1::Expr::Select* select = expr->mutable_select_expr();
  select->set_allocated_operand(operand.release());
  select->set_field(field.data(), field.size());
  if (test_only) select->set_test_only(true);
  return expr;
}

ExprPtr TreeBuilder::NewCall(int32_t pos, absl::string_view function) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_call_expr()->set_function(function.data(), function.size());
  return expr;
}

ExprPtr TreeBuilder::NewCall(int32_t pos, absl::string_view function,
                             ExprPtr arg) {
  ExprPtr expr = NewCall(pos, function);
  AddArg(expr.get(), std::move(arg));
  return expr;
}

ExprPtr TreeBuilder::NewCall(int32_t pos, absl::string_view function,
                             ExprPtr arg1, ExprPtr arg2) {
  ExprPtr expr = NewCall(pos, function);
  expr->mutable_call_expr()->mutable_args()->Reserve(2);
  AddArg(expr.get(), std::move(arg1));
  AddArg(expr.get(), std::move(arg2));
  return expr;
}

ExprPtr TreeBuilder::NewCall(int32_t pos, absl::string_view function,
                             ExprPtr arg1, ExprPtr arg2, ExprPtr arg3) {
  ExprPtr expr = NewCall(pos, function);
  expr->mutable_call_expr()->mutable_args()->Reserve(3);
  AddArg(expr.get(), std::move(arg1));
  AddArg(expr.get(), std::move(arg2));
  AddArg(expr.get(), std::move(arg3));
  return expr;
}

void TreeBuilder::SetTarget(v1::Expr* call, ExprPtr target) {
  Grow(*call, *target);
  call->mutable_call_expr()->set_allocated_target(target.release());
}

void TreeBuilder::AddArg(v1::Expr* call, ExprPtr arg) {
  Grow(*call, *arg);
  call->mutable_call_expr()->mutable_args()->AddAllocated(arg.release());
}

ExprPtr TreeBuilder::NewList(int32_t pos) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_list_expr();
  return expr;
}

void TreeBuilder::AddElement(v1::Expr* list, ExprPtr element) {
  Grow(*list, *element);
  list->mutable_list_expr()->mutable_elements()->AddAllocated(
      element.release());
}

ExprPtr TreeBuilder::NewMap(int32_t pos) {
  ExprPtr expr = NewNode(pos);
  expr->mutable_map_expr();
  return expr;
}

void TreeBuilder::AddEntry(v1::Expr* map, int32_t pos, ExprPtr key,
                           ExprPtr value) {
  Grow(*map, *key);
  Grow(*map, *value);
  v1::Expr::CreateMap::Entry* entry = map->mutable_map_expr()->add_entries();
  entry->set_id(NewId(pos));
  entry->set_allocated_key(key.release());
  entry->set_allocated_value(value.release());
}

ExprPtr TreeBuilder::NewComprehension(int32_t pos, absl::string_view iter_var,
                                      ExprPtr iter_range, ExprPtr accu_init,
                                      ExprPtr loop_condition,
                                      ExprPtr loop_step, ExprPtr result) {
  ExprPtr expr = NewNode(pos);
  for (const ExprPtr* child :
       {&iter_range, &accu_init, &loop_condition, &loop_step, &result}) {
    Grow(*expr, **child);
  }
  v1::Expr::Comprehension* c = expr->mutable_comprehension_expr();
  c->set_iter_var(iter_var.data(), iter_var.size());
  c->set_allocated_iter_range(iter_range.release());
  c->set_accu_var(kAccumulatorVar.data(), kAccumulatorVar.size());
  c->set_allocated_accu_init(accu_init.release());
  c->set_allocated_loop_condition(loop_condition.release());
  c->set_allocated_loop_step(loop_step.release());
  c->set_allocated_result(result.release());
  return expr;
}

void TreeBuilder::WritePositions(v1::SourceInfo* info) const {
  auto* positions = info->mutable_positions();
  for (size_t id = 1; id < nodes_.size(); ++id) {
    if (nodes_[id].position >= 0) {
      (*positions)[static_cast<int64_t>(id)] = nodes_[id].position;
    }
  }
}

namespace {

enum class MacroKind { kNone, kHas, kAll, kExists, kExistsOne, kMap, kFilter };

MacroKind Classify(const v1::Expr::Call& call) {
  const absl::string_view name = call.function();
  const int argc = call.args_size();
  if (!call.has_target()) {
    return name == "has" && argc == 1 ? MacroKind::kHas : MacroKind::kNone;
  }
  if (argc == 2) {
    if (name == "all") return MacroKind::kAll;
    if (name == "exists") return MacroKind::kExists;
    if (name == "exists_one") return MacroKind::kExistsOne;
    if (name == "map") return MacroKind::kMap;
    if (name == "filter") return MacroKind::kFilter;
  } else if (argc == 3 && name == "map") {
    return MacroKind::kMap;
  }
  return MacroKind::kNone;
}

}  // namespace

ExprPtr ExpandMacro(TreeBuilder& b, ExprPtr call) {
  const MacroKind kind = Classify(call->call_expr());
  if (kind == MacroKind::kNone) return call;
  // After a syntax error inside the call there is nothing sensible to
  // expand (and nothing more to report).
  const v1::Expr::Call& c = call->call_expr();
  if (c.has_target() && IsErrorNode(c.target())) return call;
  for (const v1::Expr& arg : c.args()) {
    if (IsErrorNode(arg)) return call;
  }

  const int32_t pos = b.Position(*call);
  v1::Expr::Call* mc = call->mutable_call_expr();
  const int argc = mc->args_size();
  ExprPtr args[3];
  v1::Expr* raw[3] = {nullptr, nullptr, nullptr};
  mc->mutable_args()->ExtractSubrange(0, argc, raw);
  for (int i = 0; i < argc; ++i) args[i].reset(raw[i]);
  ExprPtr target(mc->release_target());
  b.Forget(*call);
  call.reset();

  if (kind == MacroKind::kHas) {
    ExprPtr& arg = args[0];
    if (arg->has_select_expr() && !arg->select_expr().test_only()) {
      arg->mutable_select_expr()->set_test_only(true);
      b.Renumber(arg.get(), pos);
      return std::move(arg);
    }
    b.AddSyntaxError(b.Position(*arg), "invalid argument to has() macro");
    return b.NewError(pos);
  }

  // The iteration variable must be a simple name.
  const v1::Expr& var = *args[0];
  if (!var.has_ident_expr() ||
      absl::string_view(var.ident_expr().name()).find('.') !=
          absl::string_view::npos) {
    b.AddSyntaxError(b.Position(var),
                     kind == MacroKind::kMap || kind == MacroKind::kFilter
                         ? "argument is not an identifier"
                         : "argument must be a simple name");
    return b.NewError(pos);
  }
  const std::string iter_var = var.ident_expr().name();
  b.Forget(var);

  auto accu = [&b, pos] { return b.NewIdent(pos, kAccumulatorVar); };
  ExprPtr init;
  ExprPtr condition;
  ExprPtr step;
  ExprPtr result;
  switch (kind) {
    case MacroKind::kAll:
      init = b.NewBool(pos, true);
      condition = b.NewCall(pos, "@not_strictly_false", accu());
      step = b.NewCall(pos, "_&&_", accu(), std::move(args[1]));
      result = accu();
      break;
    case MacroKind::kExists:
      init = b.NewBool(pos, false);
      condition = b.NewCall(pos, "@not_strictly_false",
                            b.NewCall(pos, "!_", accu()));
      step = b.NewCall(pos, "_||_", accu(), std::move(args[1]));
      result = accu();
      break;
    case MacroKind::kExistsOne:
      init = b.NewInt(pos, 0);
      condition = b.NewBool(pos, true);
      step = b.NewCall(pos, "_?_:_", std::move(args[1]),
                       b.NewCall(pos, "_+_", accu(), b.NewInt(pos, 1)),
                       accu());
      result = b.NewCall(pos, "_==_", accu(), b.NewInt(pos, 1));
      break;
    case MacroKind::kMap: {
      init = b.NewList(pos);
      condition = b.NewBool(pos, true);
      ExprPtr transform = std::move(args[argc - 1]);
      ExprPtr list = b.NewList(pos);
      b.AddElement(list.get(), std::move(transform));
      ExprPtr append = b.NewCall(pos, "_+_", accu(), std::move(list));
      if (argc == 3) {
        step = b.NewCall(pos, "_?_:_", std::move(args[1]), std::move(append),
                         accu());
      } else {
        step = std::move(append);
      }
      result = accu();
      break;
    }
    case MacroKind::kFilter: {
      init = b.NewList(pos);
      condition = b.NewBool(pos, true);
      ExprPtr list = b.NewList(pos);
      b.AddElement(list.get(), b.NewIdent(pos, iter_var));
      step = b.NewCall(pos, "_?_:_", std::move(args[1]),
                       b.NewCall(pos, "_+_", accu(), std::move(list)), accu());
      result = accu();
      break;
    }
    case MacroKind::kNone:
    case MacroKind::kHas:
      break;
  }
  return b.NewComprehension(pos, iter_var, std::move(target), std::move(init),
                            std::move(condition), std::move(step),
                            std::move(result));
}

}  // namespace divert::cel
