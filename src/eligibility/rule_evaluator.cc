#include "eligibility/rule_evaluator.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "divert/cel/value.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace divert::eligibility {
namespace {

using Strings = google::protobuf::RepeatedPtrField<std::string>;

void SortUnique(Strings* strings) {
  if (strings->size() < 2) return;
  std::sort(strings->begin(), strings->end());
  auto end = std::unique(strings->begin(), strings->end());
  while (strings->end() != end) strings->RemoveLast();
}

// Names a missing fact as the encounter sees it: for charge `index`,
// "charge.violent" is "encounter.charges[1].violent".
void AddMissing(absl::string_view attribute, int charge_index,
                Strings* missing) {
  absl::string_view rest = attribute;
  if (charge_index >= 0 &&
      (rest == "charge" || absl::ConsumePrefix(&rest, "charge."))) {
    std::string* path = missing->Add();
    absl::StrAppend(path, "encounter.charges[", charge_index, "]");
    if (rest != "charge") absl::StrAppend(path, ".", rest);
    return;
  }
  missing->Add(std::string(attribute));
}

struct Verdict {
  v1::RuleResult result = v1::RULE_DOES_NOT_HOLD;
  // For "any of": the alternative that holds.
  const std::string* alternative = nullptr;
};

// Evaluates the rule's condition or alternatives with the current
// bindings. Missing facts go to `missing`, the first error to `error`.
Verdict EvaluateConditions(const CompiledRule& rule, int charge_index,
                           cel::Activation* activation, Strings* missing,
                           std::string* error) {
  bool unknown = false;
  bool failed = false;
  for (const CompiledCondition& condition : rule.conditions) {
    const cel::Value value = condition.program->Evaluate(*activation);
    switch (value.kind()) {
      case cel::ValueKind::kBool:
        if (value.bool_value()) {
          if (!missing->empty()) missing->Clear();
          error->clear();
          return {v1::RULE_HOLDS, rule.any_of ? &condition.alternative_id
                                              : nullptr};
        }
        break;
      case cel::ValueKind::kUnknown:
        unknown = true;
        for (const std::string& attribute : value.unknown().attributes()) {
          AddMissing(attribute, charge_index, missing);
        }
        break;
      case cel::ValueKind::kError:
        if (!failed) {
          *error = std::string(value.error().status().message());
          if (rule.any_of) {
            *error = absl::StrCat(condition.alternative_id, ": ", *error);
          }
        }
        failed = true;
        break;
      default:
        if (!failed) {
          *error = absl::StrCat("the condition gave ",
                                cel::KindName(value.kind()), ", not a bool");
          if (rule.any_of) {
            *error = absl::StrCat(condition.alternative_id, ": ", *error);
          }
        }
        failed = true;
        break;
    }
  }
  if (unknown) {
    error->clear();
    SortUnique(missing);
    return {v1::RULE_UNKNOWN};
  }
  if (failed) return {v1::RULE_ERROR};
  return {v1::RULE_DOES_NOT_HOLD};
}

}  // namespace

bool BeginRule(const CompiledRule& rule, const v1::Encounter& encounter,
               cel::Activation* activation, v1::RuleOutcome* out) {
  if (!rule.AppliesTo(encounter.pathway())) {
    out->set_result(v1::RULE_NOT_APPLICABLE);
    return false;
  }
  if (rule.each_charge) {
    if (!encounter.charges().empty()) return true;
    if (encounter.pathway() == v1::SOCIAL_CONTACT) {
      out->set_result(v1::RULE_NOT_APPLICABLE);
    } else {
      out->set_result(v1::RULE_UNKNOWN);
      out->add_missing_facts("encounter.charges");
    }
    return false;
  }
  std::string error;
  const Verdict verdict = EvaluateConditions(
      rule, -1, activation, out->mutable_missing_facts(), &error);
  out->set_result(verdict.result);
  if (verdict.alternative != nullptr) {
    out->set_alternative_id(*verdict.alternative);
  }
  if (verdict.result == v1::RULE_ERROR) out->set_error(std::move(error));
  return false;
}

void EvaluateCharge(const CompiledRule& rule, int index,
                    const v1::Charge& charge, cel::Activation* activation,
                    v1::RuleOutcome* out) {
  v1::ChargeResult* result = out->add_charges();
  result->set_charge_index(index);
  result->set_statute_code(charge.statute_code());
  std::string error;
  const Verdict verdict = EvaluateConditions(
      rule, index, activation, result->mutable_missing_facts(), &error);
  result->set_result(verdict.result);
  if (verdict.alternative != nullptr) {
    result->set_alternative_id(*verdict.alternative);
  }
  // Until FinishEachCharge, `error` holds the first charge's error.
  if (verdict.result == v1::RULE_ERROR && out->error().empty()) {
    out->set_error(absl::StrCat("charge ", index + 1, " (",
                                charge.statute_code(), "): ", error));
  }
}

void FinishEachCharge(const CompiledRule& rule, v1::RuleOutcome* out) {
  const bool every = rule.rule->kind() == v1::CRITERION;
  int holds = 0, not_holds = 0, unknown = 0, failed = 0;
  for (const v1::ChargeResult& charge : out->charges()) {
    switch (charge.result()) {
      case v1::RULE_HOLDS:
        ++holds;
        break;
      case v1::RULE_DOES_NOT_HOLD:
        ++not_holds;
        break;
      case v1::RULE_UNKNOWN:
        ++unknown;
        break;
      default:
        ++failed;
        break;
    }
  }
  v1::RuleResult result;
  if (every) {
    result = not_holds > 0  ? v1::RULE_DOES_NOT_HOLD
             : unknown > 0  ? v1::RULE_UNKNOWN
             : failed > 0   ? v1::RULE_ERROR
                            : v1::RULE_HOLDS;
  } else {
    result = holds > 0      ? v1::RULE_HOLDS
             : unknown > 0  ? v1::RULE_UNKNOWN
             : failed > 0   ? v1::RULE_ERROR
                            : v1::RULE_DOES_NOT_HOLD;
  }
  out->set_result(result);
  if (result != v1::RULE_ERROR) out->clear_error();
  if (result == v1::RULE_UNKNOWN) {
    for (const v1::ChargeResult& charge : out->charges()) {
      for (const std::string& fact : charge.missing_facts()) {
        out->add_missing_facts(fact);
      }
    }
    SortUnique(out->mutable_missing_facts());
  } else if (result == v1::RULE_HOLDS && rule.any_of && out->charges_size() > 0) {
    if (every) {
      // Name the alternative when every charge met the same one.
      const std::string& first = out->charges(0).alternative_id();
      bool same = true;
      for (const v1::ChargeResult& charge : out->charges()) {
        same = same && charge.alternative_id() == first;
      }
      if (same) out->set_alternative_id(first);
    } else {
      // The alternative of the first charge it holds for.
      for (const v1::ChargeResult& charge : out->charges()) {
        if (charge.result() == v1::RULE_HOLDS) {
          out->set_alternative_id(charge.alternative_id());
          break;
        }
      }
    }
  }
}

}  // namespace divert::eligibility
