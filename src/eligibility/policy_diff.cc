#include "eligibility/policy_diff.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eligibility/offense_catalog.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"

namespace divert::eligibility {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool SameAlternatives(const v1::Rule& a, const v1::Rule& b) {
  if (a.any_of_size() != b.any_of_size()) return false;
  for (int i = 0; i < a.any_of_size(); ++i) {
    if (a.any_of(i).id() != b.any_of(i).id() ||
        a.any_of(i).condition() != b.any_of(i).condition() ||
        a.any_of(i).text() != b.any_of(i).text()) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> RuleAspects(const v1::Rule& a, const v1::Rule& b) {
  std::vector<std::string> aspects;
  if (a.text() != b.text()) aspects.push_back("text");
  if (a.condition() != b.condition() || !SameAlternatives(a, b)) {
    aspects.push_back("condition");
  }
  if (a.kind() != b.kind()) aspects.push_back("kind");
  if (a.scope() != b.scope()) aspects.push_back("scope");
  if (!std::equal(a.pathways().begin(), a.pathways().end(),
                  b.pathways().begin(), b.pathways().end())) {
    aspects.push_back("pathways");
  }
  if (a.review_by() != b.review_by()) aspects.push_back("reviewer");
  if (a.citation() != b.citation()) aspects.push_back("citation");
  return aspects;
}

// One field of a message as single-line text format ("" when unset).
std::string FieldText(const Message& message, const FieldDescriptor* field) {
  const Reflection* reflection = message.GetReflection();
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::vector<std::string> parts;
  if (field->is_repeated()) {
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      std::string text;
      printer.PrintFieldValueToString(message, field, i, &text);
      parts.push_back(std::move(text));
    }
    return parts.empty() ? "" : absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !reflection->HasField(message, field)) {
    return "";
  }
  std::string text;
  printer.PrintFieldValueToString(message, field, -1, &text);
  return text;
}

// The fields of two messages of one type that differ.
std::vector<ValueChange> FieldChanges(const Message& before,
                                      const Message& after) {
  std::vector<ValueChange> changes;
  const google::protobuf::Descriptor* type = after.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    std::string a = FieldText(before, field);
    std::string b = FieldText(after, field);
    if (a != b) changes.push_back({field->name(), std::move(a), std::move(b)});
  }
  return changes;
}

void DiffRules(const v1::PolicyVersion& before, const v1::PolicyVersion& after,
               PolicyDiff* diff) {
  absl::flat_hash_map<absl::string_view, const v1::Rule*> old_rules;
  for (const v1::Rule& rule : before.rules()) old_rules.emplace(rule.id(), &rule);
  absl::flat_hash_map<absl::string_view, const v1::Rule*> new_rules;
  for (const v1::Rule& rule : after.rules()) {
    new_rules.emplace(rule.id(), &rule);
    auto it = old_rules.find(rule.id());
    if (it == old_rules.end()) {
      diff->rules_added.push_back(&rule);
      continue;
    }
    std::vector<std::string> aspects = RuleAspects(*it->second, rule);
    if (!aspects.empty()) {
      diff->rules_changed.push_back({it->second, &rule, std::move(aspects)});
    }
  }
  for (const v1::Rule& rule : before.rules()) {
    if (!new_rules.contains(rule.id())) diff->rules_removed.push_back(&rule);
  }
}

void DiffParameters(const v1::PolicyVersion& before,
                    const v1::PolicyVersion& after, PolicyDiff* diff) {
  absl::flat_hash_map<absl::string_view, const v1::Parameter*> old_params;
  for (const v1::Parameter& p : before.parameters()) old_params.emplace(p.name(), &p);
  absl::flat_hash_map<absl::string_view, const v1::Parameter*> new_params;
  for (const v1::Parameter& p : after.parameters()) {
    new_params.emplace(p.name(), &p);
    auto it = old_params.find(p.name());
    const std::string now = ParameterValueText(p);
    if (it == old_params.end()) {
      diff->parameters.push_back({p.name(), "", now});
    } else if (ParameterValueText(*it->second) != now) {
      diff->parameters.push_back({p.name(), ParameterValueText(*it->second), now});
    }
  }
  for (const v1::Parameter& p : before.parameters()) {
    if (!new_params.contains(p.name())) {
      diff->parameters.push_back({p.name(), ParameterValueText(p), ""});
    }
  }
}

void DiffCatalog(const v1::PolicyVersion& before,
                 const v1::PolicyVersion& after, PolicyDiff* diff) {
  absl::flat_hash_map<std::string, const v1::Offense*> old_offenses;
  for (const v1::Offense& o : before.offense_catalog().offenses()) {
    old_offenses.emplace(NormalizeOffenseCode(o.code()), &o);
  }
  absl::flat_hash_map<std::string, const v1::Offense*> new_offenses;
  for (const v1::Offense& o : after.offense_catalog().offenses()) {
    std::string key = NormalizeOffenseCode(o.code());
    auto it = old_offenses.find(key);
    new_offenses.emplace(std::move(key), &o);
    if (it == old_offenses.end()) {
      diff->offenses_added.push_back(&o);
      continue;
    }
    std::vector<std::string> fields;
    for (ValueChange& change : FieldChanges(*it->second, o)) {
      if (change.name != "code") fields.push_back(std::move(change.name));
    }
    if (!fields.empty()) {
      diff->offenses_changed.push_back({it->second, &o, std::move(fields)});
    }
  }
  for (const v1::Offense& o : before.offense_catalog().offenses()) {
    if (!new_offenses.contains(NormalizeOffenseCode(o.code()))) {
      diff->offenses_removed.push_back(&o);
    }
  }
}

}  // namespace

PolicyDiff DiffVersions(const v1::PolicyVersion& before,
                        const v1::PolicyVersion& after) {
  PolicyDiff diff;
  DiffRules(before, after, &diff);
  DiffParameters(before, after, &diff);
  DiffCatalog(before, after, &diff);
  diff.settings = FieldChanges(before.program(), after.program());
  return diff;
}

std::string ParameterValueText(const v1::Parameter& parameter) {
  switch (parameter.value_case()) {
    case v1::Parameter::kIntValue:
      return absl::StrCat(parameter.int_value());
    case v1::Parameter::kDoubleValue: {
      std::string text = absl::StrCat(parameter.double_value());
      // Keep a double recognizable as one: 2.0, not 2.
      if (text.find_first_of(".eE") == std::string::npos &&
          text.find_first_not_of("-0123456789") == std::string::npos) {
        absl::StrAppend(&text, ".0");
      }
      return text;
    }
    case v1::Parameter::kStringValue:
      return absl::StrCat("\"", parameter.string_value(), "\"");
    case v1::Parameter::kBoolValue:
      return parameter.bool_value() ? "true" : "false";
    default:
      return "";
  }
}

std::string ConditionText(const v1::Rule& rule) {
  if (rule.any_of().empty()) return rule.condition();
  std::vector<std::string> parts;
  for (const v1::Alternative& alternative : rule.any_of()) {
    parts.push_back(absl::StrCat("(", alternative.condition(), ")"));
  }
  return absl::StrJoin(parts, " || ");
}

}  // namespace divert::eligibility
