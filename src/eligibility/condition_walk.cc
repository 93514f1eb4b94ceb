#include "eligibility/condition_walk.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace divert::eligibility {
namespace {

// The message type of node `id` in `checked`, or "" when not a message.
absl::string_view MessageTypeOf(const v1::CheckedExpr& checked, int64_t id) {
  auto it = checked.type_map().find(id);
  if (it == checked.type_map().end() || !it->second.has_message_type()) {
    return "";
  }
  return it->second.message_type();
}

// The field selected by `e` when it is a selection of one of `fields`.
const std::string* SelectedField(
    const v1::Expr& e, const std::vector<absl::string_view>& fields) {
  if (!e.has_select_expr() || e.select_expr().test_only()) return nullptr;
  const std::string& field = e.select_expr().field();
  if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
    return nullptr;
  }
  return &field;
}

void AddLiterals(const std::string& field, const v1::Expr& side,
                 std::vector<FieldLiteral>* out) {
  if (side.has_const_expr() && side.const_expr().has_string_value()) {
    out->push_back({field, side.const_expr().string_value(), side.id()});
    return;
  }
  if (side.has_list_expr()) {
    for (const v1::Expr& element : side.list_expr().elements()) {
      if (element.has_const_expr() && element.const_expr().has_string_value()) {
        out->push_back({field, element.const_expr().string_value(),
                        element.id()});
      }
    }
  }
}

}  // namespace

void ForEachExpr(const v1::Expr& root,
                 absl::FunctionRef<void(const v1::Expr&)> visit) {
  std::vector<const v1::Expr*> stack = {&root};
  while (!stack.empty()) {
    const v1::Expr* e = stack.back();
    stack.pop_back();
    visit(*e);
    // Children are pushed in reverse so that they are visited in order.
    std::vector<const v1::Expr*> children;
    switch (e->expr_kind_case()) {
      case v1::Expr::kSelectExpr:
        children.push_back(&e->select_expr().operand());
        break;
      case v1::Expr::kCallExpr:
        if (e->call_expr().has_target()) {
          children.push_back(&e->call_expr().target());
        }
        for (const v1::Expr& arg : e->call_expr().args()) {
          children.push_back(&arg);
        }
        break;
      case v1::Expr::kListExpr:
        for (const v1::Expr& element : e->list_expr().elements()) {
          children.push_back(&element);
        }
        break;
      case v1::Expr::kMapExpr:
        for (const auto& entry : e->map_expr().entries()) {
          children.push_back(&entry.key());
          children.push_back(&entry.value());
        }
        break;
      case v1::Expr::kComprehensionExpr: {
        const auto& c = e->comprehension_expr();
        children.push_back(&c.iter_range());
        children.push_back(&c.accu_init());
        children.push_back(&c.loop_condition());
        children.push_back(&c.loop_step());
        children.push_back(&c.result());
        break;
      }
      default:
        break;
    }
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
}

std::vector<std::string> FieldsRead(const v1::CheckedExpr& checked) {
  std::vector<std::string> fields;
  ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
    if (!e.has_select_expr()) return;
    absl::string_view type =
        MessageTypeOf(checked, e.select_expr().operand().id());
    fields.push_back(absl::StrCat(type.empty() ? "?" : type, ".",
                                  e.select_expr().field()));
  });
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

std::vector<FieldLiteral> FieldLiterals(
    const v1::CheckedExpr& checked,
    const std::vector<absl::string_view>& fields) {
  std::vector<FieldLiteral> out;
  ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
    if (!e.has_call_expr() || e.call_expr().args_size() != 2) return;
    const std::string& function = e.call_expr().function();
    const v1::Expr& lhs = e.call_expr().args(0);
    const v1::Expr& rhs = e.call_expr().args(1);
    if (function == "_==_" || function == "_!=_") {
      if (const std::string* field = SelectedField(lhs, fields)) {
        AddLiterals(*field, rhs, &out);
      } else if (const std::string* field = SelectedField(rhs, fields)) {
        AddLiterals(*field, lhs, &out);
      }
    } else if (function == "@in") {
      if (const std::string* field = SelectedField(lhs, fields)) {
        AddLiterals(*field, rhs, &out);
      }
    }
  });
  return out;
}

}  // namespace divert::eligibility
