#include "screening/policy_inputs.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
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

bool IsText(const v1::Expr& e) {
  return e.has_const_expr() && e.const_expr().has_string_value();
}

// Appends to `tests` the tests of `subject` (a selection) that `parent`,
// the call it is an argument or target of, makes against constant texts;
// false when `parent` uses it any other way.
bool AppendTests(const v1::Expr& subject, const v1::Expr* parent,
                 std::vector<TextTest>* tests) {
  if (parent == nullptr) return false;
  const v1::Expr::Call& call = parent->call_expr();
  const std::string& fn = call.function();
  using Kind = TextTest::Kind;
  if (call.has_target() && call.target().id() == subject.id() &&
      call.args_size() == 1 && IsText(call.args(0))) {
    const std::string& literal = call.args(0).const_expr().string_value();
    if (fn == "startsWith") {
      tests->push_back({Kind::kStartsWith, literal});
      return true;
    }
    if (fn == "endsWith") {
      tests->push_back({Kind::kEndsWith, literal});
      return true;
    }
    if (fn == "contains") {
      tests->push_back({Kind::kContains, literal});
      return true;
    }
    return false;
  }
  if (call.has_target() || call.args_size() != 2) return false;
  const bool first = call.args(0).id() == subject.id();
  const v1::Expr& other = call.args(first ? 1 : 0);
  if ((fn == "_==_" || fn == "_!=_") && IsText(other)) {
    tests->push_back({Kind::kEquals, other.const_expr().string_value()});
    return true;
  }
  if (fn == "@in" && first && other.has_list_expr()) {
    for (const v1::Expr& element : other.list_expr().elements()) {
      if (!IsText(element)) return false;
    }
    for (const v1::Expr& element : other.list_expr().elements()) {
      tests->push_back({Kind::kEquals, element.const_expr().string_value()});
    }
    return true;
  }
  return false;
}

}  // namespace

bool TextTest::Passes(absl::string_view text) const {
  switch (kind) {
    case Kind::kEquals:
      return text == literal;
    case Kind::kStartsWith:
      return absl::StartsWith(text, literal);
    case Kind::kEndsWith:
      return absl::EndsWith(text, literal);
    case Kind::kContains:
      return absl::StrContains(text, literal);
  }
  return false;
}

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
        // The call each node is an argument or target of.
        absl::flat_hash_set<int64_t> path_steps;
        absl::flat_hash_map<int64_t, const v1::Expr*> caller;
        eligibility::ForEachExpr(checked.expr(), [&](const v1::Expr& e) {
          if (e.has_select_expr()) {
            path_steps.insert(e.select_expr().operand().id());
          }
          if (!e.has_call_expr()) return;
          if (e.call_expr().has_target()) caller[e.call_expr().target().id()] = &e;
          for (const v1::Expr& arg : e.call_expr().args()) caller[arg.id()] = &e;
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
          auto parent = caller.find(e.id());
          std::vector<TextTest> tests;
          if (e.select_expr().test_only() ||
              !AppendTests(e, parent == caller.end() ? nullptr : parent->second,
                           &tests)) {
            inputs.read_otherwise_.insert(name);
          }
          std::vector<TextTest>& known = inputs.text_tests_[name];
          for (TextTest& test : tests) {
            if (std::find(known.begin(), known.end(), test) == known.end()) {
              known.push_back(std::move(test));
            }
          }
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

const std::vector<TextTest>* PolicyInputs::TextTests(
    const std::vector<const google::protobuf::FieldDescriptor*>& path) const {
  static const auto* kNone = new std::vector<TextTest>;
  if (path.empty() || everything_) return nullptr;
  for (const google::protobuf::FieldDescriptor* field : path) {
    if (observed_whole_.contains(FieldName(field)) ||
        read_.contains(absl::StrCat("?.", field->name()))) {
      return nullptr;
    }
  }
  const std::string name = FieldName(path.back());
  if (!read_.contains(name)) return kNone;
  if (read_otherwise_.contains(name)) return nullptr;
  auto it = text_tests_.find(name);
  return it == text_tests_.end() ? nullptr : &it->second;
}

std::vector<std::string> PolicyInputs::FieldsRead() const {
  std::vector<std::string> out(read_.begin(), read_.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace divert::screening
