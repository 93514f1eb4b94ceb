#include "screening/policy_inputs.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "divert/v1/expr.pb.h"
#include "eligibility/compiled_policy.h"
#include "eligibility/condition_walk.h"

namespace divert::screening {
namespace {

std::string FieldName(const google::protobuf::FieldDescriptor* field) {
  return absl::StrCat(field->containing_type()->full_name(), ".",
                      field->name());
}

// The message type of node `id`, or "" when it is not a message.
const std::string* MessageTypeOf(const v1::CheckedExpr& checked, int64_t id) {
  auto it = checked.type_map().find(id);
  if (it == checked.type_map().end() || !it->second.has_message_type()) {
    return nullptr;
  }
  return &it->second.message_type();
}

}  // namespace

absl::StatusOr<PolicyInputs> PolicyInputs::Of(const CompiledPolicy& policy) {
  const auto* impl =
      dynamic_cast<const eligibility::CompiledPolicyImpl*>(&policy);
  if (impl == nullptr) {
    return absl::InvalidArgumentError(
        "screening needs a policy compiled by divert::CompiledPolicy");
  }
  PolicyInputs inputs;
  for (const auto& version : impl->compiled().versions) {
    for (const eligibility::CompiledRule& rule : version->rules) {
      for (const eligibility::CompiledCondition& condition : rule.conditions) {
        const v1::CheckedExpr& checked = condition.program->checked_expr();
        // Selections that are the operand of another selection are steps
        // on a path; any other selection of a message is seen whole, and
        // so is the field a has() tests.
        absl::flat_hash_set<int64_t> path_steps;
        eligibility::ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
          if (e.has_select_expr()) {
            path_steps.insert(e.select_expr().operand().id());
          }
        });
        eligibility::ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
          // `encounter` (or `charge`) used as a whole value.
          if (e.has_ident_expr() && MessageTypeOf(checked, e.id()) != nullptr &&
              !path_steps.contains(e.id())) {
            inputs.everything_ = true;
          }
          if (!e.has_select_expr()) return;
          const std::string* type =
              MessageTypeOf(checked, e.select_expr().operand().id());
          const std::string name = absl::StrCat(
              type == nullptr ? "?" : *type, ".", e.select_expr().field());
          inputs.read_.insert(name);
          const bool message_valued = MessageTypeOf(checked, e.id()) != nullptr;
          if (e.select_expr().test_only() ||
              (message_valued && !path_steps.contains(e.id()))) {
            inputs.observed_whole_.insert(name);
          }
        });
      }
    }
  }
  return inputs;
}

bool PolicyInputs::Matters(
    const std::vector<const google::protobuf::FieldDescriptor*>& path) const {
  if (path.empty()) return false;
  if (everything_) return true;
  for (const google::protobuf::FieldDescriptor* field : path) {
    const std::string name = FieldName(field);
    if (observed_whole_.contains(name)) return true;
    // A field of a message the checker could not type ("?.field").
    if (read_.contains(absl::StrCat("?.", field->name()))) return true;
  }
  return read_.contains(FieldName(path.back()));
}

std::vector<std::string> PolicyInputs::FieldsRead() const {
  std::vector<std::string> out(read_.begin(), read_.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace divert::screening
